/**
 * Writes a prebuilt WebSocket frame (event-wire.ts) straight to a `ws` socket's TCP socket: one `write` of one
 * buffer per subscriber, instead of `ws.send`, which frames the payload again for every socket and writes header and
 * payload as two buffers. The only module that touches `ws` internals (`_socket`, `_sender`, `_extensions`):
 *
 * - a socket qualifies once, when its connection starts ({@link canWriteFramesDirectly}): the internals have the expected
 *   shape and no extension (permessage-deflate) was negotiated, whose frames would have to be compressed;
 * - each write checks the sender is idle (nothing queued behind a compression or a blob read), so frames stay in
 *   order, and goes through `ws.send` otherwise — as it does for a socket that does not qualify.
 *
 * The bytes are those `ws.send(text)` writes; `ws.bufferedAmount` counts them as it counts its own (the socket's
 * buffer), so the slow-consumer limit (R20) sees them. `test/ws-frame-writer.test.ts` fails when `ws` changes shape.
 */
import type { WebSocket } from 'ws'
import { wsPayload } from './event-wire'
import { joinWriteBatch, type Corkable } from './write-batch'

/** The parts of a `ws` WebSocket the direct write uses (ws 8). */
interface WsInternals {
  _socket: Corkable & { write(chunk: Buffer): boolean }
  _sender: { _state: number; _queue: unknown[]; _firstFragment: boolean }
  _extensions: Record<string, unknown>
}

const TEXT = { binary: false } as const
/** ws's sender state when it is neither compressing nor reading a blob. */
const SENDER_IDLE = 0

/** Whether `ws` has the internals a direct write needs, and nothing negotiated that changes its frames. */
export function canWriteFramesDirectly(ws: WebSocket): boolean {
  const internals = ws as unknown as Partial<WsInternals>
  const sender = internals._sender
  return (
    typeof internals._socket?.write === 'function' &&
    typeof sender === 'object' &&
    sender !== null &&
    typeof sender._state === 'number' &&
    Array.isArray(sender._queue) &&
    typeof sender._firstFragment === 'boolean' &&
    typeof internals._extensions === 'object' &&
    internals._extensions !== null &&
    Object.keys(internals._extensions).length === 0
  )
}

/**
 * Writes one event frame: to the socket when `direct` (what {@link canWriteFramesDirectly} said when the connection
 * started) and the sender is idle, else with `ws.send` (the same bytes). The caller checks the socket is open.
 */
export function writeFrame(ws: WebSocket, frame: Buffer, direct: boolean): void {
  if (direct) {
    const { _socket: socket, _sender: sender } = ws as unknown as WsInternals
    if (sender._state === SENDER_IDLE && sender._queue.length === 0 && sender._firstFragment) {
      joinWriteBatch(socket)
      socket.write(frame)
      return
    }
  }
  ws.send(wsPayload(frame), TEXT)
}
