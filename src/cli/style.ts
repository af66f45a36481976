// Colour only on a terminal and never with NO_COLOR (https://no-color.org).
import type { Env } from '../config.js';

export interface Style {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain: Style = { red: id, yellow: id, green: id, dim: id, bold: id };

export function styleFor(stream: { isTTY?: boolean }, env: Env): Style {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  if (!stream.isTTY || noColor || env['TERM'] === 'dumb') return plain;
  const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
  return {
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

function id(text: string): string {
  return text;
}
