// The origin answers the bot directly, yet the edge reports 521/522: Cloudflare's own connections
// are refused or dropped, almost always a firewall, security plugin or rate limit on Cloudflare's
// ranges. Quote the ranges to allow (live /ips answer, else the bundled copy).
import { CLOUDFLARE_RANGES } from '../cloudflare-ranges.js';
import type { EvidenceOf } from '../evidence.js';
import { finding } from '../finding.js';
import { annotate, edgeLabel, edgeShows, has } from './evidence.js';
import type { Rule } from './rule.js';

export const originBlocksCloudflareRule: Rule = {
  name: 'origin-answers-bot-but-not-cloudflare',
  apply(input) {
    if (!edgeShows(input, 521, 522) || has(input.findings, 'origin.blocks_cloudflare')) return undefined;
    // Only the connections Cloudflare itself makes in this SSL mode count (443/TLS for Full and
    // Strict, 80 for Flexible), and all of them must have answered: if one refused, that is the
    // story (a dead port, or the Full-SSL rule), not a firewall.
    const mode = input.facts.cloudflare?.sslMode ?? input.facts.origin?.sslMode;
    const tls =
      mode === undefined ? undefined : mode === 'full' || mode === 'strict' || mode === 'origin_pull';
    const observations = (input.facts.origin?.observations ?? []).filter(
      (o) => tls === undefined || o.request.tls === tls,
    );
    const first = observations[0];
    if (!first || observations.some((o) => o.outcome !== 'response')) return undefined;
    const live = input.facts.cloudflare?.ipRanges;
    const ranges = live ?? CLOUDFLARE_RANGES;
    const origin = `${first.resolvedAddress ?? first.request.address}:${first.request.port}`;
    const fromZone =
      input.facts.cloudflare?.origins.some((o) => o.address === first.request.address) ?? false;
    const ambiguity = fromZone
      ? ''
      : " The bot did not learn this address from the zone (it came from --origin or resolution): make sure it is the one Cloudflare connects to, or this may be a stale record's story.";
    const evidence: EvidenceOf<'origin.blocks_cloudflare'> = {
      edgeStatus: input.facts.edge?.status,
      cloudflareErrorCode: input.facts.edge?.cloudflareErrorCode,
      origin,
      port: first.request.port,
      originStatus: first.http?.status,
      ipv4: [...ranges.ipv4],
      ipv6: [...ranges.ipv6],
      rangesSource: live ? 'api' : 'bundled',
    };
    const added = finding({
      code: 'origin.blocks_cloudflare',
      severity: 'error',
      title: 'The origin answers directly but blocks Cloudflare',
      detail: `The origin ${origin} answered the bot${first.http ? ` (HTTP ${first.http.status})` : ''}, while the edge reports ${edgeLabel(input)}: Cloudflare cannot connect. A firewall, security plugin or rate limit is refusing or dropping Cloudflare's IP ranges.${ambiguity}`,
      evidence,
    });
    const findings = annotate(
      [...input.findings, added],
      'edge.error',
      "Explained by the origin blocking Cloudflare's ranges.",
    );
    return { findings, cause: 'origin.blocks_cloudflare' };
  },
};
