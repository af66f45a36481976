// One fake Cloudflare API per test, closed after it: `const api = fakeCloudflarePerTest();` at the
// top of a file, then `await api.start(scenario)` in a test (the previous one is closed first).
import { afterEach } from 'vitest';
import type { FakeScenario } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';

export interface FakeCloudflarePerTest {
  start(scenario: FakeScenario): Promise<FakeCloudflareApi>;
  /** The fake started last in this test. */
  readonly current: FakeCloudflareApi | undefined;
}

export function fakeCloudflarePerTest(): FakeCloudflarePerTest {
  const started: FakeCloudflareApi[] = [];
  afterEach(async () => {
    for (const fake of started.splice(0)) await fake.close();
  });
  return {
    async start(scenario) {
      const fake = await startFakeCloudflareApi(scenario);
      started.push(fake);
      return fake;
    },
    get current() {
      return started[started.length - 1];
    },
  };
}
