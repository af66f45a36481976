// The edge finding tells what visitors see; once the primary cause explains it (a tunnel that is
// down explains the 1033, an origin that refuses explains the 521), the edge finding must say so
// and must not send the reader elsewhere: its generic advice for the code (check
// cloudflarestatus.com, disable compression…) would contradict the cause. It keeps the Ray ID step.
import type { FindingCode } from '../codes.js';
import type { Finding } from '../finding.js';
import { supportStep } from '../remediation/edge.js';

/** Causes that explain what the edge showed (not API trouble, public DNS or the bot's own limits). */
function explainsEdge(code: FindingCode): boolean {
  return (
    /^(origin|tunnel|lb|ssl|worker)\./.test(code) ||
    code === 'dns.origin_private_address' ||
    code === 'dns.record_missing' ||
    code === 'cloudflare.zone_inactive'
  );
}

export function alignEdgeFindings(findings: Finding[], primaryCause: FindingCode | null): Finding[] {
  if (primaryCause === null || !explainsEdge(primaryCause)) return findings;
  const cause = findings.find((f) => f.code === primaryCause && f.severity === 'error');
  if (!cause) return findings;
  return findings.map((f) => {
    if (f.code === 'edge.error') {
      const note = `Explained by the primary cause: ${cause.title}.`;
      return {
        ...f,
        detail: /Explained by/.test(f.detail) ? f.detail : `${f.detail} ${note}`,
        remediation: [
          `This is what visitors see because of the primary cause (${primaryCause}): follow its steps; nothing else needs changing at Cloudflare's edge.`,
          supportStep(f.evidence),
        ],
      };
    }
    if (f.code === 'edge.cached_error') {
      return {
        ...f,
        detail: `${f.detail} The origin is failing now as well (${cause.title}): purging alone would only fetch the error again.`,
        remediation: [
          `Fix the primary cause first (${primaryCause}), then purge the cached URL.`,
          ...f.remediation,
        ],
      };
    }
    return f;
  });
}
