// The batcher holds deliveries that arrive while a script call is out and sends them together after
// it. A call that fails must fail only its own deliveries: those waiting behind it still go, and each
// caller gets its own results in order.
import { expect, it } from 'vitest';
import { createIngestBatcher } from '../../src/incidents/ingest-batcher.js';

interface Call {
  items: string[];
  settle(error?: Error): void;
}

function recordingRun() {
  const calls: Call[] = [];
  const run = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        items,
        settle: (error) => (error ? reject(error) : resolve(items.map((item) => `${item}:recorded`))),
      });
    });
  return { calls, run };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

it('sends what arrives during a call together after it, and a failed call fails only its own', async () => {
  const { calls, run } = recordingRun();
  const record = createIngestBatcher({ run, maxItems: 500 });
  const first = record(['a']);
  await turn();
  expect(calls.map((c) => c.items)).toEqual([['a']]);
  const second = record(['b', 'c']);
  const third = record(['d']);
  await turn();
  expect(calls).toHaveLength(1); // still out: the others wait for it
  calls[0]!.settle(new Error('Redis went away'));
  await expect(first).rejects.toThrow('Redis went away');
  await turn();
  expect(calls.map((c) => c.items)).toEqual([['a'], ['b', 'c', 'd']]);
  calls[1]!.settle();
  expect(await second).toEqual(['b:recorded', 'c:recorded']);
  expect(await third).toEqual(['d:recorded']);
});

it('sends at once when nothing is out', async () => {
  const { calls, run } = recordingRun();
  const record = createIngestBatcher({ run, maxItems: 500 });
  const first = record(['a']);
  await turn();
  calls[0]!.settle();
  expect(await first).toEqual(['a:recorded']);
  const second = record(['b']);
  await turn();
  expect(calls.map((c) => c.items)).toEqual([['a'], ['b']]);
  calls[1]!.settle();
  expect(await second).toEqual(['b:recorded']);
});
