// Authenticated Origin Pulls, seen from both sides. The probe sees the origin ask for a client
// certificate (a TLS CertificateRequest) and fail without one — a handshake alert, a reset, or
// nginx's own 400 "No required SSL certificate was sent". Only Cloudflare holds the certificate,
// so whether visitors are hurt depends on whether Cloudflare presents it for this host: per-hostname
// AOP when set, else zone-level AOP. Known on → the set-up is healthy (info); known off → the origin
// rejects Cloudflare too (525, or the origin's 400 relayed); unknown → warn, and the edge decides.
import type { CheckContext } from '../../check.js';
import { isCloudflareApiError } from '../../cloudflare-api-error.js';
import type { CfOriginPullSettings, CfZoneSettings } from '../../cloudflare-reader.js';
import type { EvidenceOf } from '../../evidence.js';
import { type Finding, finding } from '../../finding.js';
import type { OriginObservation } from '../../ports.js';
import type { EndpointEvidence } from './evidence.js';

/** Whether Cloudflare will present its client certificate, and how the bot knows. */
export type AopState =
  | { known: true; presents: boolean; source: string; settings: CfOriginPullSettings }
  | { known: false; reason: string };

/** Statuses a web server answers when a required client certificate is missing or rejected. */
const NO_CERT_STATUSES = new Set([400, 403, 495, 496]);

/** The origin asked for a client certificate and, without one, did not serve the request. */
export function demandsClientCert(o: OriginObservation): boolean {
  if (o.outcome === 'tls_failed' && o.error?.code.includes('CERTIFICATE_REQUIRED')) return true;
  if (!o.clientCertRequested) return false;
  if (o.outcome === 'tls_failed' || o.outcome === 'reset') return true;
  return o.outcome === 'response' && o.http !== undefined && NO_CERT_STATUSES.has(o.http.status);
}

/** Reads AOP only when some probe saw a certificate demand: most diagnoses spend no call on it. */
export async function readAopState(
  ctx: CheckContext,
  observations: readonly OriginObservation[],
  signal: AbortSignal,
): Promise<AopState | undefined> {
  if (!observations.some(demandsClientCert)) return undefined;
  const cf = ctx.ports.cloudflare;
  const zone = ctx.facts.cloudflare?.zone;
  if (!cf || !zone) return { known: false, reason: 'the Cloudflare API was not read' };
  const bulk = (ctx.facts.cloudflare?.['settings'] as CfZoneSettings | undefined)?.tlsClientAuth;
  const known = bulk === 'on' || bulk === 'off' ? bulk === 'on' : undefined;
  try {
    const settings = await cf.originPullSettings(zone.id, ctx.target.host, signal, known);
    return judge(settings);
  } catch (error) {
    if (known !== undefined) return judge({ zoneEnabled: known });
    const why = isCloudflareApiError(error)
      ? `the token cannot read ${error.operation}${error.permission ? ` (${error.permission})` : ''}`
      : 'the Authenticated Origin Pulls settings could not be read';
    return { known: false, reason: why };
  }
}

function judge(settings: CfOriginPullSettings): AopState {
  // Per-hostname AOP takes precedence over zone-level AOP when the host has an association.
  if (settings.hostnameEnabled === true || settings.hostnameEnabled === false) {
    return {
      known: true,
      presents: settings.hostnameEnabled,
      source: `per-hostname Authenticated Origin Pulls ${settings.hostnameEnabled ? 'on' : 'off'}${settings.hostnameCertStatus ? ` (certificate ${settings.hostnameCertStatus})` : ''}`,
      settings,
    };
  }
  const zoneEnabled = settings.zoneEnabled;
  if (zoneEnabled === undefined) return { known: false, reason: 'the API did not say whether AOP is on' };
  return {
    known: true,
    presents: zoneEnabled,
    source: `zone-level Authenticated Origin Pulls ${zoneEnabled ? 'on' : 'off'}`,
    settings,
  };
}

export function clientCertFinding(
  o: OriginObservation,
  aop: AopState | undefined,
  evidence: EndpointEvidence,
): Finding {
  const at = `${evidence.endpoint} (${evidence.scheme})`;
  const how =
    o.outcome === 'response'
      ? `answered ${o.http?.status} without one${o.http?.bodySnippet.includes('SSL certificate') ? ' ("No required SSL certificate was sent")' : ''}`
      : o.outcome === 'reset'
        ? 'closed the connection without one'
        : `ended the handshake without one (${o.error?.code ?? 'TLS alert'})`;
  const edgeShows = o.outcome === 'response' ? `its ${o.http?.status}` : '525';
  const state = aop ?? { known: false as const, reason: 'the settings were not read' };
  const e: EvidenceOf<'origin.requires_client_cert'> = {
    ...evidence,
    clientCertRequested: true,
    aop: state.known ? (state.presents ? 'on' : 'off') : 'unknown',
    aopSource: state.known ? state.source : state.reason,
    edgeWouldShow: edgeShows,
  };
  if (state.known && state.presents) {
    return finding({
      code: 'origin.requires_client_cert',
      severity: 'info',
      title: 'The origin requires a client certificate, and Cloudflare presents one',
      detail: `${at} asked for a client certificate and ${how}. The zone has ${state.source}, so Cloudflare presents its certificate and this is a healthy set-up; the bot has no certificate and cannot see past it.`,
      evidence: e,
    });
  }
  if (state.known) {
    return finding({
      code: 'origin.requires_client_cert',
      severity: 'error',
      title: 'The origin requires a client certificate Cloudflare does not present',
      detail: `${at} asked for a client certificate and ${how}, but the zone has ${state.source}: Cloudflare connects without one, so visitors get ${edgeShows === '525' ? '525 (SSL handshake failed)' : `the origin's ${edgeShows}`}.`,
      evidence: e,
    });
  }
  return finding({
    code: 'origin.requires_client_cert',
    severity: 'warn',
    title: 'The origin requires a client certificate',
    detail: `${at} asked for a client certificate and ${how}. Whether Cloudflare presents one (Authenticated Origin Pulls) is unknown: ${state.reason}. If it does not, visitors get ${edgeShows === '525' ? '525' : `the origin's ${edgeShows}`}.`,
    evidence: e,
  });
}
