// The parts of undici the probes use, loaded from undici's own files instead of its index. The index
// loads every dispatcher, mock, cache store, interceptor and fetch (about 110 files, ~130 ms of CPU
// at every CLI start) where a probe needs an Agent, a Client, request() and the error classes (about
// 26). Same files, so the same classes as `import 'undici'` elsewhere in the process; the types come
// from undici's public typings (a type-only import costs nothing at run time).
// test/probes/undici-core.test.ts pins that these are undici's own exports.
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

export const Agent = load('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const Client = load('undici/lib/dispatcher/client.js') as typeof Undici.Client;
export const errors = load('undici/lib/core/errors.js') as typeof Undici.errors;

type RequestOptions = Undici.Dispatcher.RequestOptions;
type ResponseData = Undici.Dispatcher.ResponseData;
const apiRequest = load('undici/lib/api/api-request.js') as (
  this: Undici.Dispatcher,
  options: RequestOptions,
) => Promise<ResponseData>;

/** `dispatcher.request(options)`: undici's index adds `request` to every dispatcher; we do not load it. */
export function requestVia(dispatcher: Undici.Dispatcher, options: RequestOptions): Promise<ResponseData> {
  return apiRequest.call(dispatcher, options);
}
