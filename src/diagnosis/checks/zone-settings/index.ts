// Zone settings that live only at their own endpoints (the bulk settings answer does not carry
// them), read after the edge and origin checks and only when they change what the report says:
// - `ssl_automatic_mode` when the failure is about the SSL/TLS leg (edge 521/525/526, origin TLS):
//   under Automatic SSL/TLS Cloudflare chose the mode itself, ramps a new mode up gradually (1 %,
//   then 10 % steps) and never lowers it on its own — "if your origin certificate expires, the
//   encryption mode will not change from Full (strict) to Full" (ssl/origin-configuration/ssl-modes).
// - `origin_max_http_version` when the edge shows 520/502 over a TLS origin leg: "2" means
//   Cloudflare may speak HTTP/2 to the origin, a documented 520 cause.
import type { Check } from '../../check.js';
import type { ZoneSettingsFacts } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import { apiFinding } from '../cloudflare/api-finding.js';

const SSL_CODES = new Set([521, 525, 526]);
const H2_CODES = new Set([520, 502]);

export const zoneSettingsCheck: Check<'zoneSettings'> = {
  name: 'zoneSettings',
  // After analytics and the audit log, so it only spends calls they left.
  needs: ['cloudflare', 'edge', 'origin', 'analytics', 'changes'],
  budgetMs: (options) => options.timeoutMs + 1500,
  async run(ctx) {
    const cf = ctx.ports.cloudflare;
    const zone = ctx.facts.cloudflare?.zone;
    if (!cf || !zone) return { status: 'skipped', findings: [] };
    const edge = ctx.facts.edge;
    const code = edge?.cloudflareErrorCode ?? (edge?.generatedBy === 'cloudflare' ? edge.status : undefined);
    const mode = ctx.facts.cloudflare?.sslMode;
    const tlsFailed = (ctx.facts.origin?.observations ?? []).some((o) => o.outcome === 'tls_failed');
    // Through a tunnel Cloudflare reaches cloudflared, not the origin: neither setting applies.
    const direct = ctx.facts.cloudflare?.tunnel === undefined;
    // Reads the budget has room for (after analytics and the audit log): none is worth a dropped one.
    let spare = cf.callsLeft;
    const sslLeg = direct && ((code !== undefined && SSL_CODES.has(code)) || tlsFailed) && spare-- > 0;
    const h2Leg =
      direct &&
      code !== undefined &&
      H2_CODES.has(code) &&
      mode !== 'off' &&
      mode !== 'flexible' &&
      spare-- > 0;
    const facts: ZoneSettingsFacts = {};
    const findings: Finding[] = [];
    if (sslLeg) {
      try {
        const value = await cf.zoneSetting(zone.id, 'ssl_automatic_mode', ctx.signal);
        if (value !== undefined) facts.sslAutomaticMode = value;
        if (value === 'auto') findings.push(automaticFinding(mode));
      } catch (error) {
        findings.push(apiFinding(error));
      }
    }
    if (h2Leg) {
      try {
        const value = await cf.zoneSetting(zone.id, 'origin_max_http_version', ctx.signal);
        if (value !== undefined) facts.originMaxHttpVersion = value;
        if (value === '2') findings.push(http2Finding(code ?? 520));
      } catch (error) {
        findings.push(apiFinding(error));
      }
    }
    if (!sslLeg && !h2Leg) return { status: 'skipped', findings: [], facts };
    return { status: 'passed', findings, facts };
  },
};

function automaticFinding(mode: string | undefined): Finding {
  const shown = mode ?? 'the current mode';
  return finding({
    code: 'ssl.automatic',
    severity: 'info',
    title: `The zone uses Automatic SSL/TLS (now ${shown})`,
    detail: `Cloudflare chose ${shown} itself after scanning the origin. Automatic SSL/TLS raises the mode gradually (a small share of traffic first, then in steps) and never lowers it on its own: when the origin's certificate expires or its HTTPS breaks, the zone stays on ${shown} and visitors get the 52x above. Fix the origin, or switch SSL/TLS to Custom and choose the mode yourself.`,
    evidence: { sslAutomaticMode: 'auto', mode: mode ?? null },
  });
}

function http2Finding(code: number): Finding {
  return finding({
    code: 'origin.max_http_version',
    severity: 'info',
    title: 'Cloudflare may reach the origin over HTTP/2',
    detail: `The zone's "HTTP/2 to Origin" (origin_max_http_version) is 2: Cloudflare uses HTTP/2 with origins that offer it in ALPN. An origin whose HTTP/2 is broken answers ${code}; setting it to 1 (HTTP/1.1) is the quick test.`,
    evidence: { originMaxHttpVersion: '2', edgeCode: code },
  });
}
