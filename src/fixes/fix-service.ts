// Applies guarded fixes: off without a writer (no CLOUDFLARE_FIX_TOKEN); once per change however
// often it is clicked or retried; only when the live value is still what the preview showed; one
// write; verified; Undo for an hour; every attempt in the audit trail. A fix that fails says why and
// has changed nothing (each fix is a single write, refused or made whole by the API).
import { randomUUID } from 'node:crypto';
import { type FixPlan, fixKey, inverseOf, recordText } from './fix-plan.js';
import type { AuditEntry, FixActor, FixStore } from './fix-store.js';
import { type FixWriter, type LiveValue, sameValue } from './fix-writer.js';

export const UNDO_SECONDS = 3600;

export type FixStatus =
  | 'applied'
  | 'already_in_place'
  | 'duplicate'
  | 'refused'
  | 'failed'
  | 'disabled'
  | 'denied'
  | 'undone'
  | 'undo_expired';

export interface FixOutcome {
  fixId: string;
  status: FixStatus;
  /** One sentence for the thread or the terminal. */
  message: string;
  plan: FixPlan;
  /** Until when Undo works (applied fixes with an inverse). */
  undoUntil?: string;
}

export interface FixRequest {
  plan: FixPlan;
  actor: FixActor;
  /** One request (a confirmation, a CLI run): a retried job carries the same id. */
  requestId: string;
  /** Where the same change counts as the same fix (e.g. the thread); default: anywhere. */
  scope?: string;
}

export interface FixService {
  readonly enabled: boolean;
  apply(request: FixRequest): Promise<FixOutcome>;
  undo(fixId: string, actor: FixActor, requestId?: string): Promise<FixOutcome>;
  /** Records an attempt refused before it reached the service (not on the allow-list). */
  deny(plan: FixPlan | undefined, actor: FixActor, reason: string): Promise<FixOutcome>;
}

export interface FixServiceDeps {
  store: FixStore;
  /** Absent when CLOUDFLARE_FIX_TOKEN is not set: every fix is refused and nothing is written. */
  writer?: FixWriter;
  now?: () => Date;
}

export function createFixService(deps: FixServiceDeps): FixService {
  const { store, writer } = deps;
  const now = deps.now ?? (() => new Date());

  const record = async (
    outcome: FixOutcome,
    actor: FixActor,
    action: string = outcome.plan.action,
    reason = '',
  ) => {
    const entry: AuditEntry = {
      at: now().toISOString(),
      fixId: outcome.fixId,
      site: outcome.plan.site,
      action,
      who: `${actor.platform}:${actor.user}${actor.name ? ` (${actor.name})` : ''}`,
      what: outcome.plan.what,
      before: outcome.plan.from,
      after: outcome.plan.to,
      result: outcome.status,
      reason: reason || outcome.message,
    };
    await store.audit(entry);
    return outcome;
  };

  async function run(plan: FixPlan, fixId: string): Promise<Omit<FixOutcome, 'fixId' | 'plan'>> {
    if (!writer) {
      return {
        status: 'disabled',
        message: 'Fixes are disabled: CLOUDFLARE_FIX_TOKEN is not set. Nothing was changed.',
      };
    }
    const t = plan.target;
    if (t.kind !== 'purge') {
      let live: LiveValue;
      try {
        live = await writer.current(t);
      } catch (error) {
        return {
          status: 'failed',
          message: `Could not read ${plan.what} before changing it: ${why(error)}. Nothing was changed.`,
        };
      }
      if (sameValue(live, t.to)) {
        return {
          status: 'already_in_place',
          message: `${plan.what} is already ${plan.to}; nothing to change.`,
        };
      }
      if (!sameValue(live, t.from)) {
        return {
          status: 'refused',
          message: `${plan.what} changed since the preview (it is now ${show(live)}, not ${plan.from}); nothing was changed. Re-run the diagnosis for a fresh preview.`,
        };
      }
    }
    try {
      await writer.write(t);
    } catch (error) {
      return {
        status: 'failed',
        message: `Cloudflare refused the change: ${why(error)}. Nothing was changed.`,
      };
    }
    if (t.kind !== 'purge') {
      const after = await writer.current(t).catch(() => undefined);
      if (after !== undefined && !sameValue(after, t.to)) {
        return {
          status: 'failed',
          message: `Cloudflare accepted the change but ${plan.what} reads ${show(after)}.`,
        };
      }
    }
    const inverse = inverseOf(plan);
    if (!inverse) return { status: 'applied', message: `Done: ${plan.what} → ${plan.to}.` };
    await store.saveUndo(fixId, inverse, UNDO_SECONDS);
    return {
      status: 'applied',
      message: `Done: ${plan.what}: ${plan.from} → ${plan.to}. Undo is available for an hour.`,
      undoUntil: new Date(now().getTime() + UNDO_SECONDS * 1000).toISOString(),
    };
  }

  return {
    enabled: writer !== undefined,
    async apply(request) {
      const { plan, actor, requestId } = request;
      const onceKey = `${request.scope ?? '*'}|${fixKey(plan)}`;
      const claim = await store.claim(onceKey, requestId);
      if (!claim.mine) {
        const first = await store.outcome<FixOutcome>(claim.holder);
        const outcome: FixOutcome = {
          fixId: first?.fixId ?? claim.holder,
          plan,
          status: 'duplicate',
          message: first
            ? `Already handled (${first.status.replace('_', ' ')}): ${first.message}`
            : 'This fix is already being applied; its result will follow.',
        };
        if (first?.undoUntil) outcome.undoUntil = first.undoUntil;
        return record(outcome, actor);
      }
      const earlier = await store.outcome<FixOutcome>(requestId);
      if (earlier) return earlier; // a retried job whose first attempt finished
      const fixId = requestId.length <= 64 ? requestId : randomUUID();
      const outcome: FixOutcome = { fixId, plan, ...(await run(plan, fixId)) };
      await store.saveOutcome(requestId, outcome);
      // A fix that did not happen may be tried again (after the token or the value is fixed).
      if (outcome.status !== 'applied' && outcome.status !== 'already_in_place')
        await store.release(onceKey, requestId);
      return record(outcome, actor);
    },
    async undo(fixId, actor, requestId = `undo-${fixId}`) {
      const inverse = await store.takeUndo(fixId);
      if (!inverse) {
        const earlier = await store.outcome<FixOutcome>(requestId);
        if (earlier) return earlier;
        const outcome: FixOutcome = {
          fixId,
          status: 'undo_expired',
          message:
            'Nothing to undo: the fix is older than an hour, was already undone, or was never applied.',
          plan: {
            action: 'rollback',
            site: '',
            title: 'Undo',
            what: 'Undo',
            from: '',
            to: '',
            target: { kind: 'purge', zoneId: '', urls: [] },
          },
        };
        return record(outcome, actor, 'undo');
      }
      const result = await run(inverse, `${fixId}-undo`);
      const outcome: FixOutcome = { fixId, plan: inverse, ...result };
      if (result.status === 'applied' || result.status === 'already_in_place') {
        outcome.status = 'undone';
        outcome.message = `Undone: ${inverse.what} is ${inverse.to} again.`;
        delete outcome.undoUntil;
        // The undo of the undo is not offered: re-apply the fix from a fresh diagnosis instead.
      } else {
        await store.restoreUndo(fixId, inverse, UNDO_SECONDS);
      }
      await store.saveOutcome(requestId, outcome);
      return record(outcome, actor, 'undo');
    },
    async deny(plan, actor, reason) {
      return record({ fixId: randomUUID(), plan: plan ?? NO_PLAN, status: 'denied', message: reason }, actor);
    },
  };
}

/** Stands in for the plan of an attempt that never got one (an expired Undo, a refused Undo click). */
const NO_PLAN: FixPlan = {
  action: 'rollback',
  site: '',
  title: 'Undo',
  what: 'Undo',
  from: '',
  to: '',
  target: { kind: 'purge', zoneId: '', urls: [] },
};

function show(value: LiveValue): string {
  if (value === undefined) return 'unknown';
  if (typeof value === 'object') return recordText(value);
  return String(value);
}

function why(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
