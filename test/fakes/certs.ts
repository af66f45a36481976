// Certificates for the origin lab, made at test time (no private key is ever committed):
// a lab CA, and leaves it signs that are valid, expired, about to expire, or for the wrong name,
// plus one self-signed leaf.
import { generate } from 'selfsigned';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface LabCertificates {
  ca: KeyPair;
  valid: KeyPair;
  expired: KeyPair;
  expiring: KeyPair;
  wrongName: KeyPair;
  selfSigned: KeyPair;
}

const DAY = 86_400_000;

export async function makeLabCertificates(site: string, now: Date = new Date()): Promise<LabCertificates> {
  const t = now.getTime();
  const ca = await generate([{ name: 'commonName', value: 'check502 Lab CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(t - 30 * DAY),
    notAfterDate: new Date(t + 3650 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const caPair = { cert: ca.cert, key: ca.private };
  const leaf = async (name: string, from: number, to: number, signed = true): Promise<KeyPair> => {
    const made = await generate([{ name: 'commonName', value: name }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate: new Date(from),
      notAfterDate: new Date(to),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: name }] },
      ],
      ...(signed ? { ca: caPair } : {}),
    });
    return { cert: made.cert, key: made.private };
  };
  const [valid, expired, expiring, wrongName, selfSigned] = await Promise.all([
    leaf(site, t - DAY, t + 365 * DAY),
    leaf(site, t - 400 * DAY, t - 10 * DAY),
    leaf(site, t - 80 * DAY, t + 5 * DAY),
    leaf(`other.${site.split('.').slice(-2).join('.')}`, t - DAY, t + 365 * DAY),
    leaf(site, t - DAY, t + 365 * DAY, false),
  ]);
  return { ca: caPair, valid, expired, expiring, wrongName, selfSigned };
}
