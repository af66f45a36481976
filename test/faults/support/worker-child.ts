// A real worker process for fault drills, started with `node --import tsx`: configuration from its
// environment (as `check502 worker`), the real BullMQ workers, Slack sink and shutdown handling,
// and the scripted diagnoser of the pipeline tests (no traffic beyond loopback). With
// FAULT_GATE_KEY set, the origin check records this process's pid under that Redis key and waits
// until `<key>:release` exists, so a test can kill the process mid-diagnosis. With FAULT_HEAL_KEY
// set, diagnoses pass (one healthy edge check) once that key exists (a site that recovers), and
// FAULT_WATCH_DELAY_MS shortens the backoff between a watch's runs.
import { Redis } from 'ioredis';
import { SlackSink } from '../../../src/chat/slack/slack-sink.js';
import { loadServerConfig } from '../../../src/config.js';
import type { Diagnoser } from '../../../src/diagnoser.js';
import { configSecrets, createLogger } from '../../../src/log/logger.js';
import { startWorker } from '../../../src/roles/worker.js';
import { installShutdown } from '../../../src/shutdown/install-shutdown.js';
import { switchableDiagnoser } from '../../e2e/support/switchable-diagnoser.js';
import { scriptedDiagnoser } from '../../support/scripted-diagnoser.js';

const env = process.env;
const config = loadServerConfig(env);
const logger = createLogger({ level: 'info', name: 'fault-worker', secrets: configSecrets(config) });
const gateKey = env['FAULT_GATE_KEY'];
const gateRedis =
  gateKey || env['FAULT_HEAL_KEY'] ? new Redis(config.redisUrl, { maxRetriesPerRequest: null }) : undefined;

const originGate = gateKey
  ? async () => {
      await gateRedis?.set(gateKey, String(process.pid));
      logger.info({ pid: process.pid }, 'fault gate: origin check waiting');
      while ((await gateRedis?.exists(`${gateKey}:release`)) !== 1) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  : undefined;

const sink = new SlackSink({
  botToken: config.slack?.botToken ?? 'xoxb-missing',
  ...(config.slack?.apiUrl === undefined ? {} : { apiUrl: config.slack.apiUrl }),
  logger,
  ratePerSecond: 50,
  burst: 20,
  baseBackoffMs: 20,
});
const scripted = scriptedDiagnoser(originGate ? { originGate } : {});
const healKey = env['FAULT_HEAL_KEY'];
const healing = healKey ? switchableDiagnoser(scripted) : undefined;
const diagnoser: Diagnoser = healing
  ? {
      async run(...args) {
        healing.fixed = (await gateRedis?.exists(healKey!)) === 1;
        return healing.run(...args);
      },
      close: () => healing.close(),
    }
  : scripted;
const watchDelay = env['FAULT_WATCH_DELAY_MS'];
const handle = await startWorker({
  config,
  logger,
  diagnoser,
  ...(watchDelay
    ? { watchTimings: { firstDelayMs: Number(watchDelay), nextDelayMs: Number(watchDelay) } }
    : {}),
  sinks: { slack: sink },
  lockDurationMs: Number(env['FAULT_LOCK_MS'] ?? 2000),
  stalledIntervalMs: Number(env['FAULT_STALLED_MS'] ?? 1000),
});
installShutdown({
  logger,
  timeoutMs: config.shutdownTimeoutMs,
  handles: [
    { name: 'worker', close: () => handle.close() },
    { name: 'gate', close: async () => void gateRedis?.disconnect() },
  ],
});
logger.info({ pid: process.pid }, 'fault worker ready');
