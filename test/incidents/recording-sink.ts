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

  constructor(readonly platform: Platform) {}

  async startThread(reply: ReplyTarget, context: RunContext): Promise<ThreadRef> {
    if (this.failNextStarts > 0) {
      this.failNextStarts--;
      throw new Error('chat API unavailable');
    }
    this.roots++;
    const thread: ThreadRef = { platform: this.platform, channel: reply.channel, root: `root-${this.roots}` };
    this.calls.push({ op: 'startThread', reply, context: structuredClone(context), thread });
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
