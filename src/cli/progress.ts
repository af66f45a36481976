// A live progress line on stderr while checks run: terminals only, so pipes and CI logs stay clean.
import type { Env } from '../config.js';

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  checkDone(name: string): void;
  clear(): void;
}

const FRAMES = ['|', '/', '-', '\\'];

export function createProgress(stream: Stream, env: Env): Progress | undefined {
  if (!stream.isTTY || env['CI']) return undefined;
  const done: string[] = [];
  let frame = 0;
  let active = true;
  const draw = () => {
    const text = done.length === 0 ? 'checking…' : `checking… done: ${done.join(', ')}`;
    stream.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
  };
  const timer = setInterval(draw, 120);
  timer.unref();
  draw();
  return {
    checkDone(name) {
      done.push(name);
      if (active) draw();
    },
    clear() {
      if (!active) return;
      active = false;
      clearInterval(timer);
      stream.write('\r\u001b[2K');
    },
  };
}
