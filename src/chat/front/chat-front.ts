// The chat front: one function per command, called by every platform adapter with a CommandInput,
// answering a CommandAnswer. Validation, queueing, joining a run already answering, and what to
// say when the queue is down live here once; the adapters only translate wire formats.
//
// Adding a command: write `requestX(input): Promise<CommandAnswer>` here (or in its own file,
// added to ChatFront), name it in commands.ts, and give the Discord command definition its option.

import type { Logger } from 'pino';
import { parseSite } from '../../diagnosis/target.js';
import { audienceOf, type ShowOriginAddresses } from '../../present/origin-addresses.js';
import { withTimeout } from '../../time/with-timeout.js';
import { threadLink } from '../thread-link.js';
import type { CommandAnswer, CommandInput } from './command-input.js';
import type { DiagnosisRequest, DiagnosisRequester, RequestOutcome } from './diagnosis-request.js';
import { type MonitorRegistry, monitorCommand } from './monitor-command.js';
import type { ReportLookup } from './report-lookup.js';
import { joinWatch, unwatchCommand, watchCommand } from './watch-command.js';
import type { WatchRegistry } from './watch-request.js';

/** Posts a site's incident timeline as a file; the front only asks and words the answer. */
export interface TimelinePoster {
  post(
    site: string,
    input: CommandInput,
    /** A given incident (`<site>#<n>`, the Timeline button's); absent: the site's latest. */
    incidentId?: string,
  ): Promise<{ ok: true; incident: string; inThread: boolean } | { ok: false; reason: string }>;
}

export interface ChatFrontDeps {
  requester: DiagnosisRequester;
  /** Where the Details button finds a finished run's report; without it Details says "expired". */
  reports?: ReportLookup;
  /** `/check502 timeline <site>`; absent where incidents are not kept (no Redis). */
  timelines?: TimelinePoster;
  logger: Logger;
  /** Monitors (`/check502 monitor …`); absent: the command says monitors are not available here. */
  monitors?: MonitorRegistry;
  /** Watches (`/check502 watch …`); absent: the command says watches are not available here. */
  watches?: WatchRegistry;
  /** Bound on queueing before we answer anyway (the producer has its own, shorter one). */
  requestTimeoutMs?: number;
  /** CHECK502_SHOW_ORIGIN_ADDRESSES: Details in a shared channel hide them like the thread does. */
  showOriginAddresses?: ShowOriginAddresses;
}

export interface ChatFront {
  /** `/check502 <site>` and the Re-run button (with `input.thread` and `input.run`). */
  requestDiagnosis(input: CommandInput): Promise<CommandAnswer>;
  /** The Details button: `input.text` is the job id the button carries. */
  showDetails(input: CommandInput): Promise<CommandAnswer>;
  /** `/check502 timeline <site>`: the site's latest incident as a Markdown file in its thread. */
  requestTimeline(input: CommandInput): Promise<CommandAnswer>;
  /** `/check502 monitor add|list|remove …` in the channel it is typed in. */
  monitor(input: CommandInput): Promise<CommandAnswer>;
  /** `/check502 watch <site> [duration]` in the channel it is typed in. */
  requestWatch(input: CommandInput): Promise<CommandAnswer>;
  /** The watch's Stop button (`input.text` is its id) or `/check502 unwatch <site>`. */
  stopWatch(input: CommandInput): Promise<CommandAnswer>;
}

export function createChatFront(deps: ChatFrontDeps): ChatFront {
  const timeoutMs = deps.requestTimeoutMs ?? 2500;

  /**
   * Queues `data`, or joins the run already answering. With `unlessWatched` (a watch may hold the
   * site) answers `watched` instead, having claimed nothing. undefined: Redis could not take it.
   */
  async function request<Unless extends boolean>(
    data: DiagnosisRequest,
    input: CommandInput,
    unlessWatched: Unless,
  ): Promise<RequestOutcome | (Unless extends true ? 'watched' : never) | undefined> {
    const options = input.key !== undefined ? { jobId: input.key } : {};
    const requester = deps.requester;
    try {
      const outcome = await withTimeout(
        unlessWatched && requester.requestUnlessWatched
          ? requester.requestUnlessWatched(data, options)
          : requester.request(data, options),
        timeoutMs,
        'queueing the diagnosis',
      );
      if (outcome !== 'watched')
        deps.logger.info(
          {
            platform: input.platform,
            site: data.site,
            jobId: outcome.jobId,
            outcome: outcome.outcome,
            rerun: data.thread !== undefined,
          },
          'diagnosis requested',
        );
      return outcome as RequestOutcome | (Unless extends true ? 'watched' : never);
    } catch (error) {
      // Still answer the user inside the platform's 3 s rather than letting the request fail.
      deps.logger.warn(
        { platform: input.platform, site: data.site, err: error },
        'could not queue the diagnosis; told the user to retry',
      );
      return undefined;
    }
  }

  /** The watch holding `site`, as the answer to a diagnosis request; undefined when none (or unknown). */
  async function watchJoined(site: string, input: CommandInput): Promise<CommandAnswer | undefined> {
    if (!deps.watches) return undefined;
    return withTimeout(joinWatch(deps.watches, site, input), timeoutMs, 'looking for a watch').catch(
      (error: unknown) => {
        deps.logger.warn({ err: error, site }, 'could not look for a running watch');
        return undefined;
      },
    );
  }

  return {
    async requestTimeline(input) {
      const typed = input.text.trim();
      if (typed === '')
        return { kind: 'invalid', reason: 'timeline needs a site, e.g. /check502 timeline shop.example.com' };
      // `shop.example.com#3` (the Timeline button, or typed) names one incident; a site alone the latest.
      const numbered = /^(\S+)#(\d{1,9})$/.exec(typed);
      const parsed = parseSite(numbered?.[1] ?? typed);
      if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
      const site = parsed.target.host;
      const incidentId = numbered ? `${site}#${numbered[2]}` : undefined;
      if (!deps.timelines)
        return { kind: 'not-found', site, reason: 'incident history is not kept by this deployment' };
      try {
        const posted = await withTimeout(
          deps.timelines.post(site, input, incidentId),
          timeoutMs,
          'posting the timeline',
        );
        return posted.ok
          ? { kind: 'timeline', site, incident: posted.incident, inThread: posted.inThread }
          : { kind: 'not-found', site, reason: posted.reason };
      } catch (error) {
        deps.logger.warn({ err: error, site }, 'could not post the timeline');
        return { kind: 'unavailable', site };
      }
    },
    async monitor(input) {
      if (!deps.monitors) return { kind: 'note', text: 'Monitors are not enabled on this check502.' };
      try {
        return await withTimeout(monitorCommand(deps.monitors, input), timeoutMs, 'the monitor command');
      } catch (error) {
        deps.logger.warn({ err: error, platform: input.platform }, 'monitor command failed');
        return { kind: 'note', text: "⚠️ I can't reach my store right now; try again in a minute." };
      }
    },
    async requestWatch(input) {
      if (!deps.watches) return { kind: 'note', text: 'Watches are not enabled on this check502.' };
      try {
        return await withTimeout(watchCommand(deps.watches, input), timeoutMs, 'the watch command');
      } catch (error) {
        deps.logger.warn({ err: error, platform: input.platform }, 'watch command failed');
        return { kind: 'unavailable', site: siteOf(input.text) };
      }
    },
    async stopWatch(input) {
      if (!deps.watches) return { kind: 'note', text: 'Watches are not enabled on this check502.' };
      try {
        return await withTimeout(unwatchCommand(deps.watches, input), timeoutMs, 'stopping the watch');
      } catch (error) {
        deps.logger.warn({ err: error, platform: input.platform }, 'stopping a watch failed');
        return { kind: 'note', text: "⚠️ I can't reach my store right now; press Stop again in a minute." };
      }
    },
    async requestDiagnosis(input) {
      const typed = input.text.trim();
      if (typed === '' || typed.toLowerCase() === 'help') return { kind: 'usage' };
      const parsed = parseSite(typed);
      if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
      const site = parsed.target.host;
      const data: DiagnosisRequest = { site, input: typed, reply: input.reply };
      if (input.user !== undefined) data.requestedBy = input.user;
      if (input.thread !== undefined) data.thread = input.thread;
      if (input.run !== undefined) data.run = input.run;
      // A watch re-diagnoses the site anyway: join it rather than double the work and the threads.
      // A requester that checks for the watch in the claim itself saves a round trip (the common
      // case); a `watched` answer, or a requester without that check, asks the watches first.
      const combined = deps.watches !== undefined && deps.requester.requestUnlessWatched !== undefined;
      let outcome = combined ? await request(data, input, true) : 'watched';
      if (outcome === 'watched') {
        const watching = await watchJoined(site, input);
        if (watching) return watching;
        // The watch ended between the two reads (its key outlives it briefly): queue as usual.
        outcome = await request(data, input, false);
      }
      if (outcome === undefined) return { kind: 'unavailable', site };
      if (outcome.outcome === 'queued') return { kind: 'queued', site };
      const here =
        input.thread !== undefined &&
        outcome.thread?.root === input.thread.root &&
        outcome.thread.channel === input.thread.channel;
      const joined: CommandAnswer = { kind: 'joined', site, here };
      if (outcome.thread) {
        joined.link = threadLink(
          outcome.thread,
          input.guildId !== undefined ? { guildId: input.guildId } : {},
        );
      }
      return joined;
    },

    async showDetails(input) {
      const jobId = input.text.trim();
      if (deps.reports === undefined || !/^[A-Za-z0-9_-]{1,80}$/.test(jobId)) return { kind: 'expired' };
      try {
        const report = await withTimeout(deps.reports.report(jobId), timeoutMs, 'reading the report');
        if (!report) return { kind: 'expired' };
        // Ephemeral, yet pressed in a channel: shown as the thread shows it there.
        const audience = audienceOf(input.thread ?? input.reply, deps.showOriginAddresses);
        return { kind: 'details', report, audience };
      } catch (error) {
        deps.logger.warn({ err: error, platform: input.platform }, 'could not read the report for Details');
        return { kind: 'expired' };
      }
    },
  };
}

/** The site part of a typed command, for an answer that names it. */
function siteOf(text: string): string {
  const first = text.trim().split(/\s+/)[0] ?? '';
  const parsed = parseSite(first);
  return parsed.ok ? parsed.target.host : first.slice(0, 100);
}
