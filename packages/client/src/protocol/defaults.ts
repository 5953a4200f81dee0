/**
 * The protocol defaults the client itself relies on, one constant each, so that a client bundle takes these
 * three numbers and not the whole `PROTOCOL_DEFAULTS` table (which is built from them, in constants.ts).
 */
/** `PROTOCOL_DEFAULTS.heartbeatMs`: the server's heartbeat interval unless `sl-ready` says otherwise (R13). */
export const DEFAULT_HEARTBEAT_MS = 15_000
/** `PROTOCOL_DEFAULTS.maxFrameBytes`: the largest frame/body a server accepts unless `welcome` says otherwise. */
export const DEFAULT_MAX_FRAME_BYTES = 65_536
/** `PROTOCOL_DEFAULTS.maxChannelsPerStream`: the most channels one SSE stream carries (R10). */
export const MAX_CHANNELS_PER_STREAM = 64
