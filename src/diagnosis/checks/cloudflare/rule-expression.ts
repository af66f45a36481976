// Evaluates a Cloudflare Rules language expression (the filter of an Origin or Configuration Rule)
// against the one request the bot diagnoses: host, path, query, scheme. Three-valued: a field or
// function the bot cannot know for that request (the visitor's country, a header, a bot score…)
// makes the part that uses it `unknown`, and `and`/`or`/`not` combine it the way logic does, so
// `http.host eq "a" and ip.src.country eq "DE"` is false for host b, unknown for host a.
// Syntax: developers.cloudflare.com/ruleset-engine/rules-language/ (operators, fields, functions).

import { type Token, tokenize } from './rule-tokens.js';
import { and, call, compare, or, type Truth, truth, UNKNOWN, type Value } from './rule-values.js';

export type { Truth } from './rule-values.js';

export interface RequestFields {
  host: string;
  /** Path without the query, starting with `/`. */
  path: string;
  /** Query without the `?` ('' when none). */
  query: string;
  scheme: 'https' | 'http';
  zoneName?: string;
}

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
