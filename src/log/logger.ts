// The process logger: pino, one JSON object per line. Redaction happens in three layers so a
// secret cannot slip through one that a future log call bypasses:
//  1. every logged object (and child bindings) is walked: sensitive keys are masked at any depth,
//     errors are serialised with their message and stack scrubbed;
//  2. string arguments (the message and interpolation values) go through redactText;
//  3. the finished line is scrubbed once more for the configured secret values before it is written.
import pino, { type DestinationStream, type Logger } from 'pino';
import { type SecretBearingConfig, secretValues } from '../secrets/secret-values.js';
import { redactText } from './redact-text.js';
import { scrub } from './scrub.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Where lines go (tests pass a buffer); defaults to stdout. */
  destination?: DestinationStream;
  /** Configured secret values (tokens, signing secrets) to mask wherever they appear. */
  secrets?: readonly (string | undefined)[];
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 6);
  const target = options.destination ?? pino.destination({ dest: 1, sync: false });
  const destination: DestinationStream =
    secrets.length === 0 ? target : { write: (line: string) => target.write(redactText(line, secrets)) };
  return pino(
    {
      level: options.level,
      ...(options.name === undefined ? {} : { name: options.name }),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors are already serialised (and scrubbed) by the log formatter below.
      serializers: { err: (value: unknown) => value },
      formatters: {
        // Level names ("info") read better than numbers in JSON tooling and grep.
        level: (label) => ({ level: label }),
        bindings: (bindings) => scrub(bindings, secrets) as Record<string, unknown>,
        log: (object) => scrub(object, secrets) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? redactText(arg, secrets) : arg));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** Secret values from the configuration, for `createLogger({ secrets })`. */
export function configSecrets(config: SecretBearingConfig): string[] {
  return secretValues(config);
}
