// Reads a fixture payload of this folder (as the raw bytes a sender would POST, and parsed).
import { readFileSync } from 'node:fs';

export function payloadBytes(name: string): Buffer {
  return readFileSync(new URL(`./${name}.json`, import.meta.url));
}

export function payload(name: string): unknown {
  return JSON.parse(payloadBytes(name).toString('utf8'));
}
