// The one HTTP server's unit of work: features export routes; the server reads the (capped) body,
// dispatches, and turns thrown errors into 500s without details. No logic lives in the server.
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw body bytes (signatures are computed over these). */
  body: Buffer;
  remoteAddress?: string;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** Requests with larger bodies get 413 before the handler runs (default 1 MiB). */
  maxBodyBytes?: number;
  handle(request: HttpRequest): Promise<HttpResponse>;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}
