// The set-up of the create-cloudflare-reader.*.test.ts files: a fake Cloudflare API per test
// (example.com with shop and blog records and its settings, other.net), a reader pointed at it,
// and the CloudflareApiError a call fails with.

import { afterEach, beforeEach, expect } from 'vitest';
import { createCloudflareCache } from '../../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../../src/cloudflare/create-cloudflare-reader.js';
import { CloudflareApiError } from '../../../src/diagnosis/cloudflare-api-error.js';
import { emptyScenario, FAKE_TOKEN } from '../../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../../fakes/cloudflare-api/server.js';

/** The fake of the running test (a live binding: a new one each test). */
export let fake: FakeCloudflareApi;
export const signal = () => AbortSignal.timeout(10_000);

/** For a test that closed the fake: the one afterEach closes instead. */
export function replaceFake(next: FakeCloudflareApi): void {
  fake = next;
}

/** Starts the fake before each test of the calling file and closes it after. */
export function fakeCloudflareEachTest(): void {
  beforeEach(async () => {
    const s = emptyScenario();
    s.zones = [
      { id: 'z-example', name: 'example.com', accountId: 'acc1' },
      { id: 'z-other', name: 'other.net' },
    ];
    s.records = {
      'z-example': [
        { type: 'A', name: 'shop.example.com', content: '203.0.113.10', proxied: true },
        { type: 'A', name: 'shop.example.com', content: '203.0.113.11', proxied: true },
        { type: 'AAAA', name: 'shop.example.com', content: '2001:db8::10', proxied: true },
        { type: 'A', name: 'blog.example.com', content: '203.0.113.20', proxied: false },
      ],
    };
    s.settings = {
      'z-example': { ssl: 'strict', min_tls_version: '1.2', always_use_https: 'on', http2: 'on' },
    };
    fake = await startFakeCloudflareApi(s);
  });
  afterEach(async () => {
    await fake.close();
  });
}

export function reader(extra: Partial<Parameters<typeof createCloudflareReader>[0]> = {}) {
  return createCloudflareReader({
    token: FAKE_TOKEN,
    baseUrl: fake.baseUrl,
    cache: createCloudflareCache(),
    ...extra,
  });
}

export async function failure(promise: Promise<unknown>): Promise<CloudflareApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudflareApiError);
  return error as CloudflareApiError;
}
