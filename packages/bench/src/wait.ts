/** Waiting on real timers, for the Node-side benchmarks. */

/** Resolves after `ms` milliseconds. */
export function tick(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `pred` every 20 ms until it holds (`true`) or `ms` have passed (`false`). */
export async function waitUntil(pred: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms
  while (!pred()) {
    if (performance.now() > end) return false
    await tick(20)
  }
  return true
}
