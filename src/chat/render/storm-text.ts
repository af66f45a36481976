// The storm message as lines of text, for both platforms: a headline naming the shared cause (or
// saying the bot is still looking), then one line per site with a link to its own thread. Each
// platform passes its own escaping and link syntax; the list is cut to fit its message limit.
import type { StormView } from '../sink.js';

export interface StormTextStyle {
  escape(text: string): string;
  bold(text: string): string;
  link(url: string, label: string): string;
  /** Characters the whole message may take. */
  max: number;
}

export function stormText(view: StormView, style: StormTextStyle): string {
  const n = view.sites.length;
  const since = view.since.slice(11, 19);
  const head = view.cause
    ? `🌩️ ${style.bold(`Alert storm: ${style.escape(view.cause)}`)}`
    : `🌩️ ${style.bold(`Alert storm: ${n} site${n === 1 ? '' : 's'} failing together`)} — looking for what they share…`;
  const sub = `${n} site${n === 1 ? '' : 's'} since ${since} UTC; ${view.diagnosed} diagnosed so far. Each site's thread has its details:`;
  const lines = [head, sub];
  let used = head.length + sub.length + 2;
  for (const [index, site] of view.sites.entries()) {
    const thread = site.link ? ` — ${style.link(site.link, 'thread')}` : ' — thread coming';
    const mark = site.resolved ? '✅' : site.shares ? '•' : '◦';
    const cause = site.primaryCause && !site.shares ? ` (${style.escape(site.primaryCause)})` : '';
    const line = `${mark} ${style.escape(site.site)}${cause}${thread}`;
    const rest = `…and ${n - index} more`;
    if (used + line.length + rest.length + 2 > style.max) {
      lines.push(rest);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}
