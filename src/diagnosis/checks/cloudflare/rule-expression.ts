// Evaluates a Cloudflare Rules language expression (the filter of an Origin or Configuration Rule)
// against the one request the bot diagnoses: host, path, query, scheme. Three-valued: a field or
// function the bot cannot know for that request (the visitor's country, a header, a bot score…)
// makes the part that uses it `unknown`, and `and`/`or`/`not` combine it the way logic does, so
// `http.host eq "a" and ip.src.country eq "DE"` is false for host b, unknown for host a.
// Syntax: developers.cloudflare.com/ruleset-engine/rules-language/ (operators, fields, functions).

export type Truth = true | false | 'unknown';

export interface RequestFields {
  host: string;
  /** Path without the query, starting with `/`. */
  path: string;
  /** Query without the `?` ('' when none). */
  query: string;
  scheme: 'https' | 'http';
  zoneName?: string;
}

const UNKNOWN = Symbol('unknown');
type Value = string | number | boolean | typeof UNKNOWN | Value[];

type Token =
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
const COMPARE: Record<string, string> = {
  '==': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '~': 'matches',
};

/** Evaluates the expression; a syntax the bot does not understand is `unknown`, never an exception. */
export function evaluateExpression(expression: string, request: RequestFields): Truth {
  try {
    const parser = new Parser(tokenize(expression), request);
    const value = parser.expression();
    if (!parser.done()) return 'unknown';
    return truth(value);
  } catch {
    return 'unknown';
  }
}

function tokenize(text: string): Token[] {
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

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly request: RequestFields,
  ) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  expression(): Value {
    let left = this.xor();
    while (this.eat('or', '||')) left = or(left, this.xor());
    return left;
  }

  private xor(): Value {
    let left = this.and();
    while (this.eat('xor', '^^')) {
      const right = this.and();
      const a = truth(left);
      const b = truth(right);
      left = a === 'unknown' || b === 'unknown' ? UNKNOWN : a !== b;
    }
    return left;
  }

  private and(): Value {
    let left = this.not();
    while (this.eat('and', '&&')) left = and(left, this.not());
    return left;
  }

  private not(): Value {
    if (this.eat('not', '!')) {
      const value = truth(this.not());
      return value === 'unknown' ? UNKNOWN : !value;
    }
    return this.comparison();
  }

  private comparison(): Value {
    if (this.eat('(')) {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    const left = this.value();
    if (this.eat('in')) return this.inSet(left);
    const strict = this.eat('strict');
    const op = this.operator();
    if (op === undefined) {
      if (strict) throw new Error('strict without wildcard');
      return left;
    }
    return compare(strict ? 'strict wildcard' : op, left, this.value());
  }

  private operator(): string | undefined {
    const token = this.tokens[this.i];
    if (!token) return undefined;
    const name = token.t === 'sym' ? COMPARE[token.v] : token.t === 'id' ? token.v.toLowerCase() : undefined;
    if (!name || !['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'matches', 'wildcard'].includes(name))
      return undefined;
    this.i += 1;
    return name;
  }

  private inSet(left: Value): Value {
    if (this.eat('$')) {
      this.next(); // a named list: its contents are not in the API answer we read
      return UNKNOWN;
    }
    this.expect('{');
    let found: boolean | typeof UNKNOWN = false;
    while (!this.eat('}')) {
      const item = this.next();
      if (item.t !== 'str' && item.t !== 'num') throw new Error('bad set item');
      if (item.t === 'num' && this.eat('..')) {
        const high = this.next();
        if (high.t !== 'num') throw new Error('bad range');
        if (left === UNKNOWN) found = UNKNOWN;
        else if (typeof left === 'number' && left >= item.v && left <= high.v) found = true;
        continue;
      }
      if (left === UNKNOWN) found = found === true ? true : UNKNOWN;
      else if (left === item.v) found = true;
    }
    return found;
  }

  private value(): Value {
    const token = this.next();
    if (token.t === 'str' || token.t === 'num') return token.v;
    if (token.t !== 'id') throw new Error('expected a value');
    const name = token.v.toLowerCase();
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (this.eat('(')) {
      const args: Value[] = [];
      while (!this.eat(')')) {
        args.push(this.value());
        this.eat(',');
      }
      return call(name, args);
    }
    // `http.request.headers["x"][*]` and other indexed fields: the bot does not know them.
    let indexed = false;
    while (this.eat('[')) {
      indexed = true;
      while (!this.eat(']')) this.next();
    }
    return indexed ? UNKNOWN : this.field(name);
  }

  private field(name: string): Value {
    const r = this.request;
    const field = name.startsWith('raw.') ? name.slice(4) : name;
    const uri = r.query ? `${r.path}?${r.query}` : r.path;
    switch (field) {
      case 'http.host':
        return r.host;
      case 'http.request.uri.path':
        return r.path;
      case 'http.request.uri.query':
        return r.query;
      case 'http.request.uri':
        return uri;
      case 'http.request.full_uri':
        return `${r.scheme}://${r.host}${uri}`;
      case 'http.request.uri.path.extension': {
        const last = r.path.split('/').pop() ?? '';
        const dot = last.lastIndexOf('.');
        return dot > 0 ? last.slice(dot + 1).toLowerCase() : '';
      }
      case 'http.request.method':
        return 'GET';
      case 'ssl':
        return r.scheme === 'https';
      case 'cf.zone.name':
        return r.zoneName ?? UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private eat(...words: string[]): boolean {
    const token = this.tokens[this.i];
    if (!token) return false;
    const text = token.t === 'id' ? token.v.toLowerCase() : token.t === 'sym' ? token.v : undefined;
    if (text === undefined || !words.includes(text)) return false;
    this.i += 1;
    return true;
  }

  private expect(symbol: string): void {
    if (!this.eat(symbol)) throw new Error(`expected ${symbol}`);
  }

  private next(): Token {
    const token = this.tokens[this.i];
    if (!token) throw new Error('unexpected end');
    this.i += 1;
    return token;
  }
}

function call(name: string, args: Value[]): Value {
  if (args.some((a) => a === UNKNOWN)) return UNKNOWN;
  const [a, b] = args;
  switch (name) {
    case 'lower':
      return typeof a === 'string' ? a.toLowerCase() : UNKNOWN;
    case 'upper':
      return typeof a === 'string' ? a.toUpperCase() : UNKNOWN;
    case 'len':
      return typeof a === 'string' ? Buffer.byteLength(a) : UNKNOWN;
    case 'starts_with':
      return typeof a === 'string' && typeof b === 'string' ? a.startsWith(b) : UNKNOWN;
    case 'ends_with':
      return typeof a === 'string' && typeof b === 'string' ? a.endsWith(b) : UNKNOWN;
    case 'concat':
      return args.every((x) => typeof x === 'string') ? (args as string[]).join('') : UNKNOWN;
    case 'url_decode':
      try {
        return typeof a === 'string' ? decodeURIComponent(a.replace(/\+/g, ' ')) : UNKNOWN;
      } catch {
        return UNKNOWN;
      }
    default:
      return UNKNOWN;
  }
}

function compare(op: string, left: Value, right: Value): Value {
  if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'contains':
      return typeof left === 'string' && typeof right === 'string' && left.includes(right);
    case 'matches':
      return typeof left === 'string' && typeof right === 'string' && new RegExp(right).test(left);
    case 'wildcard':
    case 'strict wildcard':
      return (
        typeof left === 'string' && typeof right === 'string' && wildcard(left, right, op === 'wildcard')
      );
    default:
      return UNKNOWN;
  }
}

function wildcard(text: string, pattern: string, caseless: boolean): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, caseless ? 'is' : 's').test(text);
}

function truth(value: Value): Truth {
  if (value === UNKNOWN) return 'unknown';
  if (typeof value === 'boolean') return value;
  return 'unknown';
}

function and(a: Value, b: Value): Value {
  const x = truth(a);
  const y = truth(b);
  if (x === false || y === false) return false;
  if (x === 'unknown' || y === 'unknown') return UNKNOWN;
  return true;
}

function or(a: Value, b: Value): Value {
  const x = truth(a);
  const y = truth(b);
  if (x === true || y === true) return true;
  if (x === 'unknown' || y === 'unknown') return UNKNOWN;
  return false;
}
