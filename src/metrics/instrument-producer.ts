// A DiagnosisProducer decorator counting what happens to requests: queued, joined to a running
// diagnosis, or refused because Redis could not take them.
import type { DiagnosisProducer } from '../jobs/diagnosis-producer.js';
import type { Metrics } from './metrics.js';

export function instrumentProducer(producer: DiagnosisProducer, metrics: Metrics): DiagnosisProducer {
  // Spread: every other method (ping, close, and whatever the producer grows) passes through.
  return {
    ...producer,
    async request(data, options) {
      try {
        const outcome = await producer.request(data, options);
        metrics.jobs.inc({ state: outcome.outcome });
        return outcome;
      } catch (error) {
        metrics.jobs.inc({ state: 'refused' });
        throw error;
      }
    },
  };
}
