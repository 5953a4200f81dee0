/**
 * Server timings the e2e tests rely on (client timings come with each page's URL query); global-setup.ts starts
 * every playground server with them. `retryMs`: browsers stream SSE over fetch (ADR 0008), which honours the
 * stream's `retry:` hint as the least reconnect delay; the default 1000 ms would sit above the backoff caps the
 * tests set, so the hint is kept below them.
 */
export const E2E_SERVER = { heartbeatMs: 500, retryMs: 100 } as const
