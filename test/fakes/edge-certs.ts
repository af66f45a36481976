// The fake edge's TLS identity, made at test time (no private key is committed): a lab CA and a
// leaf it signs for the lab's hostnames. Probes trust the CA through `extraCa`.
import { generate } from 'selfsigned';

export interface EdgeCertificates {
  ca: string;
  cert: string;
  key: string;
}

const DAY = 86_400_000;
const made = new Map<string, Promise<EdgeCertificates>>();

/** One CA+leaf per set of names per process: EC keys make this cheap, caching makes it free. */
export function edgeCertificates(hostnames: readonly string[]): Promise<EdgeCertificates> {
  const key = [...hostnames].sort().join(',');
  let pending = made.get(key);
  if (!pending) {
    pending = generateCertificates(hostnames);
    made.set(key, pending);
  }
  return pending;
}

async function generateCertificates(hostnames: readonly string[]): Promise<EdgeCertificates> {
  const now = Date.now();
  const ca = await generate([{ name: 'commonName', value: 'check502 Lab Edge CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY),
    notAfterDate: new Date(now + 365 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY),
    notAfterDate: new Date(now + 90 * DAY),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...hostnames.map((value) => ({ type: 2 as const, value })), { type: 7, ip: '127.0.0.1' }],
      },
    ],
  });
  return { ca: ca.cert, cert: leaf.cert, key: leaf.private };
}
