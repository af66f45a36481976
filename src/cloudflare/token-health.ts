// The Cloudflare token as serve and worker see it: verified once at start (`/user/tokens/verify`,
// the same reading as `check502 doctor`), then kept current by the reports the workers produce —
// a read refused for a missing permission ("Authentication error" 10000) is a gap in what the token
// may read, told apart from a token Cloudflare rejects. Each change is logged once, never with the
// token; `status()` feeds /readyz, where a bad token or a missing permission shows as degraded
// (the bot still answers with its probes, so it is not "not ready").
import type { Diagnoser } from '../diagnoser.js';
import type { EvidenceOf, Flat } from '../diagnosis/evidence.js';
import { hasCode } from '../diagnosis/finding.js';
import type { Report } from '../diagnosis/report.js';
import type { Logger } from '../log/logger.js';
import { createApiClient, type FetchLike } from './api-client.js';
import { checkToken, type TokenVerdict } from './token-verdict.js';

export interface TokenHealthStatus {
  /** ok: verified (or not yet known); degraded: the reason says what is wrong. */
  state: 'ok' | 'degraded';
  reason?: string;
}

export interface CloudflareTokenHealth {
  /** Settles when the start-up verification has answered (or given up). */
  readonly verified: Promise<void>;
  status(): TokenHealthStatus;
  /** Learns from a finished diagnosis: refused reads and rejected tokens. */
  observe(report: Report): void;
  /** Stops a verification still waiting for the API (shutdown). */
  close(): void;
}

export interface TokenHealthOptions {
  token: string;
  baseUrl?: string;
  fetch?: FetchLike;
  logger: Logger;
  /** Per-request timeout of the verification (default 5 s). */
  timeoutMs?: number;
}

export function startTokenHealth(options: TokenHealthOptions): CloudflareTokenHealth {
  const { logger } = options;
  let verdict: TokenVerdict | undefined;
  /** Permission name → the operation whose read it refused. */
  const missing = new Map<string, string>();
  let rejectedSince: string | undefined;
  let closed = false;

  const api = createApiClient({
    token: options.token,
    timeoutMs: options.timeoutMs ?? 5000,
    maxRetryWaitMs: 1000,
    maxCalls: 2,
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), (options.timeoutMs ?? 5000) * 2 + 500);
  timer.unref();
  const verified = checkToken(api, stop.signal).then((v) => {
    clearTimeout(timer);
    if (closed) return;
    verdict = v;
    const fields = {
      component: 'cloudflare',
      tokenState: v.state,
      ...(v.expiresOn ? { expiresOn: v.expiresOn } : {}),
    };
    if (v.state === 'ok') logger.info(fields, `Cloudflare API token: ${v.detail}`);
    else if (v.state === 'unreachable')
      logger.warn(fields, `Cloudflare API token not verified: ${v.detail}. ${v.fix ?? ''}`.trim());
    else
      logger.error(
        fields,
        `CLOUDFLARE_API_TOKEN is unusable: ${v.detail}. Every Cloudflare check is skipped until it is replaced. ${v.fix ?? ''}`.trim(),
      );
  });

  return {
    verified,
    close() {
      closed = true;
      clearTimeout(timer);
      stop.abort();
    },
    status() {
      if (rejectedSince) {
        return {
          state: 'degraded',
          reason: `Cloudflare rejected CLOUDFLARE_API_TOKEN while diagnosing (${rejectedSince}): replace the token`,
        };
      }
      if (verdict && verdict.state !== 'ok') {
        return {
          state: 'degraded',
          reason:
            verdict.state === 'unreachable'
              ? `the token could not be verified at start (the API did not answer)`
              : `CLOUDFLARE_API_TOKEN is unusable: ${verdict.detail}`,
        };
      }
      if (missing.size > 0) {
        const list = [...missing].map(([permission, operation]) => `"${permission}" (${operation})`);
        return {
          state: 'degraded',
          reason: `the token is valid but lacks ${list.join(', ')}: run check502 doctor --zone <zone>`,
        };
      }
      return { state: 'ok' };
    },
    observe(report) {
      for (const f of report.findings) {
        if (f.code === 'cloudflare.zone_ok' && rejectedSince) {
          rejectedSince = undefined;
          logger.info({ component: 'cloudflare' }, 'Cloudflare accepts CLOUDFLARE_API_TOKEN again');
        }
        if (!hasCode(f, 'cloudflare.auth_failed')) continue;
        const e: Flat<EvidenceOf<'cloudflare.auth_failed'>> = f.evidence;
        if (e.tokenRejected === true) {
          if (!rejectedSince && verdict?.state !== 'malformed' && verdict?.state !== 'unknown') {
            rejectedSince = `${report.site}, ${report.startedAt}`;
            logger.error(
              { component: 'cloudflare', site: report.site },
              'Cloudflare rejected CLOUDFLARE_API_TOKEN while diagnosing: it was revoked, expired or disabled; Cloudflare checks are skipped until it is replaced',
            );
          }
          continue;
        }
        const permission = e.permission;
        if (typeof permission === 'string' && !missing.has(permission)) {
          const operation = String(e.operation ?? 'a read');
          missing.set(permission, operation);
          logger.warn(
            { component: 'cloudflare', permission, operation, scope: e.permissionScope },
            `the Cloudflare API token lacks "${permission}": ${operation} cannot be read (a missing permission, not a bad token)`,
          );
        }
      }
    },
  };
}

/** Feeds every finished report to the token health (a Diagnoser decorator, like the metrics one). */
export function observeTokenHealth(diagnoser: Diagnoser, health: CloudflareTokenHealth): Diagnoser {
  return {
    async run(target, options, listener) {
      const report = await diagnoser.run(target, options, listener);
      health.observe(report);
      return report;
    },
    close: () => diagnoser.close(),
  };
}
