// A ChatSink decorator that counts every post and edit by platform, kind and outcome, so the
// Slack and Discord sinks need no metrics code. Errors are counted and rethrown unchanged.
import type { ChatSink } from '../chat/sink.js';
import type { Metrics } from './metrics.js';

export function countingSink(sink: ChatSink, metrics: Metrics): ChatSink {
  const platform = sink.platform;
  const counted = async <T>(kind: string, call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      metrics.chatPosts.inc({ platform, kind, outcome: 'ok' });
      return result;
    } catch (error) {
      metrics.chatPosts.inc({ platform, kind, outcome: 'error' });
      throw error;
    }
  };
  const wrapped: ChatSink = {
    platform,
    startThread: (reply, context) => counted('root', () => sink.startThread(reply, context)),
    postCheck: (thread, check, findings) => counted('check', () => sink.postCheck(thread, check, findings)),
    postSummary: (thread, report, context) =>
      counted('summary', () => sink.postSummary(thread, report, context)),
    updateRoot: (thread, report, context) => counted('edit', () => sink.updateRoot(thread, report, context)),
    postNote: (thread, text) => counted('note', () => sink.postNote(thread, text)),
  };
  if (sink.checkCredentials) wrapped.checkCredentials = () => sink.checkCredentials!();
  if (sink.threadLink) wrapped.threadLink = (thread) => sink.threadLink?.(thread);
  if (sink.postStorm)
    wrapped.postStorm = (channel, view, key) => counted('storm', () => sink.postStorm!(channel, view, key));
  if (sink.postFile) wrapped.postFile = (where, file) => counted('file', () => sink.postFile!(where, file));
  if (sink.updateStorm)
    wrapped.updateStorm = (message, view) => counted('storm-edit', () => sink.updateStorm!(message, view));
  if (sink.postFixResult) {
    wrapped.postFixResult = (thread, text, undoFixId) =>
      counted('fix', async () => sink.postFixResult?.(thread, text, undoFixId));
  }
  return wrapped;
}

/** A hook for sinks' outgoing queues: call it each time a post waits for a rate limit. */
export function rateLimitWaitRecorder(metrics: Metrics, platform: string): (waitMs: number) => void {
  return (waitMs) => {
    metrics.chatRateLimitWaits.inc({ platform });
    metrics.chatRateLimitWaitSeconds.inc({ platform }, Math.max(0, waitMs) / 1000);
  };
}

/** `countingSink` over every configured platform. */
export function countingSinks<S extends Partial<Record<string, ChatSink>>>(sinks: S, metrics: Metrics): S {
  const out: Partial<Record<string, ChatSink>> = {};
  for (const [platform, sink] of Object.entries(sinks)) if (sink) out[platform] = countingSink(sink, metrics);
  return out as S;
}
