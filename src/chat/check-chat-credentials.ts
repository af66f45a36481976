// At start, each chat sink asks its platform whose token it holds, so a wrong or revoked token shows
// in the log when the worker starts rather than in the middle of the first incident. The call also
// warms each platform's HTTP client, whose first request costs real CPU (its HTTP parser is compiled
// then), at start rather than when an alert storm begins. Bounded and never fatal: a platform that is
// down now may be up by the time the first message goes out.

import type { Logger } from '../log/logger.js';
import { withTimeout } from '../time/with-timeout.js';
import type { ChatSink, Platform } from './sink.js';

const TOKEN_VARIABLE: Record<Platform, string> = { slack: 'SLACK_BOT_TOKEN', discord: 'DISCORD_BOT_TOKEN' };
const NAME: Record<Platform, string> = { slack: 'Slack', discord: 'Discord' };

export async function checkChatCredentials(
  sinks: Partial<Record<Platform, ChatSink>>,
  logger: Logger,
  deadlineMs = 3000,
): Promise<void> {
  const checks = (Object.keys(sinks) as Platform[]).map(async (platform) => {
    const sink = sinks[platform];
    if (!sink?.checkCredentials) return;
    // checkCredentials never throws, so a rejection here is the deadline.
    const answer = await withTimeout(sink.checkCredentials(), deadlineMs, 'token check').catch(
      () => undefined,
    );
    const name = NAME[platform];
    if (answer === undefined) {
      logger.warn(
        { platform, deadlineMs },
        `${name} did not answer the bot token check within ${deadlineMs} ms; messages will be tried as they go out`,
      );
    } else if (answer.ok) {
      const { id, name: bot, workspace } = answer.identity;
      logger.info(
        { platform, bot, botId: id, ...(workspace === undefined ? {} : { workspace }) },
        `${name}: posting as ${bot}`,
      );
    } else if (answer.refused) {
      logger.error(
        { platform, reason: answer.reason },
        `${name} refused ${TOKEN_VARIABLE[platform]} (${answer.reason}): nothing can be posted to ${name} until it is replaced`,
      );
    } else {
      logger.warn(
        { platform, reason: answer.reason },
        `could not check ${TOKEN_VARIABLE[platform]} with ${name} (${answer.reason}); messages will be tried as they go out`,
      );
    }
  });
  await Promise.all(checks);
}
