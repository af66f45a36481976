// `/check502 timeline <site>` behind the chat front: reads the site's latest incident timeline from
// Redis and posts it as a Markdown file in the incident's own thread on that platform (or in the
// channel the command came from when the incident has no thread there). The upload runs after the
// answer, so the platform's 3-second acknowledgement never waits for it; a failed upload is logged.
import type { Redis } from 'ioredis';
import type { TimelinePoster } from '../chat/front/chat-front.js';
import { audienceOf, forAudience, type ShowOriginAddresses } from '../present/origin-addresses.js';
import type { Logger, Sinks } from './incident-deps.js';
import { loadTimeline } from './load-timeline.js';

export function createTimelinePoster(deps: {
  redis: Redis;
  prefix: string;
  sinks: Sinks;
  logger: Logger;
  /** CHECK502_SHOW_ORIGIN_ADDRESSES (default `private`: hidden outside DMs and private channels). */
  showOriginAddresses?: ShowOriginAddresses;
}): TimelinePoster {
  return {
    async post(site, input, incidentId) {
      const sink = deps.sinks[input.platform];
      if (!sink?.postFile)
        return { ok: false, reason: 'this chat platform cannot receive files from check502' };
      const timeline = await loadTimeline(deps.redis, deps.prefix, site, incidentId);
      if (!timeline.ok) return timeline;
      const thread = timeline.threads[input.platform];
      // Who reads it decides whether origin addresses are shown: hidden in a shared channel.
      const audience = audienceOf(thread ?? input.reply, deps.showOriginAddresses);
      const where = thread ? { channel: thread.channel, thread } : { channel: input.reply.channel };
      const name = `timeline-${timeline.id.replace(/[^\w.-]+/g, '-')}.md`;
      void sink
        .postFile(where, {
          name,
          title: `Timeline of ${timeline.id} (${timeline.state})`,
          content: forAudience(timeline.markdown, audience),
        })
        .catch((error: unknown) =>
          deps.logger.warn({ err: error, incident: timeline.id }, 'could not post the timeline file'),
        );
      return { ok: true, incident: timeline.id, inThread: thread !== undefined };
    },
  };
}
