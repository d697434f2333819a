/** A task run again and again in the background; `stop()` waits for a run under way. */
export interface Poller { stop(): Promise<void> }

/**
 * Runs `task` every `ms` milliseconds, one run at a time (the next is timed from the end
 * of the last). A failed run is reported to `onError` and the next one goes ahead.
 */
export function startPoller(task: () => Promise<unknown>, ms: number, onError: (error: unknown) => void): Poller {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const tick = () => {
    running = task().catch(onError).finally(() => { if (!stopped) timer = setTimeout(tick, ms); });
  };
  timer = setTimeout(tick, ms);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
