// The edge: what a visitor gets from the site through Cloudflare. One request with
// `Accept: text/html`; the page says who produced a 5xx — Cloudflare's own error page (with its
// code and the leg it blames) or the origin's page relayed — and carries the Ray ID and colo that
// Cloudflare support asks for. The origin check and correlation explain the why.
import type { Check } from '../../check.js';
import { deadline } from '../../deadline.js';
import type { EdgeFacts } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import type { EdgeObservation, EdgeResponse } from '../../ports.js';
import { classifyEdgePage, cloudflareErrorMeaning, type EdgePage } from './edge-page.js';
import type { EdgeAnswerEvidence } from './evidence.js';

export const edgeCheck: Check<'edge'> = {
  name: 'edge',
  async run({ target, ports, signal, options }) {
    // The probe gets the plain budget; the check's own margin is left for classifying the answer.
    const probeDeadline = deadline(signal, options.timeoutMs);
    const observation = await ports.edge.probe(target.url, probeDeadline.signal).finally(probeDeadline.done);
    const response = observation.response;
    if (!response) {
      const facts: EdgeFacts = { observation, generatedBy: 'none', viaCloudflare: false };
      const notProbed = observation.guarded !== undefined || isResolutionError(observation.error?.code);
      return {
        status: notProbed ? 'skipped' : 'failed',
        facts,
        findings: [notProbed ? notProbedFinding(observation) : unreachable(observation)],
      };
    }
    const page = classifyEdgePage(response);
    const { reason: _reason, form: _form, ...classified } = page;
    const facts: EdgeFacts = { observation, ...classified };
    const failed = response.status >= 500 || isGatewayCode(page.cloudflareErrorCode);
    const cached = failed && page.cacheStatus !== undefined && CACHED.has(page.cacheStatus);
    return {
      status: failed ? 'failed' : 'passed',
      facts,
      findings: [
        cached
          ? cachedError(observation, response, page)
          : failed
            ? edgeError(observation, response, page)
            : edgeOk(observation, response, page),
      ],
    };
  },
};

function evidenceOf(
  observation: EdgeObservation,
  response: EdgeResponse,
  page: EdgePage,
): EdgeAnswerEvidence {
  return {
    url: observation.url,
    address: observation.address ?? null,
    status: response.status,
    rayId: page.rayId ?? null,
    colo: page.colo ?? null,
    cloudflareErrorCode: page.cloudflareErrorCode ?? null,
    blames: page.blames ?? null,
    generatedBy: page.generatedBy,
    viaCloudflare: page.viaCloudflare,
    reason: page.reason ?? null,
    pageForm: page.form ?? null,
    server: response.headers['server'] ?? null,
    cacheStatus: page.cacheStatus ?? null,
    ageSeconds: page.ageSeconds ?? null,
    ttfbMs: response.ttfbMs,
  };
}

/** `cf-cache-status` values that mean the answer came out of Cloudflare's cache, not from the origin now. */
const CACHED = new Set(['HIT', 'STALE', 'UPDATING']);

/**
 * A 5xx served from Cloudflare's cache: a Cache Rule (or Cache Everything with an Edge TTL that
 * covers errors, or origin Cache-Control on the error) stored the origin's error, and visitors get
 * it until it expires or is purged — even after the origin recovered.
 */
function cachedError(observation: EdgeObservation, response: EdgeResponse, page: EdgePage): Finding {
  const age = page.ageSeconds !== undefined ? ` ${formatAge(page.ageSeconds)} ago` : '';
  return finding({
    code: 'edge.cached_error',
    severity: 'error',
    title: `Cloudflare serves a cached ${response.status} (cf-cache-status: ${page.cacheStatus})`,
    detail:
      `The edge answered ${response.status} from its cache (\`cf-cache-status: ${page.cacheStatus}\`${page.ageSeconds !== undefined ? `, \`age: ${page.ageSeconds}\`` : ''}): the error was stored${age} and is served without asking the origin, which may be fine by now. ${whoSaysWhat(response, page)} ${rayLine(page)}`.trim(),
    evidence: {
      ...evidenceOf(observation, response, page),
      cacheControl: response.headers['cache-control'] ?? null,
    },
  });
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function edgeError(observation: EdgeObservation, response: EdgeResponse, page: EdgePage): Finding {
  const code = page.cloudflareErrorCode;
  const meaning = code !== undefined ? cloudflareErrorMeaning(code) : undefined;
  let title: string;
  if (page.generatedBy === 'cloudflare') {
    title = meaning
      ? `${capitalise(meaning)} (${code})`
      : `Cloudflare answered ${response.status} with its own error page`;
  } else if (page.generatedBy === 'origin') {
    title = `The origin itself answered ${response.status}, relayed by Cloudflare`;
  } else {
    title = `The site answered ${response.status}, not through Cloudflare`;
  }
  return finding({
    code: 'edge.error',
    severity: 'error',
    title,
    detail: [whoSaysWhat(response, page), rayLine(page)].filter(Boolean).join(' '),
    evidence: evidenceOf(observation, response, page),
  });
}

function whoSaysWhat(response: EdgeResponse, page: EdgePage): string {
  if (page.generatedBy === 'origin') {
    return `The page carries no Cloudflare error markers, so it is the origin's own ${response.status} page passed through: the application or web server behind Cloudflare is failing.`;
  }
  if (page.generatedBy === 'unknown') {
    return `The answer has neither \`server: cloudflare\` nor \`cf-ray\`: Cloudflare is not in the path for this request.`;
  }
  const form =
    page.form === 'plain'
      ? `Cloudflare sent its plain-text error (\`error code: ${page.cloudflareErrorCode}\`).`
      : page.form === 'empty'
        ? `Cloudflare answered ${response.status} with an empty body (server: cloudflare, cf-ray): its own answer to a client that is not a browser, not the origin's.`
        : page.form === 'structured'
          ? `Cloudflare sent its structured error (RFC 9457 fields: error ${page.cloudflareErrorCode}${page.reason ? `, "${page.reason}"` : ''}), its own answer to a client that asked for JSON or Markdown.`
          : page.form === 'minimal'
            ? `Cloudflare sent its minimal ${response.status} page, generated inside Cloudflare (an edge-side problem, or an origin answer Cloudflare could not use, e.g. broken compression or content-length).`
            : `Cloudflare rendered its error page${page.reason ? ` ("${page.reason}")` : ''}.`;
  const blame =
    page.blames === 'origin'
      ? ' It marks the host (origin) as the failing leg; the browser and Cloudflare legs work.'
      : page.blames === 'cloudflare'
        ? ' It marks Cloudflare itself as the failing leg.'
        : page.blames === 'browser'
          ? ' It marks the browser leg as failing.'
          : '';
  return form + blame;
}

function rayLine(page: EdgePage): string {
  if (!page.rayId) return '';
  return `Ray ID ${page.rayId}${page.colo ? ` (colo ${page.colo})` : ''}.`;
}

function edgeOk(observation: EdgeObservation, response: EdgeResponse, page: EdgePage): Finding {
  const location = response.headers['location'];
  const redirect = response.status >= 300 && response.status < 400 && location !== undefined;
  const evidence = {
    ...evidenceOf(observation, response, page),
    ...(redirect && location ? { location } : {}),
  };
  const through = page.viaCloudflare ? 'through Cloudflare' : 'but not through Cloudflare (no cf-ray)';
  const notes = [
    redirect ? `It redirects to ${location} (not followed).` : '',
    response.status >= 400 ? 'A 4xx is not a gateway error, but visitors see it.' : '',
    page.generatedBy === 'cloudflare'
      ? `Cloudflare generated this page itself${page.cloudflareErrorCode ? ` (error ${page.cloudflareErrorCode})` : ''}.`
      : '',
    rayLine(page),
  ].filter(Boolean);
  return finding({
    code: 'edge.ok',
    severity: page.viaCloudflare && response.status < 400 ? 'ok' : 'info',
    title: `The edge answered ${response.status} ${through}`,
    detail: [`First byte after ${response.ttfbMs} ms.`, ...notes].join(' '),
    evidence,
  });
}

function unreachable(observation: EdgeObservation): Finding {
  const error = observation.error ?? { code: 'EEDGE', message: 'no answer' };
  return finding({
    code: 'edge.unreachable',
    severity: 'error',
    title: `The edge did not answer: ${describeError(error.code)}`,
    detail: `Requesting ${observation.url}${observation.address ? ` at ${observation.address}` : ''} failed with ${error.code}: ${error.message}.`,
    evidence: {
      url: observation.url,
      address: observation.address ?? null,
      errorCode: error.code,
      error: error.message,
      totalMs: observation.totalMs,
    },
  });
}

function notProbedFinding(observation: EdgeObservation): Finding {
  const guarded = observation.guarded;
  return finding({
    code: 'edge.not_probed',
    severity: 'info',
    title: guarded
      ? `The edge was not probed: the name resolves to a guarded address (${guarded.address})`
      : 'The edge was not probed: the name does not resolve',
    detail: guarded
      ? `${guarded.address} is in ${guarded.range}; check502 never connects to private or reserved addresses. See the public DNS finding.`
      : `${observation.error?.message ?? 'No address'}. See the public DNS finding.`,
    evidence: {
      url: observation.url,
      guardedAddress: guarded?.address ?? null,
      guardedRange: guarded?.range ?? null,
      errorCode: observation.error?.code ?? null,
    },
  });
}

/** 5xx codes and the 1xxx codes that travel as 530; 1020 (blocked) and friends are 4xx, not failures. */
function isGatewayCode(code: number | undefined): boolean {
  return code !== undefined && ((code >= 500 && code < 600) || code === 1016 || code === 1033);
}

const RESOLUTION_CODES = new Set([
  'ENOTFOUND',
  'ENODATA',
  'ESERVFAIL',
  'ETIMEOUT',
  'EREFUSED',
  'EINVALIDADDRESS',
]);
function isResolutionError(code: string | undefined): boolean {
  return code !== undefined && RESOLUTION_CODES.has(code);
}

function describeError(code: string): string {
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ETIMEDOUT') return 'timed out';
  if (code === 'ECONNRESET') return 'connection reset';
  if (/CERT|SELF_SIGNED|SIGNATURE|ALTNAME/.test(code))
    return "the edge's certificate is not valid for this name";
  if (/SSL|TLS|EPROTO/.test(code)) return 'TLS handshake failed';
  if (code.startsWith('HPE_')) return 'not a valid HTTP answer';
  return code;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
