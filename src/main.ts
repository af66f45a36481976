// Composition root for the long-running roles. The CLI (`check502 serve [--no-worker]`,
// `check502 worker`) calls `runServe` / `runWorker`; tests and benchmarks call `startServe` /
// `startWorker` directly with their own config, logger and (optionally) diagnoser and sinks.
import type { Env, ServerConfig } from './config.js';
import { loadServerConfig } from './config.js';
import { createLogger, type Logger } from './log/logger.js';
import { type ServeHandle, startServe } from './roles/serve.js';
import { startWorker, type WorkerHandle } from './roles/worker.js';
import { installShutdown } from './shutdown/install-shutdown.js';

export type { ServeHandle, ServeOptions } from './roles/serve.js';
export type { WorkerHandle, WorkerRoleOptions } from './roles/worker.js';
export { startServe, startWorker };

/** The process logger, told every configured secret so none can reach a log line. */
export function createRoleLogger(config: ServerConfig, role: 'serve' | 'worker'): Logger {
  return createLogger({
    level: config.logLevel,
    name: `check502-${role}`,
    secrets: [
      config.slack?.botToken,
      config.slack?.signingSecret,
      config.slack?.appToken,
      config.discord?.botToken,
      config.cloudflareApiToken,
      config.webhookSecret,
    ],
  });
}

/** `check502 serve [--no-worker]`: starts, and stops cleanly on SIGTERM/SIGINT. Throws ConfigError on bad env. */
export async function runServe(env: Env, options: { worker: boolean }): Promise<ServeHandle> {
  const config = loadServerConfig(env);
  const logger = createRoleLogger(config, 'serve');
  const handle = await startServe({ config, worker: options.worker, logger });
  installShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    handles: [{ name: 'serve', close: (left) => handle.close(left) }],
  });
  return handle;
}

/** `check502 worker`: starts workers, and stops cleanly on SIGTERM/SIGINT. Throws ConfigError on bad env. */
export async function runWorker(env: Env): Promise<WorkerHandle> {
  const config = loadServerConfig(env);
  const logger = createRoleLogger(config, 'worker');
  const handle = await startWorker({ config, logger });
  installShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    handles: [{ name: 'worker', close: (left) => handle.close(left) }],
  });
  return handle;
}
