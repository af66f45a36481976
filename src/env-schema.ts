// The small schema every environment variable is parsed with (src/config.ts reads them): each part
// names the variable and what was expected when a value is wrong, so the program stops with one line.

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function text(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

export function list(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (s.length > 100) throw new ConfigError(name, `entry "${s.slice(0, 20)}…" is too long`);
      return s;
    });
}

export function url(env: Env, name: string, protocols = ['http:', 'https:']): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(' or ')}), got "${raw.slice(0, 40)}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
  }
  return raw;
}

export function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `a whole number from ${min} to ${max}, got "${raw.slice(0, 20)}"`);
  }
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, values: readonly T[]): T | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (!(values as readonly string[]).includes(raw))
    throw new ConfigError(name, `one of ${values.join(', ')}`);
  return raw as T;
}

/** Variables that only make sense together: all set, or none. */
export function group(env: Env, names: readonly string[]): Record<string, string> | undefined {
  const values = new Map(names.map((n) => [n, text(env, n)] as const));
  if ([...values.values()].every((v) => v === undefined)) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of values) {
    if (value === undefined) {
      throw new ConfigError(name, `must be set together with ${names.filter((n) => n !== name).join(', ')}`);
    }
    out[name] = value;
  }
  return out;
}
