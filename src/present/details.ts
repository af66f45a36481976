// The Details view: every finding with its full evidence, for the person who asked for it (an
// ephemeral answer to the Details button). The thread itself only shows facts in words.
import type { Report } from '../diagnosis/report.js';
import { type Audience, forAudience } from './origin-addresses.js';

export interface DetailsSection {
  heading: string;
  /** `key: value` lines, values compact and clipped. */
  lines: string[];
}

/** Also pressed in a shared channel: origin addresses follow the audience like everything else. */
export function reportDetails(report: Report, audience: Audience, maxValue = 200): DetailsSection[] {
  return forAudience(detailsOf(report, maxValue), audience);
}

function detailsOf(report: Report, maxValue: number): DetailsSection[] {
  return report.findings.map((f) => ({
    heading: `${f.severity} ${f.code}: ${f.title}`,
    lines: Object.entries(f.evidence)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([key, value]) => {
        let shown: string;
        try {
          shown = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
        } catch {
          shown = '[unprintable]';
        }
        shown = shown.replace(/\s+/g, ' ');
        return `${key}: ${shown.length > maxValue ? `${shown.slice(0, maxValue - 1)}…` : shown}`;
      }),
  }));
}
