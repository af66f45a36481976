// Graceful shutdown: `close()` stops accepting requests at once but lets the diagnosis in flight
// finish and post its whole thread before Redis is closed.
import { describe, expect, inject, it } from 'vitest';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { startHarness, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';

describe('serve.close()', () => {
  it('finishes the job in flight, then stops', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const harness = await startHarness(inject('redisUrl'), {
      diagnoser: scriptedDiagnoser({ originGate: () => gate }),
    });
    const { slackApi, serve } = harness;
    try {
      await postSigned(
        serve.url,
        commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('s') }),
      );
      await slackApi.waitFor(() => threadOf(slackApi).replies.length === 1);
      let closed = false;
      const closing = serve.close().then(() => {
        closed = true;
      });
      // No new requests once closing has begun.
      await expect(fetch(`${serve.url}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
      expect(closed).toBe(false);
      release();
      await closing;
      const thread = threadOf(slackApi);
      expect(thread.updates).toHaveLength(1);
      expect(thread.replies).toHaveLength(3);
    } finally {
      release();
      await harness.close();
    }
  });
});
