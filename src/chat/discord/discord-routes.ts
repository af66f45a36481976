// POST /discord/interactions: verify Ed25519, answer PING, and turn `/check502 site:<site>` and
// Re-run clicks into diagnosis jobs. Discord wants an answer within 3 s, so the job is queued with
// a bounded wait and the work itself happens in the workers; nothing is queued before the
// signature is checked.
import type { KeyObject } from 'node:crypto';
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { parseSite } from '../../diagnosis/target.js';
import { type HttpRequest, type HttpResponse, json, type Route } from '../../http/route.js';
import type { DiagnosisJobData } from '../../jobs/diagnosis-job.js';
import type { RequestOptions, RequestOutcome } from '../../jobs/diagnosis-producer.js';
import type { Logger } from '../../log/logger.js';
import type { ThreadRef } from '../sink.js';
import { COMMAND_NAME, type ParsedInteraction, parseInteraction } from './parse-interaction.js';
import { escapeText } from './render/text.js';
import { discordPublicKey, singleHeader, verifyDiscordSignature } from './verify-signature.js';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';

export interface DiagnosisRequester {
  request(data: DiagnosisJobData, options?: RequestOptions): Promise<RequestOutcome>;
}

export interface DiscordRoutesDeps {
  /** `DISCORD_PUBLIC_KEY`: the application's Ed25519 key, 64 hex characters. */
  publicKey: string;
  jobs: DiagnosisRequester;
  logger?: Logger;
  now?: () => number;
  /** Bound on queueing before we answer anyway (the producer has its own, shorter one). */
  enqueueTimeoutMs?: number;
}

export const USAGE =
  'Usage: `/check502 site:<site>`, where `<site>` is a hostname such as `shop.example.com` or a URL ' +
  'such as `https://shop.example.com/cart`. I check Cloudflare, DNS, the edge and the origin, and ' +
  'answer in a thread with the cause and what to do.';

type Command = Extract<ParsedInteraction, { kind: 'command' }>;
type Rerun = Extract<ParsedInteraction, { kind: 'rerun' }>;

export function discordRoutes(deps: DiscordRoutesDeps): Route[] {
  const key: KeyObject = discordPublicKey(deps.publicKey);
  const now = deps.now ?? Date.now;
  const enqueueTimeoutMs = deps.enqueueTimeoutMs ?? 2500;
  const log = deps.logger;

  async function handle(request: HttpRequest): Promise<HttpResponse> {
    const signature = verifyDiscordSignature(
      key,
      singleHeader(request.headers['x-signature-ed25519']),
      singleHeader(request.headers['x-signature-timestamp']),
      request.body,
      now(),
    );
    if (!signature.ok) {
      log?.debug({ reason: signature.reason, remote: request.remoteAddress }, 'discord interaction rejected');
      return json(401, { error: 'invalid request signature' });
    }
    const interaction = parseInteraction(request.body);
    switch (interaction.kind) {
      case 'ping':
        return json(200, { type: InteractionResponseType.Pong });
      case 'invalid':
        log?.info({ reason: interaction.reason }, 'discord interaction malformed');
        return json(400, { error: `malformed interaction: ${interaction.reason}` });
      case 'component':
        return ephemeral('This button is not one check502 knows (it may come from an older version).');
      case 'command':
        return command(interaction);
      case 'rerun':
        return rerun(interaction);
    }
  }

  async function command(interaction: Command): Promise<HttpResponse> {
    if (interaction.name !== COMMAND_NAME) return ephemeral(`Unknown command. ${USAGE}`);
    const input = interaction.site?.trim() ?? '';
    if (input === '' || input.toLowerCase() === 'help') return ephemeral(USAGE);
    const parsed = parseSite(input);
    if (!parsed.ok) return ephemeral(`I can't check that: ${escapeText(parsed.reason)}.\n${USAGE}`);
    const data: DiagnosisJobData = {
      site: parsed.target.host,
      input,
      reply: {
        platform: 'discord',
        channel: interaction.channelId,
        interaction: { applicationId: interaction.applicationId, token: interaction.token, createdAt: now() },
      },
    };
    if (interaction.userId !== undefined) data.requestedBy = interaction.userId;
    return enqueue(data, interaction, { type: InteractionResponseType.DeferredChannelMessageWithSource });
  }

  async function rerun(interaction: Rerun): Promise<HttpResponse> {
    const input = interaction.site ?? interaction.embedUrl ?? '';
    const parsed = parseSite(input);
    if (!parsed.ok) return ephemeral('I could not tell which site to re-run; use `/check502 site:<site>`.');
    const data: DiagnosisJobData = {
      site: parsed.target.host,
      // The embed keeps the URL's path; the button only the host.
      input:
        interaction.embedUrl !== undefined && hostOf(interaction.embedUrl) === parsed.target.host
          ? interaction.embedUrl
          : input,
      reply: { platform: 'discord', channel: interaction.parentId ?? interaction.channelId },
    };
    if (interaction.inThread) {
      // A thread started from a message has that message's id: the root is the thread's id.
      const thread: ThreadRef = {
        platform: 'discord',
        channel: interaction.parentId ?? interaction.channelId,
        root: interaction.channelId,
        thread: interaction.channelId,
      };
      data.thread = thread;
    }
    if (interaction.run !== undefined) data.run = interaction.run;
    if (interaction.userId !== undefined) data.requestedBy = interaction.userId;
    return enqueue(data, interaction, { type: InteractionResponseType.DeferredMessageUpdate });
  }

  async function enqueue(
    data: DiagnosisJobData,
    interaction: Command | Rerun,
    accepted: { type: InteractionResponseType },
  ): Promise<HttpResponse> {
    const context = {
      site: data.site,
      guild: interaction.guildId,
      channel: interaction.channelId,
      kind: interaction.kind,
    };
    let outcome: RequestOutcome;
    try {
      // The interaction id is unique per click or command: a replayed delivery cannot queue twice.
      outcome = await bounded(
        deps.jobs.request(data, { jobId: `discord-${interaction.id}` }),
        enqueueTimeoutMs,
      );
    } catch (error) {
      log?.warn({ ...context, err: error }, 'discord request could not be queued');
      return ephemeral(
        `I can't queue a diagnosis of **${escapeText(data.site)}** right now (the job queue is unavailable). ` +
          'Please try again in a minute.',
      );
    }
    log?.info({ ...context, jobId: outcome.jobId, outcome: outcome.outcome }, 'discord diagnosis requested');
    if (outcome.outcome === 'joined') {
      const where = outcome.thread ? ` in ${threadLink(outcome.thread, interaction.guildId)}` : '';
      return ephemeral(`A diagnosis of **${escapeText(data.site)}** is already running; follow it${where}.`);
    }
    return json(200, accepted);
  }

  return [{ method: 'POST', path: DISCORD_INTERACTIONS_PATH, maxBodyBytes: 256 * 1024, handle }];
}

export function threadLink(thread: ThreadRef, guildId: string | undefined): string {
  const id = thread.thread ?? thread.channel;
  return guildId === undefined ? `<#${id}>` : `https://discord.com/channels/${guildId}/${id}`;
}

function ephemeral(content: string): HttpResponse {
  return json(200, {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { content: content.slice(0, 2000), flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
  });
}

function hostOf(url: string): string | undefined {
  const parsed = parseSite(url);
  return parsed.ok ? parsed.target.host : undefined;
}

async function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queueing took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
