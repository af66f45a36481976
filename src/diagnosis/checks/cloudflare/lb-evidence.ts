// The load balancer's evidence, per finding code (joined in diagnosis/evidence.ts): every pool as
// judged (lb-health.ts), the monitor as read, and which pools can serve.
import type { CfMonitor } from '../../cloudflare-lb-types.js';
import type { PoolState } from './lb-health.js';

/** The monitor's request, as far as it says (lb.ts quotes it in the steps). */
export type MonitorEvidence = Pick<
  CfMonitor,
  | 'type'
  | 'method'
  | 'path'
  | 'port'
  | 'expectedCodes'
  | 'expectedBody'
  | 'host'
  | 'timeoutSeconds'
  | 'followRedirects'
>;

export type LbEvidence = {
  loadBalancer: string;
  steeringPolicy?: string;
  pools: PoolState[];
  fallbackEnabled: boolean;
  monitor?: MonitorEvidence;
  poolSet?: string;
  /** "default: primary-eu → secondary-us", one line per way in. */
  canServe?: string[];
  fixedResponses?: { rule: string; status: number | undefined; condition: string | undefined }[];
};

export interface LbEvidenceByCode {
  'lb.ok': LbEvidence;
  'lb.pool_unhealthy': LbEvidence;
  'lb.no_healthy_pool': LbEvidence;
  'lb.fallback_serving': LbEvidence;
}
