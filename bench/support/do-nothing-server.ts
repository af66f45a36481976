// The baseline servers of the latency ratios: node:http in a process of its own that reads each
// request's body and answers a fixed status and body, as the measured route would, doing nothing
// else. With `queueTo` (a Redis URL) it first makes the request durable with one BullMQ `Queue.add`
// and answers only then: the least any acknowledgement that must not lose what it accepted (#17)
// can do with BullMQ, i.e. the floor under the Slack ack. `startDoNothing` resolves with the
// process's pid, its port and a stop function.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export async function startDoNothing(
  status: number,
  body: string,
  options: { queueTo?: string } = {},
): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), String(status), body, options.queueTo ?? ''],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return {
    pid: child.pid!,
    port: Number(line),
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One BullMQ add per call, on a queue of its own (loaded only in the durable mode). */
async function durableAdd(redisUrl: string): Promise<(body: string) => Promise<void>> {
  const [{ Queue }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
  const queue = new Queue('floor', {
    connection: new Redis(redisUrl, { maxRetriesPerRequest: 1 }),
    prefix: `floor-${randomUUID().slice(0, 8)}`,
  });
  await queue.waitUntilReady();
  let n = 0;
  return async (body) => {
    await queue.add('request', { body }, { jobId: `r${n++}` });
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const status = Number(process.argv[2]);
  const answer = process.argv[3] ?? '';
  const add = process.argv[4] ? await durableAdd(process.argv[4]) : undefined;
  const respond = (response: import('node:http').ServerResponse) => {
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer),
    });
    response.end(answer);
  };
  const server = createServer((request, response) => {
    if (!add) {
      request.resume();
      request.on('end', () => respond(response));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      add(Buffer.concat(chunks).toString('utf8')).then(
        () => respond(response),
        () => {
          response.statusCode = 503;
          response.end();
        },
      );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as { port: number }).port}\n`);
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
