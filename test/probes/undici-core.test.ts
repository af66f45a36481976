// The probes load undici's pieces from its internal files to start faster (src/probes/undici-core.ts):
// an undici upgrade that moves or renames them must fail here, not in a user's diagnosis.
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { Agent, Client, errors, requestVia } from '../../src/probes/undici-core.js';

describe('undici-core', () => {
  it('hands out the very classes undici exports', () => {
    expect(Agent).toBe(undici.Agent);
    expect(Client).toBe(undici.Client);
    expect(errors.SocketError).toBe(undici.errors.SocketError);
    expect(errors.UndiciError).toBe(undici.errors.UndiciError);
  });

  it('requestVia is undici request on the given dispatcher', async () => {
    const calls: unknown[] = [];
    const dispatcher = new undici.MockAgent({ connections: 1 });
    dispatcher.disableNetConnect();
    dispatcher
      .get('http://origin.test')
      .intercept({ path: '/cart?x=1', method: 'GET' })
      .reply(200, (options) => {
        calls.push(options.path);
        return 'ok';
      });
    const answer = await requestVia(dispatcher, {
      origin: 'http://origin.test',
      path: '/cart?x=1',
      method: 'GET',
    });
    expect(answer.statusCode).toBe(200);
    expect(await answer.body.text()).toBe('ok');
    expect(calls).toEqual(['/cart?x=1']);
    await dispatcher.close();
  });
});
