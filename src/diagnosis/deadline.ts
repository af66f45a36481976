// A child signal that aborts when its parent does or when `ms` have passed. Built from a plain
// AbortController and a timer on purpose: on Node 20 a signal from AbortSignal.any() is only weakly
// held by its sources and can be garbage-collected mid-probe, so its timeout silently never fires
// (seen as a check overrunning its budget on a busy machine). Call `done()` to release the timer.
export interface Deadline {
  signal: AbortSignal;
  done(): void;
}

export function deadline(parent: AbortSignal, ms: number): Deadline {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent.reason);
  const timer = setTimeout(
    () => controller.abort(new DOMException(`deadline of ${ms} ms passed`, 'TimeoutError')),
    Math.max(0, ms),
  );
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
