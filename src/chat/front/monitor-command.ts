// `/check502 monitor add <site> [every 1m]`, `monitor list`, `monitor remove <site>`: the monitors of
// the channel the command is typed in. The registry (src/monitors, wired in roles/) keeps them in
// Redis with a BullMQ job scheduler each; past a limit the user is told which one and what to do.
import { parseSite } from '../../diagnosis/target.js';
import { DEFAULT_EVERY_MS, describeEvery, parseEvery } from '../../monitors/monitor.js';
import type { Platform } from '../sink.js';
import type { CommandAnswer, CommandInput } from './command-input.js';

export interface MonitorRegistry {
  add(input: {
    platform: Platform;
    channel: string;
    site: string;
    everyMs?: number;
    addedBy?: string;
  }): Promise<{
    result: 'added' | 'updated' | 'channel_limit' | 'global_limit';
    monitor: { site: string; everyMs: number };
  }>;
  list(platform: Platform, channel: string): Promise<{ site: string; everyMs: number; state: string }[]>;
  remove(platform: Platform, channel: string, site: string): Promise<boolean>;
  readonly limits: { perChannel: number; global: number };
}

const USAGE =
  'Usage: `/check502 monitor add <site> [every 1m]`, `/check502 monitor list`, `/check502 monitor remove <site>`';

export async function monitorCommand(registry: MonitorRegistry, input: CommandInput): Promise<CommandAnswer> {
  const [verb = '', target = '', ...rest] = input.text.trim().split(/\s+/);
  const channel = input.reply.channel;
  const site = () => {
    const parsed = parseSite(target);
    return parsed.ok ? parsed.target.host : undefined;
  };
  switch (verb.toLowerCase()) {
    case 'add': {
      const host = site();
      if (!host) return { kind: 'note', text: `I can't monitor "${target}": not a site.\n${USAGE}` };
      const everyText = rest.join(' ');
      const everyMs = everyText === '' ? DEFAULT_EVERY_MS : parseEvery(everyText);
      if (everyMs === undefined)
        return {
          kind: 'note',
          text: `"${everyText}" is not an interval between 30 s and 24 h (e.g. \`every 1m\`).`,
        };
      const added = await registry.add({
        platform: input.platform,
        channel,
        site: host,
        everyMs,
        ...(input.user !== undefined ? { addedBy: input.user } : {}),
      });
      switch (added.result) {
        case 'channel_limit':
          return {
            kind: 'note',
            text: `This channel already has ${registry.limits.perChannel} monitors, the most allowed per channel: remove one first (\`/check502 monitor list\`).`,
          };
        case 'global_limit':
          return {
            kind: 'note',
            text: `check502 already runs ${registry.limits.global} monitors, the most this installation allows; remove one somewhere first.`,
          };
        case 'updated':
          return {
            kind: 'note',
            text: `${host} was already monitored here; now every ${describeEvery(everyMs)}.`,
          };
        case 'added':
          return {
            kind: 'note',
            text: `Monitoring ${host} every ${describeEvery(everyMs)}. Two failing checks in a row open an incident; it closes once the site recovers and my own re-check agrees.`,
          };
      }
      return { kind: 'note', text: USAGE };
    }
    case 'list': {
      const monitors = await registry.list(input.platform, channel);
      if (monitors.length === 0) return { kind: 'note', text: 'No monitors in this channel.' };
      return {
        kind: 'note',
        text: monitors
          .map(
            (m) =>
              `• ${m.site} every ${describeEvery(m.everyMs)} (${m.state === 'failing' ? 'failing' : 'ok'})`,
          )
          .join('\n'),
      };
    }
    case 'remove': {
      const host = site();
      if (!host) return { kind: 'note', text: USAGE };
      const removed = await registry.remove(input.platform, channel, host);
      return {
        kind: 'note',
        text: removed ? `Stopped monitoring ${host}.` : `${host} is not monitored in this channel.`,
      };
    }
    default:
      return { kind: 'note', text: USAGE };
  }
}
