import type { LbEvidence } from '../checks/cloudflare/lb-evidence.js';
import type { PoolState } from '../checks/cloudflare/lb-health.js';
import type { Flat } from '../evidence.js';
import { type StepsByCode, str } from './steps.js';

/** The evidence every lb.* code writes (lb-evidence.ts), every key optional as the steps read it. */
type Lb = Flat<LbEvidence>;

function pools(e: Lb): PoolState[] {
  return e.pools ?? [];
}

/** What the monitor asks, in words, from the finding's evidence (when it was read). */
function monitorAsk(e: Lb): string {
  const m = e.monitor;
  if (!m) return "the monitor's request (path, expected code, Host header)";
  const type = str(m.type, 'http');
  const http = type === 'http' || type === 'https';
  const port = m.port ? ` on port ${m.port}` : '';
  if (!http) return `the monitor's ${type.toUpperCase()} check${port}`;
  return `${type.toUpperCase()} ${str(m.method, 'GET')} ${str(m.path, '/')}${port}${m.host ? ` with Host ${m.host}` : ' (no Host header: the origin address is sent)'}, answering ${str(m.expectedCodes, '200')}`;
}

function originSteps(e: Lb): string[] {
  return pools(e).flatMap((p) =>
    (p.unhealthyOrigins ?? [])
      .slice(0, 3)
      .map(
        (o) =>
          `Check origin ${o.name ?? '?'} (${o.address ?? '?'}) of pool ${p.name ?? '?'}: the monitor reports "${o.reason ?? 'unhealthy'}"${o.responseCode ? ` (HTTP ${o.responseCode})` : ''}${o.regions?.length ? ` from ${o.regions.slice(0, 5).join(', ')}` : ''}; make it pass ${monitorAsk(e)}, e.g. \`curl -sv ${o.address ?? '<origin>'}\` with that path and Host.`,
      ),
  );
}

export const LB_STEPS: StepsByCode = {
  'lb.no_healthy_pool': (e) => [
    ...originSteps(e),
    ...pools(e)
      .filter((p) => p.enabled === false)
      .map((p) => `Re-enable pool ${p.name ?? '?'}: dashboard → Traffic → Load Balancing → Pools → enable.`),
    e.fallbackEnabled === true
      ? 'The fallback pool takes the traffic whatever its health: fix its origins first, or point the fallback at a pool that is up.'
      : `Give load balancer ${str(e.loadBalancer, '')} an enabled fallback pool with a healthy origin, so a total outage degrades instead of answering 530/1016.`,
    `If healthy origins are marked down, the monitor is wrong: Traffic → Load Balancing → Monitors; it must get ${monitorAsk(e)}.`,
  ],
  'lb.fallback_serving': (e) => [
    ...originSteps(e),
    'Bring a default pool back: once it is healthy in most checking regions (and has at least its minimum of healthy origins), traffic returns to it on its own.',
    "Watch the fallback pool's capacity meanwhile: it now carries all the traffic.",
  ],
  'lb.pool_unhealthy': (e) => [
    ...originSteps(e),
    'Review the pool health by region in Traffic → Load Balancing → Pools; fix the origins or disable them until fixed so the pool stops flapping.',
  ],
};
