// `check502 serve [--no-worker]` and `check502 worker`: validate the configuration (one clear line
// and exit 2 when a variable is wrong), start the role, and stop gracefully on SIGTERM/SIGINT.
// Kept apart from `diagnose` so a one-off diagnosis never loads Slack, Discord or BullMQ.
import { parseArgs } from 'node:util';
import { ConfigError, type Env, loadServerConfig, type ServerConfig } from '../config.js';
import { configSecrets, createLogger } from '../log/logger.js';
import { installShutdown } from '../shutdown/install-shutdown.js';

export async function runRole(role: 'serve' | 'worker', argv: string[], env: Env): Promise<number> {
  let worker = true;
  let config: ServerConfig;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: role === 'serve' ? { 'no-worker': { type: 'boolean', default: false } } : {},
    });
    worker = values['no-worker'] !== true;
    config = loadServerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof Error && 'code' in error)) {
      process.stderr.write(`check502: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const logger = createLogger({ level: config.logLevel, name: 'check502', secrets: configSecrets(config) });
  const handle =
    role === 'serve'
      ? await (await import('../roles/serve.js')).startServe({ config, worker, logger })
      : await (await import('../roles/worker.js')).startWorker({
          config,
          logger,
          ...(config.workerOpsPort === undefined
            ? {}
            : { ops: { port: config.workerOpsPort, host: config.host } }),
        });

  return new Promise<number>((resolve) => {
    const shutdown = installShutdown({
      logger,
      timeoutMs: config.shutdownTimeoutMs,
      handles: [{ name: role, close: (deadlineMs) => handle.close(deadlineMs) }],
      process: {
        on: (signal, listener) => process.on(signal, listener),
        off: (signal, listener) => process.off(signal, listener),
        exit: (code) => {
          resolve(code);
          // Let stdout drain, then leave even if a stray handle keeps the loop alive.
          setTimeout(() => process.exit(code), 200).unref();
        },
      },
    });
    void shutdown;
  });
}
