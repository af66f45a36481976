// How long the keep-alive check leaves its connection idle. Cloudflare reuses an idle origin
// connection for up to 900 s (its Proxy Idle Timeout), so any idle close we can observe is "early";
// the common short ones are Apache's and Node's 5 s and gunicorn's 2 s. Apache and Node announce
// theirs (`Keep-Alive: timeout=5`): wait just past it to see it happen. Otherwise watch a fixed
// window. Either way the wait stays inside the probe budget, leaving a second for a last request.
export const DEFAULT_IDLE_WATCH_MS = 6000;
const PAST_HINT_MS = 1000;
const LAST_REQUEST_MS = 1000;

export function idleWindow(headers: Record<string, string>, timeoutMs: number): number {
  const ceiling = Math.max(0, timeoutMs - LAST_REQUEST_MS);
  const hint = announcedTimeoutS(headers['keep-alive']);
  const hinted = hint !== undefined ? hint * 1000 + PAST_HINT_MS : undefined;
  if (hinted !== undefined && hinted <= Math.max(ceiling, DEFAULT_IDLE_WATCH_MS))
    return Math.min(hinted, ceiling);
  return Math.min(DEFAULT_IDLE_WATCH_MS, ceiling);
}

/** The `timeout=N` of a `Keep-Alive` header (Apache, Node), in seconds. */
export function announcedTimeoutS(header: string | undefined): number | undefined {
  const m = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i.exec(header ?? '');
  return m ? Number(m[1]) : undefined;
}
