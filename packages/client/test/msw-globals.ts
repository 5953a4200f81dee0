/**
 * Node 20 globals msw needs (docs: TOOLCHAIN.md): `sse()` handlers need a global EventSource (from the
 * `eventsource` package), and `ws.link()` only intercepts a global WebSocket (from `ws`). Import this module
 * first; handlers must be created after it ran (inside tests, or after a dynamic import).
 */
import { EventSource } from 'eventsource'
import { WebSocket } from 'ws'

const g = globalThis as { EventSource?: unknown; WebSocket?: unknown }
g.EventSource ??= EventSource
g.WebSocket ??= WebSocket
