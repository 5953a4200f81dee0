/**
 * Server timings the e2e tests rely on (client timings come with each page's URL query); global-setup.ts starts
 * every playground server with them. `retryMs`: browsers stream SSE over fetch (ADR 0008), which honours the
 * stream's `retry:` hint as the floor of the jitter range (`[hint, 2 × hint + backoff ceiling)`, decision 0009);
 * the default 1000 ms would dwarf the backoff caps the tests set, so the hint is kept below them.
 */
export const E2E_SERVER = { heartbeatMs: 500, retryMs: 100 } as const
