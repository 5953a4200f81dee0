/**
 * The page's online source. A page cannot cut its own network, so "Go offline" is simulated: this source (given
 * to the SDK as `platform.online`) reports offline while the switch is on, on top of the browser's own
 * `navigator.onLine` / `online` / `offline` (which `context.setOffline()` in Playwright drives for real).
 */
import type { OnlineSource } from '@switchline/client'

export interface SimulatedOnline extends OnlineSource {
  /** Turns the simulated outage on (`false`) or off (`true`). */
  setSimulatedOnline(online: boolean): void
  readonly simulatedOffline: boolean
}

export function createSimulatedOnline(): SimulatedOnline {
  let forcedOffline = false
  const listeners = new Set<(online: boolean) => void>()
  const isOnline = (): boolean => navigator.onLine && !forcedOffline
  const emit = (): void => {
    const online = isOnline()
    for (const listener of [...listeners]) listener(online)
  }
  addEventListener('online', emit)
  addEventListener('offline', emit)
  return {
    isOnline,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    setSimulatedOnline(online) {
      if (forcedOffline === !online) return
      forcedOffline = !online
      emit()
    },
    get simulatedOffline() {
      return forcedOffline
    },
  }
}
