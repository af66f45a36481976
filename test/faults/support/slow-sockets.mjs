// Child process for the slow-clients drill: opens SOCKETS connections to PORT from ADDRESSES
// loopback source addresses, half trickling header lines and half trickling a body, one write every
// 300 ms, and prints one JSON line when every socket has closed (or LIMIT_MS has passed):
// for each socket its kind and how long it lived, from connect to close. A process of its own, so
// the attacker's timers do not slow the server being measured.
import { connect } from 'node:net';

const port = Number(process.env.PORT);
const count = Number(process.env.SOCKETS ?? 1000);
const addresses = Number(process.env.ADDRESSES ?? 10);
const limitMs = Number(process.env.LIMIT_MS ?? 20000);
const sockets = [];
for (let i = 0; i < count; i++) {
  const kind = i % 2 === 0 ? 'headers' : 'body';
  const entry = { kind, connectedAt: 0, life: -1 };
  sockets.push(entry);
  const socket = connect({ host: '127.0.0.1', port, localAddress: `127.0.0.${10 + (i % addresses)}` });
  let trickle;
  socket.on('error', () => {});
  socket.on('connect', () => {
    entry.connectedAt = Date.now();
    socket.write(
      kind === 'headers'
        ? 'POST /slack/events HTTP/1.1\r\nhost: x\r\n'
        : 'POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n',
    );
    trickle = setInterval(() => {
      if (!socket.destroyed) socket.write(kind === 'headers' ? `x-slow-${Date.now()}: 1\r\n` : 'a');
    }, 300);
  });
  socket.on('close', () => {
    clearInterval(trickle);
    entry.life = entry.connectedAt === 0 ? 0 : Date.now() - entry.connectedAt;
    if (sockets.every((s) => s.life >= 0)) finish();
  });
  setTimeout(() => socket.destroy(), limitMs).unref();
}
process.stdout.write('opened\n');
let done = false;
function finish() {
  if (done) return;
  done = true;
  process.stdout.write(`${JSON.stringify(sockets.map((s) => [s.kind, s.life]))}\n`);
  process.exit(0);
}
