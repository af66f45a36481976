// Misbehaving-origin cases, part 2: TLS as Cloudflare meets it under Full and Full (strict): plain
// HTTP on the TLS port, expired, wrong-name and self-signed certificates, a TLS 1.0/1.1-only origin.

import { type Case, ok, plain, tlsWith } from './case.js';
import { rsa } from './lab.js';

export const TLS_CASES: Case[] = [
  {
    name: 'plain HTTP on the TLS port under Full (525)',
    mode: 'full',
    https: () => plain(),
    edge: { kind: 'branded', code: 525 },
    cause: 'origin.tls_handshake_failed',
    leg: 'https',
  },
  {
    name: 'expired certificate under Full: works, no error',
    mode: 'full',
    https: () => tlsWith('expired'),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    name: 'expired certificate under Full (strict): 526',
    mode: 'strict',
    https: () => tlsWith('expired'),
    edge: { kind: 'branded', code: 526 },
    cause: 'origin.tls_cert_expired',
    leg: 'https',
  },
  {
    name: 'wrong-name certificate under Full: works, no error',
    mode: 'full',
    https: () => tlsWith('wrongName'),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    name: 'wrong-name certificate under Full (strict): 526',
    mode: 'strict',
    https: () => tlsWith('wrongName'),
    edge: { kind: 'branded', code: 526 },
    cause: 'origin.tls_cert_hostname_mismatch',
    leg: 'https',
  },
  {
    name: 'self-signed certificate under Full: works, no error',
    mode: 'full',
    https: () => tlsWith('selfSigned'),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    name: 'self-signed certificate under Full (strict): 526',
    mode: 'strict',
    https: () => tlsWith('selfSigned'),
    edge: { kind: 'branded', code: 526 },
    cause: 'origin.tls_cert_untrusted',
    leg: 'https',
  },
  {
    // Cloudflare offers TLS 1.0–1.3 to origins (ssl/origin-configuration/cipher-suites): it connects.
    name: 'TLS 1.0/1.1 only, RSA certificate, Full: Cloudflare connects, no false 525',
    mode: 'full',
    https: () => ({
      respond: ok,
      tls: {
        cert: rsa.cert,
        key: rsa.key,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
    }),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
];
