import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import {
  installShutdown,
  type ShutdownHandle,
  type SignalSource,
} from '../../src/shutdown/install-shutdown.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  let exited: (code: number) => void = () => {};
  const firstExit = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const proc: SignalSource & { emit(signal: string): void } = {
    on: (signal, listener) => emitter.on(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
    emit: (signal) => emitter.emit(signal),
  };
  return { proc, exits, firstExit, listeners: (s: string) => emitter.listenerCount(s) };
}

function quietLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('installShutdown', () => {
  it('on SIGTERM closes every part in order, passing what is left of the budget, then exits 0', async () => {
    const { proc, firstExit } = fakeProcess();
    const calls: Array<[string, number]> = [];
    const handle = (name: string, ms = 0): ShutdownHandle => ({
      name,
      close: async (left) => {
        calls.push([name, left]);
        await new Promise((r) => setTimeout(r, ms));
      },
    });
    const { logger } = quietLogger();
    installShutdown({
      logger,
      handles: [handle('http'), handle('workers', 50), handle('redis')],
      timeoutMs: 10_000,
      process: proc,
    });
    proc.emit('SIGTERM');
    expect(await firstExit).toBe(0);
    expect(calls.map(([name]) => name)).toEqual(['http', 'workers', 'redis']);
    const [, first] = calls[0] ?? [];
    const [, last] = calls[2] ?? [];
    expect(first).toBeLessThanOrEqual(10_000);
    expect(last).toBeLessThan(first ?? 0);
  });

  it('abandons a part that never closes, still closes the rest, and exits 1', async () => {
    const { proc, firstExit } = fakeProcess();
    const closed: string[] = [];
    const { logger, lines } = quietLogger();
    installShutdown({
      logger,
      handles: [
        { name: 'workers', close: () => new Promise(() => {}) },
        { name: 'broken', close: () => Promise.reject(new Error('boom')) },
        { name: 'redis', close: async () => void closed.push('redis') },
      ],
      timeoutMs: 10,
      process: proc,
    });
    proc.emit('SIGINT');
    expect(await firstExit).toBe(1);
    expect(closed).toEqual(['redis']);
    const text = lines.join('');
    expect(text).toContain('did not close in time');
    expect(text).toContain('failed to close');
  });

  it('a second signal exits at once', async () => {
    const { proc, exits, firstExit } = fakeProcess();
    const { logger } = quietLogger();
    installShutdown({
      logger,
      handles: [{ name: 'stuck', close: () => new Promise(() => {}) }],
      timeoutMs: 60_000,
      process: proc,
    });
    proc.emit('SIGTERM');
    proc.emit('SIGTERM');
    expect(await firstExit).toBe(130);
    expect(exits).toEqual([130]);
  });

  it('runs once when asked directly and twice by signal, and uninstalls its listeners', async () => {
    const { proc, listeners } = fakeProcess();
    let closes = 0;
    const { logger } = quietLogger();
    const shutdown = installShutdown({
      logger,
      handles: [{ name: 'x', close: async () => void closes++ }],
      timeoutMs: 1000,
      process: proc,
    });
    expect(listeners('SIGTERM')).toBe(1);
    const [a, b] = await Promise.all([shutdown.shutdown('test'), shutdown.shutdown('again')]);
    expect([a, b, closes]).toEqual([0, 0, 1]);
    shutdown.uninstall();
    expect(listeners('SIGTERM') + listeners('SIGINT')).toBe(0);
  });
});
