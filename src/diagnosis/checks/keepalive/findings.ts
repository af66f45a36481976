// Judges the kept-alive connection: the origin refused to keep it (Connection: close, or hung up
// right after the response), closed it after a few idle seconds, broke the request sent after the
// idle wait, or kept it and answered again — each measured, with the times in evidence.
import { type Finding, finding } from '../../finding.js';
import type { KeepAliveObservation } from '../../ports.js';
import { endpointLabel } from '../origin-samples/endpoints.js';
import type { KeepAliveEvidence } from './evidence.js';
import { announcedTimeoutS } from './window.js';

/** A close this soon after the response is the origin ending each response, not an idle timeout. */
const RIGHT_AFTER_MS = 300;
/** Announced idle timeouts below this are the short ones that race Cloudflare's reuse (Apache, Node: 5 s). */
const ANNOUNCED_SHORT_S = 60;

export function judgeKeepAlive(o: KeepAliveObservation): Finding[] {
  const first = o.exchanges[0];
  // Nothing to judge when the origin did not answer at all: the origin and sampling checks say why.
  if (o.setupFailure || !first || first.outcome !== 'response') return [];
  const endpoint = endpointLabel(o.request, o.resolvedAddress);
  const closed = o.closedByOrigin;
  const evidence: KeepAliveEvidence = {
    endpoint,
    status: first.status ?? null,
    connectionHeader: first.connection ?? null,
    keepAliveHeader: first.keepAlive ?? null,
    idlePlannedMs: o.idlePlannedMs,
    idleWatchedMs: o.idleWatchedMs,
    closedAfterIdleMs: closed?.idleMs ?? null,
    exchanges: o.exchanges.map((x) => ({
      index: x.index,
      atMs: x.atMs,
      outcome: x.outcome,
      status: x.status ?? null,
      error: x.error ? `${x.error.code}: ${x.error.message.slice(0, 160)}` : null,
    })),
  };
  const saysClose = /(^|,)\s*close\s*(,|$)/i.test(first.connection ?? '');
  const closedRightAfter =
    closed !== undefined && closed.afterExchange === 0 && closed.idleMs < RIGHT_AFTER_MS;
  if (saysClose || closedRightAfter) {
    return [
      finding({
        code: 'origin.keepalive_disabled',
        severity: 'warn',
        title: saysClose
          ? 'The origin answers `Connection: close`: no keep-alive'
          : 'The origin closes the connection after each response: no keep-alive',
        detail: `${endpoint} ${saysClose ? 'sent `Connection: close` with its response' : `closed the connection ${closed?.idleMs ?? 0} ms after its response`}, so every request from Cloudflare needs a new TCP${o.request.tls ? ' and TLS' : ''} connection. Cloudflare keeps origin connections alive and reuses them; under load, connection churn ends in resets and sporadic 520/502/522.`,
        evidence,
      }),
    ];
  }
  if (first.reusable === false) {
    return [
      finding({
        code: 'origin.keepalive_ok',
        severity: 'info',
        title: 'Keep-alive not measured: the response could not be read to its end',
        detail: `${endpoint} answered with a body too long to read (or without a length), so the connection could not be reused for the idle test.`,
        evidence,
      }),
    ];
  }
  if (closed) {
    const seconds = (closed.idleMs / 1000).toFixed(1);
    return [
      finding({
        code: 'origin.keepalive_closed_early',
        severity: 'warn',
        title: `The origin closes idle keep-alive connections after ${seconds} s`,
        detail: `${endpoint} kept the connection open after its response, then closed it after ${seconds} s idle${first.keepAlive ? ` (it announces \`Keep-Alive: ${first.keepAlive}\`)` : ''}. Cloudflare reuses idle origin connections for up to 900 s: a request sent on a connection the origin is closing at that moment fails, and visitors get a sporadic 520 or 502 that no single check reproduces.`,
        evidence,
      }),
    ];
  }
  const after = o.exchanges.find((x) => x.index > 0);
  const seconds = (o.idleWatchedMs / 1000).toFixed(1);
  // The watch ended with the rest of the diagnosis, before the origin's announced idle timeout came:
  // Apache and Node close exactly when they announce (`Keep-Alive: timeout=5`), so say so, as announced.
  const announced = announcedTimeoutS(first.keepAlive);
  if (
    o.idleCutShort &&
    announced !== undefined &&
    announced * 1000 > o.idleWatchedMs &&
    announced < ANNOUNCED_SHORT_S
  ) {
    evidence.announcedIdleTimeoutS = announced;
    return [
      finding({
        code: 'origin.keepalive_closed_early',
        severity: 'warn',
        title: `The origin announces it closes idle keep-alive connections after ${announced} s`,
        detail: `${endpoint} answered with \`Keep-Alive: ${first.keepAlive}\`: it closes a connection left idle for ${announced} s (it stayed open for the ${seconds} s watched while the other checks ran). Cloudflare reuses idle origin connections for up to 900 s: a request sent on a connection the origin is closing at that moment fails, and visitors get a sporadic 520 or 502 that no single check reproduces.`,
        evidence,
      }),
    ];
  }
  if (after && after.outcome !== 'response') {
    return [
      finding({
        code: 'origin.keepalive_closed_early',
        severity: 'warn',
        title: `A request on a connection idle for ${seconds} s failed (${after.error?.code ?? after.outcome})`,
        detail: `${endpoint} kept the connection open, but the request sent on it after ${seconds} s idle failed (${after.error?.message ?? after.outcome}) while a fresh connection works: something (the origin, a firewall or NAT between) drops idle connections silently. This is what Cloudflare meets when it reuses a pooled connection: a sporadic 520/502.`,
        evidence,
      }),
    ];
  }
  return [
    finding({
      code: 'origin.keepalive_ok',
      severity: 'ok',
      title: `The origin keeps idle connections open (at least ${seconds} s)`,
      detail: `${endpoint} kept the connection open for the ${seconds} s watched${o.idleCutShort ? ' (the watch ends with the other checks, so a shorter idle timeout than that is ruled out, a longer one is not)' : ''}${after ? ' and answered a request on it afterwards' : ''}${first.keepAlive ? ` (it announces \`Keep-Alive: ${first.keepAlive}\`)` : ''}.`,
      evidence,
    }),
  ];
}
