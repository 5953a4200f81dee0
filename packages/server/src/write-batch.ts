/**
 * Coalesced writes for events that arrive together: the Redis engine's pub/sub connection hands over every message
 * of one read at once, and delivering them one by one would cost each subscriber one `write` syscall per event.
 * Inside {@link writeBatch}, the first direct write to a socket corks it ({@link joinWriteBatch}); when the batch
 * ends every corked socket is uncorked, so each subscriber gets the batch's events in one write, in order.
 *
 * Nothing waits: the batch is synchronous, and outside one a write goes out at once. Buffered bytes count as they
 * do uncorked (`writableLength`), so the slow-consumer limits (R15, R20) see them.
 */

/** The part of a `net.Socket` a batch uses. */
export interface Corkable {
  cork(): void
  uncork(): void
  readonly writableCorked: number
}

/** Sockets corked by the batch being delivered; `undefined` outside a batch. */
let corked: Corkable[] | undefined

/** Runs `deliver` as one write batch (a batch started inside another joins it). */
export function writeBatch(deliver: () => void): void {
  if (corked !== undefined) return deliver()
  const sockets: Corkable[] = []
  corked = sockets
  try {
    deliver()
  } finally {
    corked = undefined
    for (const socket of sockets) socket.uncork()
  }
}

/** Called before a direct write to `socket`: inside a batch, corks it until the batch ends (once per socket). */
export function joinWriteBatch(socket: Corkable): void {
  if (corked === undefined || socket.writableCorked > 0) return
  socket.cork()
  corked.push(socket)
}
