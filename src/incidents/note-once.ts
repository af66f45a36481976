// Posts an incident's thread notes at most once each: a claim in the incident's record is taken
// before the post, and a claim that exists without a result means a crash mid-post, so the note is
// never posted again. A failed post gives its claim back (and keeps trying to while Redis is away,
// for as long as a root lease lasts), so the job's retry can post it.
import type { IncidentStore } from './incident-store.js';
import { ROOT_LEASE_MS } from './root-poster.js';

export interface NoteOnce {
  /** Runs `post` unless step `step` of incident `id` was claimed before. */
  once(id: string, step: string, post: () => Promise<void>): Promise<void>;
  /** Stops retrying releases (the workers are closing). */
  stop(): void;
}

export function noteOnce(store: Pick<IncidentStore, 'claim' | 'release'>): NoteOnce {
  let stopped = false;
  // Claims whose release failed (Redis went away mid-step): released as soon as Redis is back.
  const releases = new Set<string>();
  const releaseLater = (id: string, step: string) => {
    const key = `${id}\u0000${step}`;
    if (releases.has(key)) return;
    releases.add(key);
    const started = Date.now();
    const attempt = () => {
      store.release(id, step).then(
        () => releases.delete(key),
        () => {
          if (Date.now() - started < ROOT_LEASE_MS && !stopped) setTimeout(attempt, 250).unref();
          else releases.delete(key);
        },
      );
    };
    attempt();
  };
  return {
    async once(id, step, post) {
      if (!(await store.claim(id, step))) return;
      try {
        await post();
      } catch (error) {
        releaseLater(id, step);
        throw error;
      }
    },
    stop() {
      stopped = true;
    },
  };
}
