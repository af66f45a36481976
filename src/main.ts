// Entry points of the long-running roles, for the CLI (`src/cli/role.ts`: `check502 serve
// [--no-worker]`, `check502 worker`), tests and benchmarks. Each takes its configuration, a pino
// logger and optional overrides (diagnoser, sinks, extra routes: `DepOverrides`, handed whole to
// `buildDeps`) and returns a handle whose
// `close(deadlineMs?)` stops gracefully: no new requests, jobs in flight finish within the
// deadline (then are abandoned to another worker), Redis closed.

export type { DepOverrides, Deps } from './roles/deps.js';
export { buildDeps } from './roles/deps.js';
export type { ServeHandle, ServeOptions } from './roles/serve.js';
export { startServe } from './roles/serve.js';
export type { RoleHandle, WorkerHandle, WorkerRoleOptions } from './roles/worker.js';
export { startWorker } from './roles/worker.js';
