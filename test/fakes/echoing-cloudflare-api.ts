// A Cloudflare API (or a proxy at CLOUDFLARE_BASE_URL) that echoes the caller's credentials back in
// its errors, in every shape an upstream can: the v4 envelope's errors[].message (Cloudflare's
// 9109/10000 envelope, and the 6003 envelope with its `error_chain` — shapes from
// cloudflare-api-audit.md §2: ddns-go#916, terraform-provider-cloudflare#1533), a bare `message`
// field (API gateways, nginx-lua proxies), a plain-text body, a JSON body that is not JSON (so the
// parser quotes it), and response headers. The red team saw "9109 Invalid access token Bearer …" posted into Slack from shape one.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ECHO_SHAPES = [
  'errors-401',
  'errors-403',
  'errors-400',
  'errors-404',
  'message-401',
  'text-401',
  'text-404',
  'text-500',
  'bad-json-200',
  'header-401',
  'errors-429',
] as const;
export type EchoShape = (typeof ECHO_SHAPES)[number];

export interface EchoingCloudflareApi {
  url: string;
  shape: EchoShape;
  /** How many answers quoted the token (proves the echo really happened). */
  echoed: number;
  close(): Promise<void>;
}

export async function startEchoingCloudflareApi(): Promise<EchoingCloudflareApi> {
  const state: EchoingCloudflareApi = {
    url: '',
    shape: 'errors-401',
    echoed: 0,
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const auth = String(req.headers['authorization'] ?? '');
    const bare = auth.replace(/^Bearer\s+/i, '');
    if (auth !== '') state.echoed++;
    const kind = state.shape.slice(0, state.shape.indexOf('-'));
    const status = Number(state.shape.slice(state.shape.lastIndexOf('-') + 1));
    const send = (type: string, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, ...extra });
      res.end(body);
    };
    switch (kind) {
      case 'errors':
        return send(
          'application/json',
          JSON.stringify({
            success: false,
            errors: [
              { code: 9109, message: `Invalid access token ${auth}` },
              { code: 10000, message: `Authentication error for token ${bare}` },
            ],
            error_chain: [{ code: 6111, message: `Invalid format for Authorization header ${auth}` }],
            messages: [{ code: 1, message: `request carried ${auth}` }],
            result: null,
          }),
          status === 429 ? { 'retry-after': '1' } : {},
        );
      case 'message':
        return send('application/json', JSON.stringify({ message: `Unauthorized: ${auth}`, token: bare }));
      case 'text':
        return send('text/plain', `upstream refused ${auth} (token ${bare})`);
      case 'bad':
        return send('application/json', `Bearer ${bare} is not allowed here`);
      default:
        return send('application/json', JSON.stringify({ success: false, errors: [], result: null }), {
          'www-authenticate': `Bearer error="invalid_token", token="${bare}"`,
          'x-echo-authorization': auth,
        });
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}/client/v4`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
