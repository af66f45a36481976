import { describe, expect, it } from 'vitest';
import type { ChatSink, ThreadRef } from '../../src/chat/sink.js';
import type { Report } from '../../src/diagnosis/report.js';
import type { HttpRequest, Route } from '../../src/http/route.js';
import { countingSink, rateLimitWaitRecorder } from '../../src/metrics/counting-sink.js';
import { instrumentRoutes, recordServerAnswer } from '../../src/metrics/instrument-routes.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { metricsRoute } from '../../src/metrics/metrics-route.js';
import { recordReport } from '../../src/metrics/record-report.js';
import { sample } from './support/sample.js';

const request = (path: string, method = 'GET'): HttpRequest => ({
  method,
  path,
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.alloc(0),
});

async function scrape(metrics: ReturnType<typeof createMetrics>) {
  const response = await metricsRoute(metrics).handle(request('/metrics'));
  expect(response.status).toBe(200);
  return { contentType: response.headers?.['content-type'] ?? '', text: String(response.body) };
}

/** The value of one sample line, e.g. `check502_jobs_total{state="queued"}`. */
describe('metrics', () => {
  it('serves the Prometheus text format with process metrics and every instrument declared', async () => {
    const metrics = createMetrics();
    const { contentType, text } = await scrape(metrics);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'check502_http_requests_total',
      'check502_jobs_total',
      'check502_queue_jobs',
      'check502_check_duration_seconds',
      'check502_findings_total',
      'check502_cloudflare_api_calls_total',
      'check502_cloudflare_api_rate_limited_total',
      'check502_chat_posts_total',
      'check502_chat_rate_limit_waits_total',
      'check502_process_resident_memory_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('keeps registries apart: two instances do not share counts', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.jobs.inc({ state: 'queued' });
    expect(sample((await scrape(a)).text, 'check502_jobs_total{state="queued"}')).toBe(1);
    expect(sample((await scrape(b)).text, 'check502_jobs_total{state="queued"}')).toBeUndefined();
  });

  it('counts requests per route and outcome, including handler errors and unrouted answers', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const routes: Route[] = [
      { method: 'POST', path: '/slack/events', handle: async () => ({ status: 401 }) },
      { method: 'GET', path: '/boom', handle: () => Promise.reject(new Error('bug')) },
    ];
    const [slack, boom] = instrumentRoutes(routes, metrics);
    await slack?.handle(request('/slack/events', 'POST'));
    await slack?.handle(request('/slack/events', 'POST'));
    await expect(boom?.handle(request('/boom'))).rejects.toThrow('bug');
    recordServerAnswer(metrics, { method: 'BREW', status: 404 });
    recordServerAnswer(metrics, { route: '/slack/events', method: 'POST', status: 413 });
    const { text } = await scrape(metrics);
    expect(
      sample(text, 'check502_http_requests_total{route="/slack/events",method="POST",outcome="401"}'),
    ).toBe(2);
    expect(sample(text, 'check502_http_requests_total{route="/boom",method="GET",outcome="500"}')).toBe(1);
    expect(sample(text, 'check502_http_requests_total{route="unmatched",method="other",outcome="404"}')).toBe(
      1,
    );
    expect(sample(text, 'check502_http_request_duration_seconds_count{route="/slack/events"}')).toBe(2);
  });

  it('reads queue depth on scrape and still answers when the source fails or hangs', async () => {
    const metrics = createMetrics({ defaultMetrics: false, queueCountsTimeoutMs: 50 });
    metrics.setQueueCounts(async () => ({ waiting: 3, active: 2, delayed: 0 }));
    let text = (await scrape(metrics)).text;
    expect(sample(text, 'check502_queue_jobs{state="waiting"}')).toBe(3);
    expect(sample(text, 'check502_queue_jobs{state="active"}')).toBe(2);
    expect(sample(text, 'check502_queue_counts_up')).toBe(1);

    metrics.setQueueCounts(() => new Promise(() => {}));
    text = (await scrape(metrics)).text;
    expect(sample(text, 'check502_queue_jobs{state="waiting"}')).toBeUndefined();
    expect(sample(text, 'check502_queue_counts_up')).toBe(0);

    metrics.setQueueCounts(() => Promise.reject(new Error('ECONNREFUSED')));
    text = (await scrape(metrics)).text;
    expect(sample(text, 'check502_queue_counts_up')).toBe(0);
    expect(sample(text, 'check502_queue_jobs{state="waiting"}')).toBeUndefined();
  });

  it('records check durations, findings and Cloudflare calls from a report', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const report: Report = {
      site: 'shop.example.com',
      url: 'https://shop.example.com/',
      verdict: 'failing',
      primaryCause: 'origin.connection_refused',
      findings: [
        {
          code: 'origin.connection_refused',
          severity: 'error',
          title: 't',
          detail: 'd',
          evidence: {},
          remediation: ['r'],
        },
        { code: 'edge.error', severity: 'error', title: 't', detail: 'd', evidence: {}, remediation: ['r'] },
      ],
      checks: [
        { name: 'origin', status: 'failed', durationMs: 120 },
        { name: 'edge', status: 'failed', durationMs: 3000 },
      ],
      startedAt: new Date(0).toISOString(),
      durationMs: 3100,
      cloudflareApiCalls: 4,
    };
    recordReport(metrics, report);
    const { text } = await scrape(metrics);
    expect(sample(text, 'check502_findings_total{code="origin.connection_refused",severity="error"}')).toBe(
      1,
    );
    expect(
      sample(text, 'check502_check_duration_seconds_bucket{le="0.25",check="origin",status="failed"}'),
    ).toBe(1);
    expect(
      sample(text, 'check502_check_duration_seconds_bucket{le="2.5",check="edge",status="failed"}'),
    ).toBe(0);
    expect(sample(text, 'check502_cloudflare_api_calls_total')).toBe(4);
  });

  it('counts chat posts by kind and outcome through a decorated sink, and rate-limit waits', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const thread: ThreadRef = { platform: 'slack', channel: 'C1', root: '1.0' };
    let failNote = true;
    const inner: ChatSink = {
      platform: 'slack',
      startThread: async () => thread,
      postCheck: async () => {},
      postSummary: async () => {},
      updateRoot: async () => {},
      postNote: async () => {
        if (failNote) throw new Error('channel_not_found');
      },
    };
    const sink = countingSink(inner, metrics);
    expect(await sink.startThread({ platform: 'slack', channel: 'C1' }, { site: 's' })).toBe(thread);
    await sink.postCheck(thread, { name: 'origin', status: 'passed', durationMs: 1 }, []);
    await expect(sink.postNote(thread, 'hi')).rejects.toThrow('channel_not_found');
    failNote = false;
    await sink.postNote(thread, 'hi');
    rateLimitWaitRecorder(metrics, 'slack')(1500);
    const { text } = await scrape(metrics);
    expect(sample(text, 'check502_chat_posts_total{platform="slack",kind="root",outcome="ok"}')).toBe(1);
    expect(sample(text, 'check502_chat_posts_total{platform="slack",kind="check",outcome="ok"}')).toBe(1);
    expect(sample(text, 'check502_chat_posts_total{platform="slack",kind="note",outcome="error"}')).toBe(1);
    expect(sample(text, 'check502_chat_posts_total{platform="slack",kind="note",outcome="ok"}')).toBe(1);
    expect(sample(text, 'check502_chat_rate_limit_waits_total{platform="slack"}')).toBe(1);
    expect(sample(text, 'check502_chat_rate_limit_wait_seconds_total{platform="slack"}')).toBe(1.5);
  });
});
