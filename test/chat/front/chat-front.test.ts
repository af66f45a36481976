// The one chat front, with a fake requester: the five answers every platform shows, the job it
// asks for, and how typed text picks a command.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { discordMarkup } from '../../../src/chat/discord/discord-markup.js';
import { answerText } from '../../../src/chat/front/answer-text.js';
import { createChatFront } from '../../../src/chat/front/chat-front.js';
import type { CommandInput } from '../../../src/chat/front/command-input.js';
import { commandOf } from '../../../src/chat/front/commands.js';
import type {
  DiagnosisRequest,
  DiagnosisRequester,
  RequestOptions,
  RequestOutcome,
} from '../../../src/chat/front/diagnosis-request.js';
import { slackMarkup } from '../../../src/chat/slack/slack-markup.js';

const logger = pino({ level: 'silent' });

function requester(answer: (data: DiagnosisRequest) => Promise<RequestOutcome>) {
  const calls: { data: DiagnosisRequest; options?: RequestOptions }[] = [];
  const fake: DiagnosisRequester = {
    request: (data, options) => {
      calls.push(options ? { data, options } : { data });
      return answer(data);
    },
  };
  return { fake, calls };
}

const input = (text: string, extra: Partial<CommandInput> = {}): CommandInput => ({
  platform: 'slack',
  text,
  reply: { platform: 'slack', channel: 'C1' },
  user: 'U1',
  key: 'slack-T1-abc',
  ...extra,
});

describe('requestDiagnosis', () => {
  it('answers usage for empty text and help, and invalid for what is not a site, queueing nothing', async () => {
    const { fake, calls } = requester(async () => ({ outcome: 'queued', jobId: 'j' }));
    const front = createChatFront({ requester: fake, logger });
    expect(await front.requestDiagnosis(input('  '))).toEqual({ kind: 'usage' });
    expect(await front.requestDiagnosis(input('HELP'))).toEqual({ kind: 'usage' });
    const invalid = await front.requestDiagnosis(input('not a site!'));
    expect(invalid.kind).toBe('invalid');
    expect(calls).toHaveLength(0);
  });

  it('queues the parsed host with who asked, where to answer, and the platform key as job id', async () => {
    const { fake, calls } = requester(async () => ({ outcome: 'queued', jobId: 'j' }));
    const front = createChatFront({ requester: fake, logger });
    const answer = await front.requestDiagnosis(input('https://Shop.Example.com/cart'));
    expect(answer).toEqual({ kind: 'queued', site: 'shop.example.com' });
    expect(calls[0]).toEqual({
      data: {
        site: 'shop.example.com',
        input: 'https://Shop.Example.com/cart',
        requestedBy: 'U1',
        reply: { platform: 'slack', channel: 'C1' },
      },
      options: { jobId: 'slack-T1-abc' },
    });
  });

  it('links the thread already answering, and says "in this thread" for a re-run pressed there', async () => {
    const thread = { platform: 'discord' as const, channel: '10', root: '20', thread: '20' };
    const { fake } = requester(async () => ({ outcome: 'joined', jobId: 'j', thread }));
    const front = createChatFront({ requester: fake, logger });
    const discord = { platform: 'discord' as const, reply: { platform: 'discord' as const, channel: '10' } };
    const joined = await front.requestDiagnosis(input('shop.example.com', { ...discord, guildId: '5' }));
    expect(joined).toEqual({
      kind: 'joined',
      site: 'shop.example.com',
      here: false,
      link: 'https://discord.com/channels/5/20',
    });
    const here = await front.requestDiagnosis(input('shop.example.com', { ...discord, thread }));
    expect(answerText(here, discordMarkup)).toBe('A diagnosis is already running in this thread.');
  });

  it('answers unavailable when the queue fails or is slower than its bound', async () => {
    const failing = createChatFront({
      requester: requester(() => Promise.reject(new Error('redis is reconnecting'))).fake,
      logger,
    });
    expect(await failing.requestDiagnosis(input('shop.example.com'))).toEqual({
      kind: 'unavailable',
      site: 'shop.example.com',
    });
    const stuck = createChatFront({
      requester: requester(() => new Promise(() => {})).fake,
      logger,
      requestTimeoutMs: 50,
    });
    expect((await stuck.requestDiagnosis(input('shop.example.com'))).kind).toBe('unavailable');
  });
});

describe('answer words', () => {
  it('say the same thing on both platforms, each in its own markup', () => {
    const answer = { kind: 'joined' as const, site: 'a.example.com', here: false, link: 'https://x/y' };
    expect(answerText(answer, slackMarkup)).toBe(
      'A diagnosis of a.example.com is already running — see <https://x/y|its thread>.',
    );
    expect(answerText(answer, discordMarkup)).toBe(
      'A diagnosis of a.example.com is already running — see [its thread](https://x/y).',
    );
    expect(answerText({ kind: 'usage' }, discordMarkup)).toContain('`/check502 diagnose site:<site>`');
    expect(answerText({ kind: 'usage' }, slackMarkup)).toContain('`/check502 <site>`');
  });
});

describe('commandOf', () => {
  it('reads a bare site as diagnose and keeps what was typed', () => {
    expect(commandOf('  shop.example.com ')).toEqual({ name: 'diagnose', text: 'shop.example.com' });
    expect(commandOf('help')).toEqual({ name: 'diagnose', text: 'help' });
    expect(commandOf('')).toEqual({ name: 'diagnose', text: '' });
  });
});

describe('showDetails', () => {
  const report = {
    site: 'a.example.com',
    url: 'https://a.example.com/',
    verdict: 'failing' as const,
    primaryCause: null,
    findings: [
      {
        code: 'edge.error' as const,
        severity: 'error' as const,
        title: 'Edge 521',
        detail: '',
        evidence: { rayId: '8f01', viaCloudflare: true },
        remediation: [],
      },
    ],
    checks: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    cloudflareApiCalls: 0,
  };
  const front = (known: Record<string, typeof report>) =>
    createChatFront({
      requester: requester(async () => ({ outcome: 'queued', jobId: 'j' })).fake,
      reports: { report: async (jobId) => known[jobId] },
      logger,
    });

  it('answers the full evidence of a kept report, and "expired" for an unknown or malformed job id', async () => {
    const answer = await front({ 'job-1': report }).showDetails(input('job-1'));
    expect(answer).toEqual({ kind: 'details', report, audience: 'shared' }); // pressed in a channel not known to be private
    expect(answerText(answer, slackMarkup)).toContain('rayId: 8f01');
    expect(answerText(answer, slackMarkup)).toContain('viaCloudflare: true');
    expect(await front({}).showDetails(input('job-2'))).toEqual({ kind: 'expired' });
    expect(await front({ 'job-1': report }).showDetails(input('job-1:x'))).toEqual({ kind: 'expired' });
  });

  it('is reached by typed text too: `details <job>`', () => {
    expect(commandOf('details job-1')).toEqual({ name: 'details', text: 'job-1' });
  });
});
