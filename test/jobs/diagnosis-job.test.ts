// Job data validation: a Slack command's request is checked by hand (fast, on the ack path), every
// other shape by the schema; both must agree on what is valid and on what is queued.
import { describe, expect, it } from 'vitest';
import { InvalidJobDataError, validateJobData } from '../../src/jobs/diagnosis-job.js';

const command = {
  site: 'shop.example.com',
  input: 'https://shop.example.com/cart',
  requestedBy: 'U1',
  reply: { platform: 'slack', channel: 'C1', responseUrl: 'https://hooks.slack.com/commands/T1/2/x' },
};

/** What the schema alone says: a valid extra field (timeoutMs) sends the data past the hand check. */
function bySchema(raw: Record<string, unknown>): unknown {
  const { timeoutMs: _added, ...rest } = validateJobData({ ...raw, timeoutMs: 10_000 });
  return rest;
}

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (error) {
    return { refused: error instanceof InvalidJobDataError };
  }
}

const cases: Record<string, Record<string, unknown>> = {
  'a command': command,
  'a private one without response_url or user': {
    site: 'a.example.com',
    input: 'a.example.com',
    reply: { platform: 'slack', channel: 'D1', private: true },
  },
  'an empty site': { ...command, site: '' },
  'a site too long': { ...command, site: 'a'.repeat(2049) },
  'input too long': { ...command, input: 'a'.repeat(2049) },
  'a number for requestedBy': { ...command, requestedBy: 42 },
  'an empty channel': { ...command, reply: { ...command.reply, channel: '' } },
  'private: false': { ...command, reply: { ...command.reply, private: false } },
  'an unparseable response_url': { ...command, reply: { ...command.reply, responseUrl: 'not a url' } },
  'a response_url with spaces around': {
    ...command,
    reply: { ...command.reply, responseUrl: ' https://hooks.slack.com/commands/T1/2/x ' },
  },
  'a response_url too long': {
    ...command,
    reply: { ...command.reply, responseUrl: `https://hooks.slack.com/${'a'.repeat(2000)}` },
  },
  'an unknown field': { ...command, extra: 'dropped' },
  'an unknown reply field': { ...command, reply: { ...command.reply, extra: 'dropped' } },
  'a Discord reply': { ...command, reply: { platform: 'discord', channel: '123' } },
};

describe('validateJobData', () => {
  for (const [name, raw] of Object.entries(cases)) {
    it(`agrees with the schema on ${name}`, () => {
      expect(outcome(() => validateJobData(raw))).toEqual(outcome(() => bySchema(raw)));
    });
  }

  it('queues a command as given and refuses a broken one', () => {
    expect(validateJobData(command)).toEqual(command);
    expect(() => validateJobData({ ...command, reply: { platform: 'slack' } })).toThrow(InvalidJobDataError);
  });
});
