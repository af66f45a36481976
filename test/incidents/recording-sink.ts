// A ChatSink that records every call, at the boundary where Slack and Discord adapters plug in.
import type { ChatSink, Platform, ReplyTarget, RunContext, ThreadRef } from '../../src/chat/sink.js';
import type { Report } from '../../src/diagnosis/report.js';

export type SinkCall =
  | { op: 'startThread'; reply: ReplyTarget; context: RunContext; thread: ThreadRef }
  | { op: 'updateRoot'; thread: ThreadRef; report: Report | undefined; context: RunContext }
  | { op: 'postNote'; thread: ThreadRef; text: string };

export class RecordingSink implements ChatSink {
  readonly calls: SinkCall[] = [];
  private roots = 0;
  /** Makes the next n startThread calls fail (a chat API outage). */
  failNextStarts = 0;
  /** Makes the next n startThread calls post the root, report it through onRoot, then fail (as Discord's thread step can). */
  failNextThreadSteps = 0;
  /** Every root message actually posted, including those whose thread step failed. */
  readonly postedRoots: ThreadRef[] = [];
  /** Makes the next n startThread calls post the root and then lose the answer (a dropped connection). */
  loseNextAnswers = 0;
  /** How long posting a root takes. */
  postDelayMs = 0;
  /** Keys the roots were posted with (rootKey), as the platforms keep them (nonce, metadata). */
  private readonly keyed = new Map<string, { at: number; thread: ThreadRef }>();
  /** Look-backs asked for (lookBackSince set). */
  lookBacks = 0;

  constructor(readonly platform: Platform) {}

  async startThread(reply: ReplyTarget, context: RunContext): Promise<ThreadRef> {
    if (this.failNextStarts > 0) {
      this.failNextStarts--;
      throw new Error('chat API unavailable');
    }
    let thread = context.root;
    if (!thread && context.rootKey !== undefined && context.lookBackSince !== undefined) {
      this.lookBacks++;
      const earlier = this.keyed.get(context.rootKey);
      if (earlier && earlier.at >= context.lookBackSince - 60_000) {
        thread = earlier.thread;
        await context.onRoot?.(thread);
      }
    }
    if (!thread) {
      if (this.postDelayMs > 0) await new Promise((r) => setTimeout(r, this.postDelayMs));
      this.roots++;
      thread = { platform: this.platform, channel: reply.channel, root: `root-${this.roots}` };
      this.postedRoots.push(thread);
      if (context.rootKey !== undefined) this.keyed.set(context.rootKey, { at: Date.now(), thread });
      if (this.loseNextAnswers > 0) {
        this.loseNextAnswers--;
        throw new Error('socket hang up');
      }
      await context.onRoot?.(thread);
    }
    if (this.failNextThreadSteps > 0) {
      this.failNextThreadSteps--;
      throw new Error('thread could not be started');
    }
    const { onRoot: _, ...recorded } = context;
    this.calls.push({ op: 'startThread', reply, context: structuredClone(recorded), thread });
    return thread;
  }
  async postCheck(): Promise<void> {}
  async postSummary(): Promise<void> {}
  async updateRoot(thread: ThreadRef, report: Report | undefined, context: RunContext): Promise<void> {
    this.calls.push({ op: 'updateRoot', thread, report, context: structuredClone(context) });
  }
  async postNote(thread: ThreadRef, text: string): Promise<void> {
    this.calls.push({ op: 'postNote', thread, text });
  }
  threadLink(thread: ThreadRef): string {
    return `https://chat.example/${thread.channel}/${thread.root}`;
  }

  of<T extends SinkCall['op']>(op: T): Extract<SinkCall, { op: T }>[] {
    return this.calls.filter((c): c is Extract<SinkCall, { op: T }> => c.op === op);
  }
}
