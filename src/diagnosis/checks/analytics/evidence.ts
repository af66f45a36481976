// The analytics check's evidence, per finding code (joined in diagnosis/evidence.ts): the edge's
// 5xx over the window, how they split by the origin's answer, over time and by path or colo.
import type { CfAnalyticsSlice, CfEdgeAnalytics } from '../../cloudflare-reader.js';
import type { Concentration } from './concentration.js';
import type { Trend } from './trend.js';

export type EdgeAnalyticsEvidence = {
  windowMinutes: number;
  total: number;
  errors5xx: number;
  sharePercent: number;
  /** 5xx with no HTTP answer from the origin (origin status 0). */
  noOriginResponse: number;
  /** 5xx the origin answered itself. */
  originProduced: number;
  byStatus: CfEdgeAnalytics['errors'];
  /** Null when the plan does not offer the origin's status. */
  byOriginStatus: { originStatus: number; count: number }[] | null;
  trend?: Trend;
  recentSharePercent?: number;
  buckets?: (NonNullable<CfEdgeAnalytics['buckets']>[number] & { sharePercent: number })[];
  topPaths?: CfAnalyticsSlice[];
  topColos?: CfAnalyticsSlice[];
  onePath?: Concentration;
  oneColo?: Concentration;
  /** Why the plan narrowed the query. */
  limitedBy?: string;
};

export interface AnalyticsEvidence {
  'analytics.ok': EdgeAnalyticsEvidence;
  'analytics.edge_5xx': EdgeAnalyticsEvidence;
}
