/** The application-level ping and pong of the plain `ws` test server (browser-safe: cases import these). */
export const APP_PING = '{"type":"ping"}'
export const APP_PONG = '{"type":"pong"}'
/** The client's own application-level ping (dead-stream case) and the server's answer. */
export const CLIENT_PING = 'ping'
export const CLIENT_PONG = 'pong'
