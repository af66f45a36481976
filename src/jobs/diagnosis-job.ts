// What a diagnosis job carries, validated on both sides: producers refuse to queue bad data, and a
// worker that meets it anyway (old deployment, hand-edited Redis) fails it without retrying.
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { DiagnosisRequest } from '../chat/front/diagnosis-request.js';
import type { Platform, ThreadRef } from '../chat/sink.js';

const platform = z.enum(['slack', 'discord']);
const id = z.string().min(1).max(200);

const replyTarget = z.discriminatedUnion('platform', [
  z.object({
    platform: z.literal('slack'),
    channel: id,
    responseUrl: z.url().max(2000).optional(),
    private: z.literal(true).optional(),
  }),
  z.object({
    platform: z.literal('discord'),
    channel: id,
    interaction: z
      .object({ applicationId: id, token: z.string().min(1).max(1000), createdAt: z.number() })
      .optional(),
    private: z.literal(true).optional(),
  }),
]);

const threadRef = z.object({
  platform,
  channel: id,
  root: id,
  thread: id.optional(),
  guild: id.optional(),
  private: z.literal(true).optional(),
});

const schema = z.object({
  site: z.string().min(1).max(2048),
  /** What the user typed, for messages ("diagnosing <input>"). */
  input: z.string().max(2048),
  requestedBy: z.string().max(200).optional(),
  reply: replyTarget,
  /** Re-run into an existing thread instead of starting one. */
  thread: threadRef.optional(),
  run: z.number().int().min(1).max(10_000).optional(),
  incident: z.object({ id, firstSeen: z.iso.datetime({ offset: true }).optional() }).optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
  origin: z.string().max(253).optional(),
});

/** The chat front's request, as the queue carries it. */
export type DiagnosisJobData = DiagnosisRequest;

/** What a finished job returns (stored with it until trimmed). */
export interface DiagnosisJobResult {
  report: import('../diagnosis/report.js').Report;
  thread?: ThreadRef;
}

export type { Platform };

export class InvalidJobDataError extends Error {
  constructor(readonly issues: string) {
    super(`invalid diagnosis job data: ${issues}`);
    this.name = 'InvalidJobDataError';
  }
}

/** Producer side: throws `InvalidJobDataError` (a caller bug or hostile input). */
export function validateJobData(raw: unknown): DiagnosisJobData {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidJobDataError(z.prettifyError(parsed.error).slice(0, 500));
  return parsed.data as DiagnosisJobData;
}

/** Worker side: bad data can never succeed, so no retries. */
export function parseJobData(raw: unknown): DiagnosisJobData {
  try {
    return validateJobData(raw);
  } catch (error) {
    throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
  }
}
