// What an alert storm's message names, from reports the real checks produce against the loopback
// Cloudflare API, edge and origins (not hand-written evidence): sites sharing one dead origin, one
// tunnel with no connector, one load balancer's unhealthy pools, or Cloudflare's edge failing while
// every origin answers. The storm message reads commonCause's sentence.
import { afterEach, expect, it } from 'vitest';
import type { Report } from '../../src/diagnosis/report.js';
import { parseSite } from '../../src/diagnosis/target.js';
import { commonCause } from '../../src/incidents/storm-cause.js';
import { type StormShape, startStormLab } from './support/storm-lab.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
});

async function reports(shape: StormShape, count = 4) {
  const lab = await startStormLab(count, shape);
  cleanups.push(() => lab.close());
  const out: Array<{ site: string; report: Report }> = [];
  for (const site of lab.hosts) {
    const target = parseSite(site);
    if (!target.ok) throw new Error(target.reason);
    out.push({ site, report: await lab.run(target.target, { timeoutMs: 3000 }) });
  }
  return { lab, out };
}

it('names one dead origin', async () => {
  const { lab, out } = await reports('dead-origin');
  const cause = commonCause(out);
  expect(cause).toMatchObject({ kind: 'origin', key: lab.origin, sites: lab.hosts });
  expect(cause?.text).toMatch(
    new RegExp(`^4 sites, one origin ${lab.origin.replace(/\./g, '\\.')} refusing on \\d+$`),
  );
}, 60_000);

it('names one tunnel with no connector', async () => {
  const { lab, out } = await reports('tunnel-down');
  expect(out.map((o) => o.report.primaryCause)).toEqual(lab.hosts.map(() => 'tunnel.down'));
  expect(commonCause(out)).toMatchObject({
    kind: 'tunnel',
    key: 'shop-prod',
    text: '4 sites, one tunnel shop-prod (tunnel.down)',
  });
}, 60_000);

it('names the load-balancer pools, not one of their origins, when every pool behind the sites is down', async () => {
  const { out } = await reports('pool-down');
  const cause = commonCause(out);
  expect(out.map((o) => o.report.primaryCause)).toEqual(out.map(() => 'lb.no_healthy_pool'));
  // The pools, not whichever of their origins the probe reached (those refuse too: explained by it).
  expect(cause).toMatchObject({
    kind: 'pool',
    text: '4 sites, load-balancer pools fallback-us, primary-eu all unhealthy',
  });
}, 60_000);

it("blames Cloudflare's edge when it fails while every origin answers", async () => {
  const { out } = await reports('edge-failing');
  expect(commonCause(out)).toMatchObject({
    kind: 'cloudflare',
    text: "4 sites, Cloudflare's edge failing while their origins answer",
  });
}, 60_000);
