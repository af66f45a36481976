// The lab of misbehaving-origins.test.ts: the certificates the origins present, a fake edge and a
// fake Cloudflare API, started once for the file.

import { generate } from 'selfsigned';
import { afterAll, beforeAll } from 'vitest';
import { type LabCertificates, makeLabCertificates } from '../../fakes/certs.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../../fakes/cloudflare-api/server.js';
import { type FakeEdge, startFakeEdge } from '../../fakes/fake-edge.js';
import { HOST } from '../../support/cloudflare-scenarios.js';

export let certs: LabCertificates;
/** A self-signed RSA leaf: Cloudflare offers only RSA suites over TLS 1.0/1.1. */
export let rsa: { cert: string; key: string };
export let edge: FakeEdge;
export let api: FakeCloudflareApi;

/** Starts the lab before the calling file's tests and closes it after them. */
export function misbehavingOriginsLab(): void {
  beforeAll(async () => {
    certs = await makeLabCertificates(HOST);
    const made = await generate([{ name: 'commonName', value: HOST }], {
      keyType: 'rsa',
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: HOST }] }],
    } as never);
    rsa = { cert: made.cert, key: made.private };
    [edge, api] = await Promise.all([startFakeEdge(), startFakeCloudflareApi()]);
  });
  afterAll(async () => {
    await Promise.all([edge?.close(), api?.close()]);
  });
}
