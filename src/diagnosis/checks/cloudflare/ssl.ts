// The SSL/TLS mode and the settings that change how Cloudflare talks to the origin, as one info
// finding: the origin probe uses the mode's port and validation, and rules use it to explain 52x.
import type { CfZoneSettings } from '../../cloudflare-reader.js';
import type { EvidenceOf } from '../../evidence.js';
import type { SslMode } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';

const MODES: readonly SslMode[] = ['off', 'flexible', 'full', 'strict', 'origin_pull'];

export function sslModeOf(settings: CfZoneSettings): SslMode | undefined {
  const value = settings.ssl;
  return MODES.find((m) => m === value);
}

const HOW: Record<SslMode, string> = {
  off: 'Off: visitors get HTTP only and Cloudflare talks to the origin over HTTP on port 80',
  flexible: 'Flexible: Cloudflare talks to the origin over plain HTTP on port 80, even for HTTPS visitors',
  full: 'Full: Cloudflare talks to the origin over HTTPS on port 443 (for HTTPS visitors) without validating its certificate',
  strict:
    'Full (strict): Cloudflare talks to the origin over HTTPS on port 443 and requires a valid, unexpired certificate for this name (public CA or Cloudflare Origin CA)',
  origin_pull:
    'Strict (SSL-only origin pull): Cloudflare always talks to the origin over HTTPS with full validation, even for HTTP visitors',
};

export function sslFinding(settings: CfZoneSettings, mode: SslMode | undefined): Finding {
  const evidence: EvidenceOf<'ssl.mode'> = { mode: mode ?? settings.ssl ?? 'unknown' };
  const extras: string[] = [];
  if (settings.minTlsVersion) {
    evidence.minTlsVersion = settings.minTlsVersion;
    extras.push(`minimum TLS version (visitors) ${settings.minTlsVersion}`);
  }
  if (settings.originMaxHttpVersion) {
    evidence.originMaxHttpVersion = settings.originMaxHttpVersion;
    extras.push(`HTTP/${settings.originMaxHttpVersion} at most towards the origin`);
  }
  if (settings.alwaysUseHttps) {
    evidence.alwaysUseHttps = settings.alwaysUseHttps;
    extras.push(`Always Use HTTPS ${settings.alwaysUseHttps}`);
  }
  if (settings.originErrorPagePassThru) {
    evidence.originErrorPagePassThru = settings.originErrorPagePassThru;
    if (settings.originErrorPagePassThru === 'on')
      extras.push("the origin's own 502/504 pages are passed through");
  }
  if (settings.sslAutomaticMode) evidence.sslAutomaticMode = settings.sslAutomaticMode;
  const how = mode ? HOW[mode] : `the zone's SSL setting reads "${settings.ssl ?? 'unknown'}"`;
  const automatic =
    settings.sslAutomaticMode === 'auto'
      ? ' The zone uses Automatic SSL/TLS, which may raise the mode over time.'
      : '';
  return finding({
    code: 'ssl.mode',
    severity: 'info',
    title: `SSL/TLS mode: ${mode ?? settings.ssl ?? 'unknown'}`,
    detail: `${how}.${extras.length ? ` Also: ${extras.join('; ')}.` : ''}${automatic} Configuration Rules can override the mode per hostname.`,
    evidence,
  });
}
