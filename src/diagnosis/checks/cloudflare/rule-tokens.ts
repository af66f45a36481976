// The Rules language's tokens (rule-expression.ts parses them): strings, numbers, names and symbols.
// Syntax: developers.cloudflare.com/ruleset-engine/rules-language/.

export type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'id'; v: string }
  | { t: 'sym'; v: string };

const SYMBOLS = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '^^',
  '..',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '<',
  '>',
  '~',
  '!',
  '$',
  '*',
];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const raw = /^r(#*)"/.exec(text.slice(i));
    if (raw) {
      const close = `"${raw[1]}`;
      const end = text.indexOf(close, i + raw[0].length);
      if (end === -1) throw new Error('unterminated raw string');
      tokens.push({ t: 'str', v: text.slice(i + raw[0].length, end) });
      i = end + close.length;
      continue;
    }
    if (c === '"') {
      let v = '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        v += text[i];
        i += 1;
      }
      if (i >= text.length) throw new Error('unterminated string');
      tokens.push({ t: 'str', v });
      i += 1;
      continue;
    }
    // IP addresses and CIDRs (`ip.src in {192.0.2.0/24}`) are values the bot never compares against.
    const address = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?|^[0-9a-f]*:[0-9a-f:]+(?:\/\d{1,3})?/i.exec(
      text.slice(i),
    );
    if (address) {
      tokens.push({ t: 'str', v: address[0] });
      i += address[0].length;
      continue;
    }
    const number = /^\d+(?![a-z_])/i.exec(text.slice(i));
    if (number) {
      tokens.push({ t: 'num', v: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const ident = /^[a-z_][a-z0-9_.]*/i.exec(text.slice(i));
    if (ident) {
      tokens.push({ t: 'id', v: ident[0].replace(/\.$/, '') });
      i += ident[0].length;
      continue;
    }
    const sym = SYMBOLS.find((s) => text.startsWith(s, i));
    if (!sym) throw new Error(`unexpected ${c}`);
    tokens.push({ t: 'sym', v: sym });
    i += sym.length;
  }
  return tokens;
}
