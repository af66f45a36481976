// Where the 5xx are: a 502 that only hits /api/upload, or only one colo, is a different problem
// from a site-wide one (one endpoint's handler or body size; one region's path to the origin).
// Said only when it is true of the data: one value holds most of the 5xx, and it is not simply
// where most of the traffic goes (a site whose visitors all come through one colo).
import type { CfAnalyticsSlice } from '../../cloudflare-reader.js';

export interface Concentration {
  value: string;
  errors5xx: number;
  /** Share of all 5xx, percent. */
  sharePercent: number;
  /** Its requests and their failure rate, when known. */
  requests?: number;
  failurePercent?: number;
}

/** Most of the 5xx in one value. */
const DOMINANT = 0.8;
/** ...while that value carries less than this share of all requests. */
const NOT_ALL_TRAFFIC = 0.8;
const MIN_ERRORS = 5;

export function concentrationOf(
  slices: readonly CfAnalyticsSlice[] | undefined,
  errors5xx: number,
  total: number,
): Concentration | undefined {
  const top = slices?.[0];
  if (!top || errors5xx < MIN_ERRORS || top.errors5xx < DOMINANT * errors5xx) return undefined;
  // Its traffic: known when it is among the busiest ten; otherwise below the smallest of them.
  // Without either, "one path" could be all the traffic there is: say nothing.
  const traffic = top.requests ?? top.belowRequests;
  if (traffic === undefined || traffic >= NOT_ALL_TRAFFIC * total) return undefined;
  const out: Concentration = {
    value: top.value,
    errors5xx: top.errors5xx,
    sharePercent: Math.round((top.errors5xx / errors5xx) * 100),
  };
  if (top.requests !== undefined) {
    out.requests = top.requests;
    out.failurePercent = Math.round((top.errors5xx / Math.max(1, top.requests)) * 1000) / 10;
  }
  return out;
}

/** "/api/upload: 47 of its 52 requests failed (96% of all 5xx)". */
export function concentrationWords(c: Concentration): string {
  const rate =
    c.requests !== undefined ? `${c.errors5xx} of its ${c.requests} requests` : `${c.errors5xx} requests`;
  return `${c.value}: ${rate} failed (${c.sharePercent}% of all 5xx)`;
}
