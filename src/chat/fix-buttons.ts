// The ids of the guarded-fix buttons, shared by the renderers that draw them and the adapters that
// read the clicks: Slack action ids (value = the offer or fix id) and Discord custom_ids
// (`check502:fix:<offer>`, `check502:fixok:<offer>`, `check502:undo:<fix>`, all under 100 chars).
export const SLACK_FIX_ACTION = 'check502_fix';
export const SLACK_UNDO_ACTION = 'check502_fix_undo';
export const SLACK_FIX_MODAL = 'check502_fix_confirm';

export type DiscordFixClick =
  | { kind: 'preview'; offerId: string }
  | { kind: 'confirm'; offerId: string }
  | { kind: 'undo'; fixId: string };

export const discordFixId = {
  preview: (offerId: string) => `check502:fix:${offerId}`,
  confirm: (offerId: string) => `check502:fixok:${offerId}`,
  undo: (fixId: string) => `check502:undo:${fixId}`,
};

export function parseDiscordFixId(customId: string): DiscordFixClick | undefined {
  const m = /^check502:(fix|fixok|undo):([A-Za-z0-9_-]{1,64})$/.exec(customId);
  if (!m) return undefined;
  const id = m[2] ?? '';
  if (m[1] === 'fix') return { kind: 'preview', offerId: id };
  if (m[1] === 'fixok') return { kind: 'confirm', offerId: id };
  return { kind: 'undo', fixId: id };
}
