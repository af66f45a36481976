import { type StepsByCode, str } from './steps.js';

interface PoolEvidence {
  name?: string;
  role?: string;
  enabled?: boolean;
  unhealthyOrigins?: { name?: string; address?: string; reason?: string; regions?: string[] }[];
}

function pools(e: Record<string, unknown>): PoolEvidence[] {
  return Array.isArray(e['pools']) ? (e['pools'] as PoolEvidence[]) : [];
}

function originSteps(e: Record<string, unknown>): string[] {
  return pools(e).flatMap((p) =>
    (p.unhealthyOrigins ?? [])
      .slice(0, 3)
      .map(
        (o) =>
          `Check origin ${o.name ?? '?'} (${o.address ?? '?'}) of pool ${p.name ?? '?'}: the monitor reports "${o.reason ?? 'unhealthy'}"${o.regions?.length ? ` from ${o.regions.join(', ')}` : ''}; make it answer the monitor's request (path, expected code, Host header).`,
      ),
  );
}

export const LB_STEPS: StepsByCode = {
  'lb.no_healthy_pool': (e) => [
    ...originSteps(e),
    ...pools(e)
      .filter((p) => p.enabled === false)
      .map((p) => `Re-enable pool ${p.name ?? '?'}: dashboard → Traffic → Load Balancing → Pools → enable.`),
    `Make sure load balancer ${str(e['loadBalancer'], '')} has an enabled fallback pool with a healthy origin, so a total outage degrades instead of answering 530/1016.`,
    'Check the monitor settings (Traffic → Load Balancing → Monitors): a wrong path, expected code or missing Host header marks healthy origins down.',
  ],
  'lb.pool_unhealthy': (e) => [
    ...originSteps(e),
    'Review the pool health by region in Traffic → Load Balancing → Pools; fix the origins or disable them until fixed so the pool stops flapping.',
  ],
};
