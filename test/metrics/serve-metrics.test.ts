// /metrics of a running `serve` after one diagnosis through Slack: the instruments are wired where
// the work happens (routes, producer, workers, diagnoser, sinks, queue depth).
import { afterEach, describe, expect, inject, it } from 'vitest';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { type Harness, startHarness, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';
import { sample } from './support/sample.js';

const redisUrl = inject('redisUrl');
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('GET /metrics on serve', () => {
  it('counts the request, the job, its checks and findings, and the chat posts', async () => {
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser() });
    const { serve, slackApi } = harness;
    const ack = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('m1') }),
    );
    expect(ack.status).toBe(200);
    expect((await fetch(`${serve.url}/wp-login.php`, { signal: AbortSignal.timeout(5000) })).status).toBe(
      404,
    );
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1, 20_000);
    // The worker's "completed" event follows the last post: scrape until it is counted.
    let text = '';
    const deadline = Date.now() + 10_000;
    while (sample(text, 'check502_jobs_total{state="completed"}') !== 1 && Date.now() < deadline) {
      const response = await fetch(`${serve.url}/metrics`, { signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      text = await response.text();
    }
    expect(
      sample(text, 'check502_http_requests_total{route="/slack/events",method="POST",outcome="200"}'),
    ).toBe(1);
    expect(sample(text, 'check502_http_requests_total{route="unmatched",method="GET",outcome="404"}')).toBe(
      1,
    );
    expect(sample(text, 'check502_jobs_total{state="queued"}')).toBe(1);
    expect(sample(text, 'check502_jobs_total{state="completed"}')).toBe(1);
    expect(sample(text, 'check502_findings_total{code="origin.connection_refused",severity="error"}')).toBe(
      1,
    );
    expect(sample(text, 'check502_check_duration_seconds_count{check="origin",status="failed"}')).toBe(1);
    expect(sample(text, 'check502_chat_posts_total{platform="slack",kind="root",outcome="ok"}')).toBe(1);
    expect(sample(text, 'check502_chat_posts_total{platform="slack",kind="check",outcome="ok"}')).toBe(3);
    expect(sample(text, 'check502_chat_posts_total{platform="slack",kind="summary",outcome="ok"}')).toBe(1);
    expect(sample(text, 'check502_queue_counts_up')).toBe(1);
    expect(sample(text, 'check502_queue_jobs{state="waiting"}')).toBe(0);
    expect(text).toContain('check502_process_resident_memory_bytes');
  }, 30_000);
});
