import { type StepsByCode, str } from './steps.js';

export const ANALYTICS_STEPS: StepsByCode = {
  'analytics.edge_5xx': (e) => {
    const noAnswer = Number(e.noOriginResponse ?? 0);
    const fromOrigin = Number(e.originProduced ?? 0);
    const steps = [
      `Open Analytics & Logs → Traffic for the zone, filter by host and edge status 5xx for the last ${str(e.windowMinutes, '30')} minutes to see when it started.`,
    ];
    if (noAnswer > 0)
      steps.push(
        `${noAnswer} errors had no answer from the origin (origin status 0): check the origin's reachability, firewall and TLS as the findings above describe.`,
      );
    if (fromOrigin > 0)
      steps.push(
        `${fromOrigin} errors were the origin's own 5xx: check the application and web-server error logs.`,
      );
    return steps;
  },
};
