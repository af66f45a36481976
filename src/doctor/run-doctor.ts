// `check502 doctor`: the configuration as the program reads it, the Cloudflare token and each read
// the checks need (on the zone named with --zone), Redis, and the chat tokens — one table of what
// works, what is missing, what a gap disables and what to add. Exit 0 only when everything the
// configuration turns on works.
import type { Redis } from 'ioredis';
import {
  ConfigError,
  type Env,
  loadDiagnosisConfig,
  loadServerConfig,
  type ServerConfig,
} from '../config.js';
import type { RedisTarget } from '../jobs/redis-target.js';
import { cloudflareRows } from './cloudflare-rows.js';
import { type DoctorReport, type DoctorRow, doctorReport } from './doctor-row.js';
import { type CredentialChecker, chatRows, featureRows, redisRow } from './service-rows.js';

export interface DoctorDeps {
  env: Env;
  zone?: string;
  connectRedis: (target: RedisTarget) => Redis;
  /** Token checks for the chat platforms the configuration turns on. */
  chatCheckers: (config: ServerConfig) => CredentialChecker[];
}

export async function runDoctorChecks(deps: DoctorDeps): Promise<DoctorReport> {
  const rows: DoctorRow[] = [];
  let config: ServerConfig | undefined;
  try {
    config = loadServerConfig(deps.env);
    rows.push({
      area: 'configuration',
      item: 'environment',
      status: 'ok',
      detail: 'every variable set parses',
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    rows.push({
      area: 'configuration',
      item: error.variable,
      status: 'failed',
      detail: error.message,
      disables: 'the program: serve and worker refuse to start with it',
      fix: `Fix ${error.variable}: ${error.message.slice(error.variable.length + 2)}`,
    });
  }
  let cloudflare: { token?: string; baseUrl?: string } = {};
  try {
    const d = loadDiagnosisConfig(deps.env);
    cloudflare = {
      ...(d.cloudflareApiToken ? { token: d.cloudflareApiToken } : {}),
      ...(d.cloudflareBaseUrl ? { baseUrl: d.cloudflareBaseUrl } : {}),
    };
  } catch {
    // Already reported above.
  }
  if (config) rows.push(...featureRows(config, deps.env));
  const work: Promise<DoctorRow[]>[] = [];
  if (cloudflare.token) {
    work.push(
      cloudflareRows({
        token: cloudflare.token,
        ...(cloudflare.baseUrl ? { baseUrl: cloudflare.baseUrl } : {}),
        ...(deps.zone ? { zone: deps.zone } : {}),
      }),
    );
  }
  if (config) {
    const c = config;
    work.push(redisRow(c, deps.env, deps.connectRedis).then((r) => [r]));
    work.push(chatRows(deps.chatCheckers(c)));
  }
  for (const part of await Promise.all(work)) rows.push(...part);
  return doctorReport(rows);
}
