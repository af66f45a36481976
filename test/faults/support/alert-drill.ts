// What the alert drills share (Redis SIGKILLs, a Sentinel failover): a sender that retries like a
// real one, and the count of what every accepted alert got in the alert channel.
import type { ServerConfig } from '../../../src/config.js';
import { type ServeHandle, startServe } from '../../../src/roles/serve.js';
import type { FakeSlackApi, SlackCall } from '../../fakes/slack-api.js';
import { scriptedDiagnoser } from '../../support/scripted-diagnoser.js';
import { fastSink, logger } from '../../support/slack-harness.js';
import { httpCall } from './check502-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** serve with its workers, quick to notice a stalled job or a lost action (the drills' timings). */
export function drillServe(config: ServerConfig, slackApiUrl: string): Promise<ServeHandle> {
  return startServe({
    config,
    worker: true,
    logger,
    diagnoser: scriptedDiagnoser(),
    sinks: { slack: fastSink(slackApiUrl) },
    lockDurationMs: 2000,
    stalledIntervalMs: 1000,
    incidentTimings: { editIntervalMs: 300, reconcileIntervalMs: 1000 },
  });
}

/** Delivers a generic alert, retrying a 5xx or a dropped connection with the same payload as Alertmanager does. */
export async function deliverAlert(
  baseUrl: string,
  secret: string,
  site: string,
  attempts = 40,
): Promise<boolean> {
  const body = JSON.stringify({ site, status: 'firing', summary: `${site} returns 502`, fingerprint: site });
  for (let attempt = 0; attempt < attempts; attempt++) {
    const response = await httpCall(
      `${baseUrl}/webhooks/generic`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body,
      },
      3000,
    );
    if (response.status >= 200 && response.status < 300) return true;
    await sleep(100 + Math.random() * 200);
  }
  return false;
}

/** Threads in `channel`: roots are told from the storm message by their root key (message metadata). */
export function alertThreads(slackApi: FakeSlackApi, channel: string) {
  const topLevel = () =>
    slackApi
      .callsOf('chat.postMessage')
      .filter(
        (c) =>
          c.result?.['ok'] === true && c.args['channel'] === channel && c.args['thread_ts'] === undefined,
      );
  const isRoot = (c: SlackCall) =>
    (c.args['metadata'] as { event_type?: string } | undefined)?.event_type === 'check502_root';
  const rootsFor = (site: string) =>
    topLevel().filter((c) => isRoot(c) && String(c.args['text']).includes(`${site}…`));
  const repliesUnder = (ts: unknown) =>
    slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.result?.['ok'] === true && c.args['thread_ts'] === ts);
  const diagnosed = (site: string) => {
    const roots = rootsFor(site);
    return roots.length === 1 && repliesUnder(roots[0]?.result?.['ts']).length > 0;
  };
  return {
    /** Storm messages (top-level posts that are not roots). */
    others: () => topLevel().filter((c) => !isRoot(c)).length,
    /** Waits (bounded) until every accepted site has one root with replies under it. */
    settle: (accepted: Set<string>, timeoutMs: number) =>
      slackApi.waitFor(() => [...accepted].every(diagnosed), timeoutMs).catch(() => {}),
    /** Accepted sites without a thread or a diagnosis; any site with two. */
    outcome(accepted: Set<string>, refused: Set<string>) {
      return {
        missing: [...accepted].filter((site) => rootsFor(site).length === 0),
        doubled: [...accepted, ...refused].filter((site) => rootsFor(site).length > 1),
        undiagnosed: [...accepted].filter((site) => rootsFor(site).length === 1 && !diagnosed(site)),
      };
    },
  };
}
