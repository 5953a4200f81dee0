/**
 * Writes a prebuilt SSE event (event-wire.ts: one HTTP/1.1 chunk, `<hex size>\r\n<text>\r\n`) straight to the
 * socket of a chunked `node:http` response: one `write` of one shared buffer per subscriber, where `res.write`
 * would write size, CRLF, text and CRLF as four pieces and schedule an uncork for each stream. The only module that
 * reads `node:http` internals (`_headerSent`, `outputData`, the socket's `_httpMessage`):
 *
 * - a response qualifies when it is HTTP/1.1 chunked, its head is on the wire, it is the socket's current message
 *   and nothing of its own is still queued — then the socket holds everything written before, in order;
 * - anything else (HTTP/2, an HTTP/1.0 client, a response not yet flushed, ended or destroyed) gets `res.write` of
 *   the event text alone: the same bytes on the wire.
 *
 * `res.writableLength` counts the socket's buffer, so the slow-consumer budget (R15) sees direct writes too.
 * `test/sse-chunk-writer.test.ts` fails when `node:http` changes shape.
 */
import type { ServerResponse } from 'node:http'
import type { Http2ServerResponse } from 'node:http2'
import { sseBytes } from './event-wire'
import { joinWriteBatch, type Corkable } from './write-batch'

/** The parts of a `node:http` response the direct write reads (Node 20–24). */
interface ResponseInternals {
  chunkedEncoding?: boolean
  _headerSent?: boolean
  outputData?: unknown[]
  socket: (Corkable & { _httpMessage?: unknown; writable: boolean; write(chunk: Buffer): boolean }) | null
  writableEnded: boolean
  destroyed: boolean
}

/** Whether `res` can take a prebuilt chunk on its socket now. */
export function canWriteChunkDirectly(res: ServerResponse | Http2ServerResponse): boolean {
  const r = res as unknown as ResponseInternals
  const socket = r.socket
  return (
    r.chunkedEncoding === true &&
    r._headerSent === true &&
    r.outputData?.length === 0 &&
    socket !== null &&
    socket._httpMessage === res &&
    socket.writable &&
    !r.writableEnded &&
    !r.destroyed
  )
}

/** Writes one prebuilt SSE event chunk to `res`: directly when {@link canWriteChunkDirectly}, else `res.write`. */
export function writeSseChunk(res: ServerResponse | Http2ServerResponse, wire: Buffer): void {
  if (canWriteChunkDirectly(res)) {
    const { socket } = res as unknown as ResponseInternals & { socket: NonNullable<ResponseInternals['socket']> }
    joinWriteBatch(socket)
    socket.write(wire)
  } else (res as ServerResponse).write(sseBytes(wire))
}
