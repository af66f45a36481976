// A DiagnosisProducer decorator counting what happens to requests: queued, joined to a running
// diagnosis, or refused because Redis could not take them.
import type { DiagnosisProducer } from '../jobs/diagnosis-producer.js';
import type { Metrics } from './metrics.js';

export function instrumentProducer(producer: DiagnosisProducer, metrics: Metrics): DiagnosisProducer {
  // Spread: every other method (ping, close, and whatever the producer grows) passes through.
  async function counted<T extends { outcome: string } | 'watched'>(asked: Promise<T>): Promise<T> {
    try {
      const outcome = await asked;
      // `watched` queued nothing: the front joins the watch, or asks again once it is gone.
      if (outcome !== 'watched') metrics.jobs.inc({ state: outcome.outcome });
      return outcome;
    } catch (error) {
      metrics.jobs.inc({ state: 'refused' });
      throw error;
    }
  }
  return {
    ...producer,
    request: (data, options) => counted(producer.request(data, options)),
    requestUnlessWatched: (data, options) => counted(producer.requestUnlessWatched(data, options)),
  };
}
