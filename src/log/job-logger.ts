// Child loggers for lines about one diagnosis job: every line carries the job id, the site, the
// platform and the thread, so one grep (or one log query) follows a request end to end.
import type { Logger } from 'pino';

export interface JobLogContext {
  jobId: string | undefined;
  site: string;
  platform?: string;
  /** A thread reference (Slack channel + ts, Discord channel + message) or a preformatted string. */
  thread?: string | { channel: string; root: string; thread?: string };
}

export function jobLogger(logger: Logger, context: JobLogContext): Logger {
  const bindings: Record<string, string> = { jobId: context.jobId ?? 'unknown', site: context.site };
  if (context.platform !== undefined) bindings['platform'] = context.platform;
  if (context.thread !== undefined) bindings['thread'] = formatThread(context.thread);
  return logger.child(bindings);
}

export function formatThread(thread: NonNullable<JobLogContext['thread']>): string {
  if (typeof thread === 'string') return thread;
  return [thread.channel, thread.root, thread.thread].filter((p) => p !== undefined).join('/');
}
