/**
 * The Redis side of the engine: key names and the Lua scripts that make each step one atomic command (decision
 * 0018). Every key of a cluster shares one hash tag (`{switchline}:…`), so the scripts also run on a single
 * Redis Cluster slot.
 *
 * Keys (P = `{prefix}`):
 * - `P:h` hash: `epoch`, `seq` (the one counter of the cluster), `floor` (largest seq of a forgotten channel)
 * - `P:s:<ch>` stream of the channel's retained events; entry id `<seq>-0`, fields `t` (ms), `p` (payload JSON)
 * - `P:m:<ch>` hash: `ev` (largest evicted seq, R7), `last` (newest seq)
 * - `P:d:<ch>` hash `mid → event id`; `P:r:<ch>` list of the last publishes `<seq>:<mid>` (the R22 window)
 * - `P:a` sorted set: channel → time of its last publish (channels idle past `idleChannelTtlMs` are forgotten)
 * - pub/sub channel `P:p:<ch>`: one message per append, `<seq> <epoch> <t> <payload>`
 */

/** The key names of one cluster. */
export interface RedisKeys {
  /** `{prefix}`: the hash-tagged prefix of every key and pub/sub channel. */
  readonly base: string
  readonly head: string
  readonly active: string
  stream(channel: string): string
  meta(channel: string): string
  mids(channel: string): string
  ring(channel: string): string
  pubsub(channel: string): string
  /** The channel of a pub/sub channel name, or `undefined` when it is not one of ours. */
  channelOf(pubsubName: string): string | undefined
}

/** Key names under `prefix` (the hash tag is added: `switchline` → `{switchline}:…`). */
export function redisKeys(prefix: string): RedisKeys {
  const base = `{${prefix}}`
  const pubsubPrefix = `${base}:p:`
  return {
    base,
    head: `${base}:h`,
    active: `${base}:a`,
    stream: (ch) => `${base}:s:${ch}`,
    meta: (ch) => `${base}:m:${ch}`,
    mids: (ch) => `${base}:d:${ch}`,
    ring: (ch) => `${base}:r:${ch}`,
    pubsub: (ch) => `${pubsubPrefix}${ch}`,
    channelOf: (name) => (name.startsWith(pubsubPrefix) ? name.slice(pubsubPrefix.length) : undefined),
  }
}

/**
 * Shared Lua: the epoch (created with the caller's candidate when the cluster has none: a fresh or emptied Redis),
 * integer formatting that never switches to exponent notation, and retention. `trim` evicts by count (when
 * `maxEvents` is given) and by age, and records the largest evicted seq in the channel's meta, which is what tells
 * a cursor that it lost events (R7).
 */
const PRELUDE = `
local function fmt(n) return string.format('%d', n) end
local function seq_of(id) return string.match(id, '^%d+') end
local function epoch_of(h, candidate)
  local epoch = redis.call('HGET', h, 'epoch')
  if not epoch then
    epoch = candidate
    redis.call('HSET', h, 'epoch', epoch, 'seq', 0, 'floor', 0)
  end
  return epoch
end
local function trim(s, m, oldest, maxEvents)
  local evicted = nil
  if maxEvents then
    local excess = redis.call('XLEN', s) - maxEvents
    if excess > 0 then
      local gone = redis.call('XRANGE', s, '-', '+', 'COUNT', excess)
      evicted = gone[#gone][1]
      redis.call('XTRIM', s, 'MINID', seq_of(evicted) .. '-1')
    end
  end
  local cut, batch
  repeat
    batch = redis.call('XRANGE', s, '-', '+', 'COUNT', 64)
    cut = nil
    for _, entry in ipairs(batch) do
      if tonumber(entry[2][2]) >= oldest then break end
      cut = entry[1]
    end
    if cut then
      evicted = cut
      redis.call('XTRIM', s, 'MINID', seq_of(cut) .. '-1')
    end
  until cut == nil or cut ~= batch[#batch][1]
  if evicted then redis.call('HSET', m, 'ev', seq_of(evicted)) end
end
`

/**
 * Append: `mid` check, next seq, XADD, retention, `mid` window, PUBLISH and the forgetting of idle channels — one
 * atomic step, so ids, retention and the pub/sub order are the same thing.
 * KEYS: head, stream, meta, mids, ring, active.
 * ARGV: channel, payload, now, maxEvents, maxAgeMs, epoch candidate, mid (`''`: none), mid window, pub/sub
 * channel, idle channel TTL (ms), key base.
 * Returns `{epoch, id, duplicate (0|1)}`.
 */
export const APPEND_LUA = `${PRELUDE}
local h, s, m, d, r, a = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local channel, payload, now, mid = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[7]
local epoch = epoch_of(h, ARGV[6])
if mid ~= '' then
  local original = redis.call('HGET', d, mid)
  if original then return {epoch, original, 1} end
end
local floor = redis.call('HGET', h, 'floor') or '0'
-- A channel seen for the first time (or again after it was forgotten) may have lost events up to the floor.
if redis.call('EXISTS', m) == 0 then redis.call('HSET', m, 'ev', floor) end
local seq = fmt(redis.call('HINCRBY', h, 'seq', 1))
local id = epoch .. '-' .. seq
redis.call('XADD', s, seq .. '-0', 't', ARGV[3], 'p', payload)
redis.call('HSET', m, 'last', seq)
trim(s, m, now - tonumber(ARGV[5]), tonumber(ARGV[4]))
redis.call('ZADD', a, now, channel)
if mid ~= '' then redis.call('HSET', d, mid, id) end
if mid ~= '' or redis.call('EXISTS', d) == 1 then
  redis.call('LPUSH', r, seq .. ':' .. mid)
  if redis.call('LLEN', r) > tonumber(ARGV[8]) then
    local old = redis.call('RPOP', r)
    local colon = string.find(old, ':', 1, true)
    local old_mid = string.sub(old, colon + 1)
    if old_mid ~= '' and redis.call('HGET', d, old_mid) == epoch .. '-' .. string.sub(old, 1, colon - 1) then
      redis.call('HDEL', d, old_mid)
    end
  end
end
redis.call('PUBLISH', ARGV[9], seq .. ' ' .. epoch .. ' ' .. ARGV[3] .. ' ' .. payload)
local base = ARGV[11]
local idle = redis.call('ZRANGEBYSCORE', a, '-inf', '(' .. fmt(now - tonumber(ARGV[10])), 'LIMIT', 0, 4)
for _, ch in ipairs(idle) do
  local last = tonumber(redis.call('HGET', base .. ':m:' .. ch, 'last') or '0')
  if last > tonumber(floor) then
    floor = fmt(last)
    redis.call('HSET', h, 'floor', floor)
  end
  redis.call('DEL', base .. ':s:' .. ch, base .. ':m:' .. ch, base .. ':d:' .. ch, base .. ':r:' .. ch)
  redis.call('ZREM', a, ch)
end
return {epoch, id, 0}
`

/**
 * Head + replay of several channels at one instant (R6–R9): the head is the cluster's counter when the script runs,
 * and each channel's replay is what its stream retains after the cursor, with a gap when the cursor is of another
 * epoch, malformed, beyond the counter (R8), or older than an evicted event (R7).
 * KEYS: head. ARGV: now, maxAgeMs, epoch candidate, key base, then per channel: channel, mode (`n` no cursor,
 * `x` malformed, `c` cursor), cursor epoch, cursor seq.
 * Returns `{epoch, head seq, then per channel: reason ('-' no cursor, '' none, 'epoch', 'retention'), entries}`.
 */
export const REPLAY_LUA = `${PRELUDE}
local h = KEYS[1]
local now, max_age, base = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[4]
local epoch = epoch_of(h, ARGV[3])
local head = redis.call('HGET', h, 'seq')
local head_n = tonumber(head)
local floor = tonumber(redis.call('HGET', h, 'floor') or '0')
local out = {epoch, head}
for i = 5, #ARGV, 4 do
  local ch, mode, c_epoch, c_seq = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  if mode == 'n' then
    out[#out + 1] = '-'
    out[#out + 1] = {}
  else
    local s, m = base .. ':s:' .. ch, base .. ':m:' .. ch
    trim(s, m, now - max_age, nil)
    if mode == 'x' or c_epoch ~= epoch or c_seq > head_n then
      out[#out + 1] = 'epoch'
      out[#out + 1] = redis.call('XRANGE', s, '-', '+')
    else
      local ev = tonumber(redis.call('HGET', m, 'ev') or floor)
      out[#out + 1] = ev > c_seq and 'retention' or ''
      out[#out + 1] = redis.call('XRANGE', s, '(' .. fmt(c_seq) .. '-0', '+')
    end
  end
end
return out
`

/** The epoch and head seq, creating the epoch when the cluster has none. KEYS: head. ARGV: epoch candidate. */
export const HEAD_LUA = `${PRELUDE}
local epoch = epoch_of(KEYS[1], ARGV[1])
return {epoch, redis.call('HGET', KEYS[1], 'seq')}
`

/**
 * Drops every key of the cluster and starts a new epoch (the fault injector's "restart that lost the log").
 * KEYS: head. ARGV: key glob (escaped base + `:*`), new epoch.
 */
export const RESET_LUA = `
local cursor = '0'
repeat
  local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = reply[1]
  for _, key in ipairs(reply[2]) do redis.call('DEL', key) end
until cursor == '0'
redis.call('HSET', KEYS[1], 'epoch', ARGV[2], 'seq', 0, 'floor', 0)
return 1
`

/** `base` as a SCAN glob matching every key under it. */
export function keyGlob(base: string): string {
  return `${base.replace(/[\\*?[\]]/g, (c) => `\\${c}`)}:*`
}
