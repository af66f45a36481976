// Which front function each chat command calls. Slack sends `/check502 watch shop.example.com` as
// text, Discord as a subcommand with options; both adapters end here, so a new command is one line
// in COMMANDS (plus its front function, and its option in the Discord command definition).
import type { ChatFront } from './chat-front.js';
import type { CommandAnswer, CommandInput } from './command-input.js';

type Handler = (front: ChatFront, input: CommandInput) => Promise<CommandAnswer>;

export const COMMANDS = {
  /** `/check502 <site>` (Slack), `/check502 site:<site>` (Discord): the default command. */
  diagnose: (front, input) => front.requestDiagnosis(input),
  /** The Details button (its job id as text); typed, `/check502 details <job>` works too. */
  details: (front, input) => front.showDetails(input),
  /** `/check502 timeline <site>`: the latest incident's timeline as a Markdown file in its thread. */
  timeline: (front, input) => front.requestTimeline(input),
  /** `/check502 monitor add|list|remove <site> [every 1m]`. */
  monitor: (front, input) => front.monitor(input),
  /** `/check502 watch <site> [30m]`: re-diagnose in one thread until healthy three runs in a row. */
  watch: (front, input) => front.requestWatch(input),
  /** The watch's Stop button (its id as text), or `/check502 unwatch <site>`. */
  unwatch: (front, input) => front.stopWatch(input),
} satisfies Record<string, Handler>;

export type CommandName = keyof typeof COMMANDS;

export const DEFAULT_COMMAND: CommandName = 'diagnose';

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Splits typed text into a command and the rest: `watch a.example 10m` → watch; a bare site → diagnose. */
export function commandOf(text: string): { name: CommandName; text: string } {
  const trimmed = text.trim();
  const space = trimmed.search(/\s/);
  const first = (space === -1 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  if (first !== DEFAULT_COMMAND && isCommandName(first)) {
    return { name: first, text: space === -1 ? '' : trimmed.slice(space + 1).trim() };
  }
  return { name: DEFAULT_COMMAND, text: trimmed };
}

export function runCommand(front: ChatFront, name: CommandName, input: CommandInput): Promise<CommandAnswer> {
  return COMMANDS[name](front, input);
}
