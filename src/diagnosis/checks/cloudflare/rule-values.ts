// Three-valued values of the Rules language (rule-expression.ts): UNKNOWN stands for what the bot
// cannot know about the request, and every function, comparison and connective passes it on.

export type Truth = true | false | 'unknown';

export const UNKNOWN = Symbol('unknown');
export type Value = string | number | boolean | typeof UNKNOWN | Value[];

export function call(name: string, args: Value[]): Value {
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

export function compare(op: string, left: Value, right: Value): Value {
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

export function truth(value: Value): Truth {
  if (value === UNKNOWN) return 'unknown';
  if (typeof value === 'boolean') return value;
  return 'unknown';
}

export function and(a: Value, b: Value): Value {
  const x = truth(a);
  const y = truth(b);
  if (x === false || y === false) return false;
  if (x === 'unknown' || y === 'unknown') return UNKNOWN;
  return true;
}

export function or(a: Value, b: Value): Value {
  const x = truth(a);
  const y = truth(b);
  if (x === true || y === true) return true;
  if (x === 'unknown' || y === 'unknown') return UNKNOWN;
  return false;
}
