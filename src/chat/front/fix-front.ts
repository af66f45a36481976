// The chat side of guarded fixes, once for Slack and Discord: a click on a fix button shows the
// preview (nothing is queued: the platform then asks for an explicit confirmation — a Slack modal,
// a Discord confirm button); only the confirmation queues the fix; Undo queues the inverse. Every
// step checks the allow-list (Slack user IDs / Discord role IDs) and a refusal is audited.
import type { Logger } from 'pino';
import { previewText } from '../../fixes/fix-plan.js';
import type { FixActor } from '../../fixes/fix-store.js';
import { withTimeout } from '../../time/with-timeout.js';
import type { Platform } from '../sink.js';
import type { FixDenial, FixOfferRecord, FixOffers, FixRequester } from './fix-request.js';

export interface FixFrontDeps {
  /** Absent when CLOUDFLARE_FIX_TOKEN is not set: every click is answered "fixes are disabled". */
  enabled: boolean;
  offers: FixOffers;
  requester: FixRequester;
  deny: FixDenial;
  allowedUsers: readonly string[];
  allowedRoles: readonly string[];
  logger: Logger;
}

export interface FixClick {
  platform: Platform;
  user: string;
  name?: string;
  /** Discord: the clicking member's role ids. */
  roles?: readonly string[];
}

export type FixAnswer =
  | { kind: 'preview'; offerId: string; title: string; preview: string }
  | { kind: 'queued'; text: string }
  | { kind: 'refused'; text: string };

export interface FixFront {
  /** A fix button: the preview to confirm (nothing changes yet). */
  preview(click: FixClick, offerId: string): Promise<FixAnswer>;
  /** The explicit confirmation: queues the fix once (`key` is the platform's id for this confirmation). */
  confirm(click: FixClick, offerId: string): Promise<FixAnswer>;
  /** The Undo button of an applied fix. */
  undo(click: FixClick, fixId: string): Promise<FixAnswer>;
}

const DISABLED = 'Fixes are disabled on this bot (CLOUDFLARE_FIX_TOKEN is not set); nothing was changed.';
const EXPIRED = 'This fix offer has expired (a day old, or unknown); re-run the diagnosis for a fresh one.';

export function createFixFront(deps: FixFrontDeps): FixFront {
  const allowed = (click: FixClick): boolean =>
    click.platform === 'slack'
      ? deps.allowedUsers.includes(click.user)
      : (click.roles ?? []).some((role) => deps.allowedRoles.includes(role));
  const actor = (click: FixClick): FixActor => ({
    platform: click.platform,
    user: click.user,
    ...(click.name !== undefined ? { name: click.name } : {}),
  });
  const refuse = async (click: FixClick, offer: FixOfferRecord | undefined): Promise<FixAnswer> => {
    const who = click.platform === 'slack' ? 'CHECK502_FIX_ALLOWED_USERS' : 'CHECK502_FIX_ALLOWED_ROLES';
    await deps.deny(offer?.plan, actor(click), `not on the allow-list (${who})`).catch(() => {});
    return {
      kind: 'refused',
      text: `You are not allowed to apply fixes here: ask an admin to add you to ${who}. Nothing was changed.`,
    };
  };
  const queue = async (job: Parameters<FixRequester['requestFix']>[0], jobId: string, done: string) => {
    try {
      await withTimeout(deps.requester.requestFix(job, jobId), 2000, 'queueing the fix');
      return { kind: 'queued', text: done } as const;
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not queue the fix');
      return {
        kind: 'refused',
        text: "I can't queue the fix right now; nothing was changed. Try again in a minute.",
      } as const;
    }
  };

  return {
    async preview(click, offerId) {
      if (!deps.enabled) return { kind: 'refused', text: DISABLED };
      const offer = await deps.offers.get(offerId);
      if (!allowed(click)) return refuse(click, offer);
      if (!offer) return { kind: 'refused', text: EXPIRED };
      return { kind: 'preview', offerId, title: offer.plan.title, preview: previewText(offer.plan) };
    },
    async confirm(click, offerId) {
      if (!deps.enabled) return { kind: 'refused', text: DISABLED };
      const offer = await deps.offers.get(offerId);
      if (!allowed(click)) return refuse(click, offer);
      if (!offer) return { kind: 'refused', text: EXPIRED };
      // One job per offer: a second confirmation (double submit, redelivery) is the same job.
      return queue(
        { kind: 'apply', offerId, actor: actor(click) },
        `fix-${offerId}`,
        `Applying: ${offer.plan.title}. The result will be posted in the thread.`,
      );
    },
    async undo(click, fixId) {
      if (!deps.enabled) return { kind: 'refused', text: DISABLED };
      if (!allowed(click)) return refuse(click, undefined);
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(fixId))
        return { kind: 'refused', text: 'This Undo button is broken.' };
      return queue(
        { kind: 'undo', fixId, actor: actor(click) },
        `undo-${fixId}`,
        'Undoing the fix; the result will be posted in the thread.',
      );
    },
  };
}
