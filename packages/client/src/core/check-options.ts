/**
 * Checks the options of `subscribe()`, `createClient()` and `client.subscribe()` when they are called, so a typo
 * (`transport: 'SSE'`, `stallTimeoutMs: '10s'`, `reconnect.maxAttempts: -3`) fails at once with an
 * `invalid_options` error that names the option and the value, instead of passing silently. Pure: one table per
 * form, one walker. An option left out (or `undefined`) is not checked: its default applies.
 *
 * The module-level calls are marked `@__PURE__` so a bundle keeps only the tables it uses (`createClient` alone
 * drops raw `subscribe()`'s table, and the reverse; `pnpm size`: createClient −295 B gzip).
 */
import { invalidOptions } from './errors'

/** A test, what it expects (for the message), and whether the option is required. */
type Rule = readonly [test: (value: unknown, path: string) => boolean, expected: string, required?: true]
/** Rules by option name. */
type Shape = Readonly<Record<string, Rule>>

/** The function named in messages (`'subscribe()'` …), set for the duration of one synchronous check. */
let where = ''

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null
const rule = (test: (value: unknown) => boolean, expected: string): Rule => [test, expected]
const either = (a: Rule, b: Rule): Rule => [
  (value, path) => a[0](value, path) || b[0](value, path),
  `${a[1]} or ${b[1]}`,
]
const required = (r: Rule): Rule => [r[0], r[1], true]
const oneOf = (...values: string[]): Rule =>
  rule((value) => values.includes(value as string), `one of ${values.map((v) => `'${v}'`).join(', ')}`)

const fn = /* @__PURE__ */ rule((value) => typeof value === 'function', 'a function')
const bool = /* @__PURE__ */ rule((value) => typeof value === 'boolean', 'a boolean')
const str = /* @__PURE__ */ rule((value) => typeof value === 'string', 'a string')
const obj = /* @__PURE__ */ rule(isObject, 'an object')
/** A duration or size: a number ≥ 0 (`Infinity` allowed: never). */
const ms = /* @__PURE__ */ rule((value) => typeof value === 'number' && value >= 0, 'a number ≥ 0')
const positive = /* @__PURE__ */ rule((value) => typeof value === 'number' && value > 0, 'a number > 0')
/** A count: an integer ≥ 1, or `Infinity`. */
const count = /* @__PURE__ */ rule(
  (value) => value === Infinity || (Number.isSafeInteger(value) && (value as number) >= 1),
  'an integer ≥ 1 or Infinity',
)
/** A size in bytes that must allow something: a positive integer. */
const bytes = /* @__PURE__ */ rule(
  (value) => Number.isSafeInteger(value) && (value as number) > 0,
  'a positive integer',
)
const strings = /* @__PURE__ */ rule(
  (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
  'an array of strings',
)
const no = /* @__PURE__ */ rule((value) => value === false, 'false')

/** A nested options object, checked with its own shape (its options are named `parent.child`). */
const nested = (shape: Shape): Rule => [
  (value, path) => isObject(value) && (walk(value, shape, `${path}.`), true),
  'an object',
]

const describe = (value: unknown): string =>
  typeof value === 'string'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'function'
        ? 'a function'
        : isObject(value)
          ? 'an object'
          : String(value)

function walk(options: Record<string, unknown>, shape: Shape, prefix: string): void {
  for (const key in shape) {
    const [test, expected, isRequired] = shape[key] as Rule
    const value = options[key]
    const path = prefix + key
    if (value === undefined ? isRequired : !test(value, path)) {
      throw invalidOptions(`${where}: \`${path}\` must be ${expected}, got ${describe(value)}`)
    }
  }
}

/**
 * Checks `options` against `shape` (an object is required; each option is checked when it is not `undefined`).
 * @throws SwitchlineError `invalid_options` (fatal) naming the first bad option and its value, e.g.
 * "subscribe(): `connectTimeoutMs` must be a number ≥ 0, got -5".
 * @example
 * checkOptions('subscribe()', options, SUBSCRIBE_OPTIONS)
 */
export function checkOptions(name: string, options: unknown, shape: Shape): void {
  where = name
  if (!isObject(options)) throw invalidOptions(`${name}: options must be an object, got ${describe(options)}`)
  walk(options, shape, '')
}

const transport = /* @__PURE__ */ oneOf('auto', 'sse', 'websocket')
const headers = /* @__PURE__ */ either(obj, fn)
const transports = /* @__PURE__ */ rule(
  (value) =>
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((t) => isObject(t) && (t.kind === 'sse' || t.kind === 'websocket') && typeof t.create === 'function'),
  'a non-empty array of sseTransport / webSocketTransport',
)

/** `reconnect`: `false`, or its options. */
const reconnect = /* @__PURE__ */ either(
  no,
  /* @__PURE__ */ nested({ backoff: fn, maxAttempts: count, resetAfterMs: ms, pauseWhenHidden: bool }),
)

const platform = /* @__PURE__ */ nested({
  fetch: fn,
  WebSocket: fn,
  EventSource: fn,
  timers: obj,
  random: fn,
  online: obj,
  visibility: obj,
  pageOrigin: str,
})

const sendQueue = /* @__PURE__ */ nested({ maxCount: count, maxBytes: ms })

/** What both forms of subscribe take (`BaseSubscriptionOptions`, without `reconnect` and `platform`). */
const SUBSCRIPTION = {
  onEvent: fn,
  onState: fn,
  onGap: fn,
  onError: fn,
  onTransport: fn,
  signal: /* @__PURE__ */ rule(
    (value) => isObject(value) && typeof value.aborted === 'boolean' && typeof value.addEventListener === 'function',
    'an AbortSignal',
  ),
  lastEventId: str,
  schema: /* @__PURE__ */ rule((value) => isObject(value) && isObject(value['~standard']), 'a Standard Schema'),
  buffer: /* @__PURE__ */ nested({
    maxSize: count,
    overflow: /* @__PURE__ */ oneOf('error', 'drop-oldest', 'drop-newest'),
  }),
} satisfies Shape

// Object.assign, not a spread, in the tables built from others: a call marked pure can go, so a bundle keeps only
// the tables its entry checks (a spread may run getters, so a bundler keeps it).

/** Options of raw `subscribe()` whichever transport carries it. */
const RAW: Shape = /* @__PURE__ */ Object.assign({}, SUBSCRIPTION, {
  reconnect,
  platform,
  format: /* @__PURE__ */ either(/* @__PURE__ */ oneOf('json', 'text'), fn),
  connectTimeoutMs: ms,
})

/** Options of raw SSE (`subscribe()` of `@switchline/client/sse`, and of the auto entry). */
export const SSE_SUBSCRIBE_OPTIONS: Shape = /* @__PURE__ */ Object.assign({}, RAW, {
  done: /* @__PURE__ */ either(str, fn),
  method: /* @__PURE__ */ rule(
    (value) => typeof value === 'string' && /^[A-Za-z]+$/.test(value),
    'an HTTP method name',
  ),
  body: /* @__PURE__ */ either(str, obj),
  headers,
  token: fn,
  withCredentials: bool,
  sse: /* @__PURE__ */ either(/* @__PURE__ */ oneOf('auto', 'fetch', 'eventsource'), fn),
  events: strings,
  stallTimeoutMs: ms,
  // Raw mode against servers we did not write (RawStreamOptions, raw-options.ts).
  firstByteTimeoutMs: ms,
  ignoreEvents: strings,
  dedupe: /* @__PURE__ */ either(no, /* @__PURE__ */ oneOf('unique', 'ordered')),
  resend: bool,
})

/** Options of a raw WebSocket (`subscribe()` of `@switchline/client/ws`, and of the auto entry). */
export const WS_SUBSCRIBE_OPTIONS: Shape = /* @__PURE__ */ Object.assign({}, RAW, {
  protocols: /* @__PURE__ */ either(str, strings),
  ping: /* @__PURE__ */ either(
    no,
    /* @__PURE__ */ nested({
      message: /* @__PURE__ */ required(/* @__PURE__ */ either(str, fn)),
      isPong: /* @__PURE__ */ required(fn),
      intervalMs: positive,
      timeoutMs: positive,
    }),
  ),
  maxMessageBytes: bytes,
  sendQueue,
  closeCodes: /* @__PURE__ */ rule(
    (value) =>
      isObject(value) &&
      Object.entries(value).every(
        ([code, action]) => /^[1-4]\d{3}$/.test(code) && (action === 'fatal' || action === 'retry'),
      ),
    "an object of close codes (1000–4999) to 'fatal' or 'retry'",
  ),
  pong: /* @__PURE__ */ either(
    no,
    /* @__PURE__ */ nested({
      isPing: /* @__PURE__ */ required(fn),
      reply: /* @__PURE__ */ required(/* @__PURE__ */ either(str, fn)),
    }),
  ),
})

/** Options of the auto raw `subscribe(url, options)`: both transports' options, and `transport`. */
export const SUBSCRIBE_OPTIONS: Shape = /* @__PURE__ */ Object.assign({}, SSE_SUBSCRIBE_OPTIONS, WS_SUBSCRIBE_OPTIONS, {
  transport,
})

/** Options of `createClient(options)` (`url` is checked by the client itself). */
export const CLIENT_OPTIONS: Shape = {
  transports,
  transport,
  sendChannels: strings,
  token: fn,
  headers,
  withCredentials: bool,
  reconnect,
  ping: /* @__PURE__ */ nested({ intervalMs: positive, timeoutMs: positive }),
  stallTimeoutMs: ms,
  connectTimeoutMs: ms,
  maxMessageBytes: bytes,
  sendQueue,
  ackTimeoutMs: ms,
  publishTimeoutMs: ms,
  reprobeWebSocketMs: ms,
  platform,
  onConnectionState: fn,
  onTransport: fn,
}

/** Options of `client.subscribe(channel, options)` (`key` is checked as part of the channel identifier). */
export const CHANNEL_OPTIONS: Shape = /* @__PURE__ */ Object.assign({}, SUBSCRIPTION, { key: str, transport })
