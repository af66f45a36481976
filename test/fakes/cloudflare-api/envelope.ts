// The v4 envelope ({ success, errors, messages, result, result_info }) every answer of the fake
// Cloudflare API carries, the default error of each status, and the writing of an answer.

import type { ServerResponse } from 'node:http';

export interface ApiError {
  code: number;
  message: string;
  error_chain?: ApiError[];
}

export function envelope(result: unknown, errors: ApiError[], resultInfo?: unknown) {
  const body: Record<string, unknown> = { success: errors.length === 0, errors, messages: [], result };
  if (resultInfo !== undefined) body['result_info'] = resultInfo;
  return body;
}

export function defaultError(status: number): { code: number; message: string } {
  if (status === 401) return { code: 10000, message: 'Authentication error' };
  if (status === 403) return { code: 10000, message: 'Authentication error' };
  if (status === 404) return { code: 7003, message: 'Could not route to the requested path' };
  if (status === 429) return { code: 971, message: 'Please wait and consider throttling your request speed' };
  return { code: 10001, message: 'Internal server error' };
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
