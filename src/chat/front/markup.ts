// The few inline styles the front's answers use, so each answer is written once and each platform
// supplies its own syntax (Slack mrkdwn, Discord markdown).
export interface Markup {
  /** Escapes text from outside (what the user typed, a site name). */
  text(value: string): string;
  bold(value: string): string;
  code(value: string): string;
  /** A code block whose content cannot close it early. */
  block(value: string): string;
  /** A link with a label; a platform mention (Discord `<#id>`) stands on its own. */
  link(url: string, label: string): string;
  /** How the user writes a command on this platform, e.g. `/check502 <site>` or `/check502 site:<site>`. */
  command(args: readonly string[]): string;
}
