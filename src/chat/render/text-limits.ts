// Platform-neutral text helpers for chat renderers: visible truncation and compact evidence.

/** Cuts `text` to at most `max` characters, saying so visibly when it does. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = ` … (${text.length - max} more characters cut)`;
  const keep = Math.max(0, max - note.length);
  return `${text.slice(0, keep)}${note}`.slice(0, max);
}

/** Evidence as short `key: value` lines, the way a reader would scan it. */
export function evidenceLines(evidence: Record<string, unknown>, maxValue = 300): string[] {
  return Object.entries(evidence)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => {
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      return `${key}: ${truncate(shown ?? String(value), maxValue)}`;
    });
}
