// A one-off command (diagnose, doctor, fix, …) parses a few HTTP responses with undici's llhttp, which
// is WebAssembly. Once a wasm function has run a little, V8 recompiles it with TurboFan on a
// background thread, and Node waits for those compile jobs before the process may exit: for
// llhttp's parser that is ~200 ms of CPU and of wall time at the end of every CLI run, spent on code
// that would never run again. One-off commands raise the tier-up budget out of reach; `serve` and
// `worker` keep V8's default, since they parse responses all day and want the optimised code.
import { setFlagsFromString } from 'node:v8';

/** Must run before the first WebAssembly module is instantiated (undici does it at its first request). */
export function skipWasmTierUp(): void {
  setFlagsFromString('--wasm-tiering-budget=2000000000');
}
