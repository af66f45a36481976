import { describe, expect, it } from 'vitest';
import { deadline } from '../../src/diagnosis/deadline.js';

describe('deadline', () => {
  it('aborts when its time is up', async () => {
    const d = deadline(new AbortController().signal, 20);
    await new Promise((resolve) => d.signal.addEventListener('abort', resolve));
    expect((d.signal.reason as Error).name).toBe('TimeoutError');
  });

  it('aborts with the parent, carrying its reason', () => {
    const parent = new AbortController();
    const d = deadline(parent.signal, 60_000);
    parent.abort(new Error('check budget spent'));
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).message).toBe('check budget spent');
    d.done();
  });

  it('starts aborted under an aborted parent, and stays quiet once done', async () => {
    const parent = new AbortController();
    parent.abort();
    expect(deadline(parent.signal, 60_000).signal.aborted).toBe(true);
    const d = deadline(new AbortController().signal, 10);
    d.done();
    await new Promise((r) => setTimeout(r, 40));
    expect(d.signal.aborted).toBe(false);
  });
});
