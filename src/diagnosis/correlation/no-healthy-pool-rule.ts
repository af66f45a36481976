// Load balancer with no usable pool (fallback included) explains an edge 530 / error 1016.

import { annotate, edgeLabel, edgeLooksFine, edgeShows, findProblem } from './evidence.js';
import type { Rule } from './rule.js';

export const noHealthyPoolRule: Rule = {
  name: 'no-healthy-pool-explains-1016',
  apply(input) {
    if (!findProblem(input.findings, 'lb.no_healthy_pool')) return undefined;
    if (edgeLooksFine(input)) {
      return {
        findings: annotate(
          input.findings,
          'lb.no_healthy_pool',
          `Yet the edge answered ${edgeLabel(input)}: pool health may have just recovered or the monitor's view differs from live traffic.`,
        ),
      };
    }
    const findings = edgeShows(input, 530, 1016)
      ? annotate(
          input.findings,
          'edge.error',
          'Explained by the load balancer having no healthy pool (error 1016).',
        )
      : input.findings;
    return { findings, cause: 'lb.no_healthy_pool' };
  },
};
