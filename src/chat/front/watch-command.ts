// `/check502 watch <site> [30m]`: re-diagnose the site in one thread until it is healthy three runs
// in a row or the time runs out (src/watch runs it on BullMQ). A watch already running for the site
// is joined, never doubled. `/check502 unwatch <site>` and the Stop button end one.
import { parseSite } from '../../diagnosis/target.js';
import { DEFAULT_WATCH_MS, parseDuration } from '../../watch/watch-state.js';
import { threadLink } from '../thread-link.js';
import { isWatchId } from '../watch-buttons.js';
import type { CommandAnswer, CommandInput } from './command-input.js';
import type { WatchRegistry } from './watch-request.js';

const USAGE =
  'Usage: `/check502 watch <site> [duration]`, e.g. `/check502 watch shop.example.com 30m` (default 30 min).';

export async function watchCommand(registry: WatchRegistry, input: CommandInput): Promise<CommandAnswer> {
  const [typed = '', ...rest] = input.text.trim().split(/\s+/);
  if (typed === '' || typed.toLowerCase() === 'help') return { kind: 'note', text: USAGE };
  const parsed = parseSite(typed);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  const site = parsed.target.host;
  const durationText = rest.join(' ').replace(/^for\s+/i, '');
  const { minMs, maxMs } = registry.bounds;
  const durationMs = durationText === '' ? DEFAULT_WATCH_MS : parseDuration(durationText);
  if (durationMs === undefined || durationMs < minMs || durationMs > maxMs)
    return {
      kind: 'note',
      text: `"${durationText}" is not a watch duration I accept: give one between ${words(minMs)} and ${words(maxMs)} (e.g. \`30m\`, \`2h\`).`,
    };
  const started = await registry.start({
    site,
    input: typed,
    reply: input.reply,
    durationMs,
    ...(input.user !== undefined ? { requestedBy: input.user } : {}),
  });
  switch (started.outcome) {
    case 'started': {
      if (!started.joinsRun) return { kind: 'watching', site, durationMs };
      const thread = started.joinsRun.thread;
      const link = thread
        ? threadLink(thread, input.guildId !== undefined ? { guildId: input.guildId } : {})
        : undefined;
      return { kind: 'watching', site, durationMs, joinsRun: link !== undefined ? { link } : {} };
    }
    case 'joined':
      return joined(site, input, started.thread);
    case 'limit':
      return {
        kind: 'note',
        text:
          started.which === 'channel'
            ? `This channel already has ${started.limit} watches running, the most allowed per channel: stop one (its Stop button, or \`/check502 unwatch <site>\`) or wait for one to end.`
            : `check502 already runs ${started.limit} watches, the most this installation allows; try again when one ends.`,
      };
  }
}

/** The Stop button (`text` is the watch id) or `/check502 unwatch <site>`. */
export async function unwatchCommand(registry: WatchRegistry, input: CommandInput): Promise<CommandAnswer> {
  const typed = input.text.trim();
  if (isWatchId(typed)) {
    const stopped = await registry.stop({ id: typed }, input.user);
    return { kind: 'note', text: stopText(stopped.outcome, stopped.site) };
  }
  const parsed = parseSite(typed);
  if (!parsed.ok) return { kind: 'note', text: 'Usage: `/check502 unwatch <site>`' };
  const site = parsed.target.host;
  const stopped = await registry.stop({ platform: input.platform, site }, input.user);
  return { kind: 'note', text: stopText(stopped.outcome, site) };
}

/** A diagnosis asked while a watch of the site runs joins the watch: it re-checks anyway. */
export async function joinWatch(
  registry: WatchRegistry,
  site: string,
  input: CommandInput,
): Promise<CommandAnswer | undefined> {
  const running = await registry.running(input.platform, site);
  return running ? joined(site, input, running.thread) : undefined;
}

function joined(site: string, input: CommandInput, thread: CommandInput['thread']): CommandAnswer {
  const here =
    input.thread !== undefined &&
    thread?.root === input.thread.root &&
    thread.channel === input.thread.channel;
  const answer: CommandAnswer = { kind: 'watch-joined', site, here };
  if (thread) answer.link = threadLink(thread, input.guildId !== undefined ? { guildId: input.guildId } : {});
  return answer;
}

function stopText(outcome: 'stopped' | 'ended' | 'unknown', site: string | undefined): string {
  const what = site ?? 'the site';
  if (outcome === 'stopped') return `Stopping the watch of ${what}; its outcome is posted in its thread.`;
  if (outcome === 'ended') return `The watch of ${what} has already ended.`;
  return site
    ? `No watch of ${site} is running here.`
    : 'That watch is no longer known (ended over a day ago).';
}

function words(ms: number): string {
  return ms % 3600_000 === 0 ? `${ms / 3600_000} h` : `${Math.round(ms / 60_000)} min`;
}
