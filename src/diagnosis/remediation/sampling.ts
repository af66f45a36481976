// Steps for what sampling found: intermittent failures (origin and edge), keep-alive that is off or
// shorter than Cloudflare's reuse window, and an origin slow enough to meet the proxy read timeout.
import { type StepsByCode, str } from './steps.js';

/** Where the idle keep-alive timeout lives in the servers origins commonly run. */
const KEEPALIVE_SETTINGS =
  "Raise the idle keep-alive timeout above Cloudflare's 900 s reuse window (or as high as the server allows): nginx `keepalive_timeout 900s;` (default 75 s); Apache `KeepAlive On` and `KeepAliveTimeout 900` (default 5 s); Node `server.keepAliveTimeout = 905_000` and `server.headersTimeout = 906_000` (default 5 s); gunicorn `--keep-alive 900` (default 2 s); uvicorn `--timeout-keep-alive 900` (default 5 s); Puma `persistent_timeout 900`; HAProxy `timeout http-keep-alive 900s`; IIS connection timeout; a load balancer in front (AWS ALB idle timeout) likewise.";

export const SAMPLING_STEPS: StepsByCode = {
  'origin.intermittent': (e) => [
    `Only some requests to ${str(e.endpoint, 'the origin')} fail (${str(e.failed, '?')} of ${str(e.total, '?')}): look for what differs between them — one bad backend or worker behind a local load balancer or process manager, a connection limit (nginx \`worker_connections\`, Apache \`MaxRequestWorkers\`, a database pool) reached under load, or a firewall/rate limiter dropping some connections.`,
    "Read the origin's error log for the failed samples' times; the failure mode above names the layer (TCP, TLS or HTTP) to look at.",
    'Re-run with more samples (`check502 diagnose <site> --samples 20`) or watch it (`--watch 30m`) to see whether the rate changes.',
  ],
  'origin.keepalive_disabled': () => [
    'Enable HTTP keep-alive on the origin: nginx `keepalive_timeout 900s;` (0 disables it); Apache `KeepAlive On`; Node: do not send `Connection: close` or destroy sockets after responding; gunicorn: use a worker class that supports keep-alive (`--worker-class gthread` or async) with `--keep-alive`.',
    KEEPALIVE_SETTINGS,
    'Check any proxy in front of the application (a load balancer, a WAF, `proxy_set_header Connection close`) is not forcing `Connection: close` on responses.',
  ],
  'origin.keepalive_closed_early': (e) => [
    `${str(e.endpoint, 'The origin')} closed an idle connection after ${str(e.closedAfterIdleMs, str(e.idleWatchedMs, '?'))} ms. ${KEEPALIVE_SETTINGS}`,
    'If the server is already set long, look between it and Cloudflare: a firewall, NAT or cloud load balancer with a shorter idle timeout closes the connection first.',
  ],
  'origin.slow': (e) => [
    `Find the slow requests in the origin's access log (nginx \`$request_time\`, Apache \`%D\`) and the application's profiler; the samples' time to first byte reached ${str(e.ttfbMs?.max, '?')} ms.`,
    'Move long work to a background job with polling, or serve it from a DNS-only subdomain; Enterprise zones can raise `proxy_read_timeout` (Rules → Cache Rules, or the zone setting).',
  ],
  'edge.intermittent': (e) => [
    `${str(e.failed, 'Some')} of ${str(e.total, 'several')} requests through Cloudflare failed: compare the failing Ray IDs in Cloudflare's logs (Analytics → Traffic, filter by status) and the origin's log at those times.`,
    'If the origin samples are healthy, check the colos in evidence: a failure tied to one Cloudflare location or one of several origin addresses (load balancer, round-robin DNS) points there.',
  ],
};
