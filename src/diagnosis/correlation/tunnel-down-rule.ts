// A tunnel with no connector explains an edge 530 / error 1033. When the edge nonetheless answers
// fine, the API and the edge disagree (status lag, or another route serves the host): say so.

import { annotate, edgeLabel, edgeLooksFine, edgeShows, findProblem } from './evidence.js';
import type { Rule } from './rule.js';

export const tunnelDownRule: Rule = {
  name: 'tunnel-down-explains-1033',
  apply(input) {
    const down = findProblem(input.findings, 'tunnel.down');
    if (!down) return undefined;
    if (edgeLooksFine(input)) {
      return {
        findings: annotate(
          input.findings,
          'tunnel.down',
          `Yet the edge answered ${edgeLabel(input)}: the API's tunnel status may lag by a minute, or the host is served another way; run again to confirm.`,
        ),
      };
    }
    const findings = edgeShows(input, 530, 1033)
      ? annotate(
          input.findings,
          'edge.error',
          'Explained by the tunnel having no healthy connector (error 1033).',
        )
      : input.findings;
    return { findings, cause: 'tunnel.down' };
  },
};
