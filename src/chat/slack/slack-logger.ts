// Bolt's and web-api's Logger interface on top of pino, so their messages land in our JSON log.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

type SlackLogger = webApi.Logger;

export function slackLogger(logger: Logger): SlackLogger {
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  let level = 'info' as ReturnType<SlackLogger['getLevel']>;
  return {
    debug: (...msg) => logger.debug(text(msg)),
    info: (...msg) => logger.info(text(msg)),
    warn: (...msg) => logger.warn(text(msg)),
    error: (...msg) => logger.error(text(msg)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
