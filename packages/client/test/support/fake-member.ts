/** A {@link ChannelMember} that records what a session tells it. */
import type { SwitchlineError } from '../../src/core/errors'
import type { MemberStateChange, SendPath, ChannelMember } from '../../src/channels/session-types'
import type { EventMeta, GapInfo, TransportKind } from '../../src/types'

export interface RecordingMember extends ChannelMember {
  events: Array<{ data: unknown; meta: EventMeta }>
  gaps: GapInfo[]
  errors: SwitchlineError[]
  failures: Array<{ error: SwitchlineError; from: TransportKind }>
  states: Array<MemberStateChange & { from: TransportKind }>
  readies: TransportKind[]
  path: SendPath | undefined
}

export function recordingMember(channel: string, initialCursor?: string): RecordingMember {
  const member: RecordingMember = {
    channel,
    initialCursor,
    events: [],
    gaps: [],
    errors: [],
    failures: [],
    states: [],
    readies: [],
    path: undefined,
    deliver(data, meta) {
      member.events.push({ data, meta })
    },
    gap(info) {
      member.gaps.push(info)
    },
    error(error) {
      member.errors.push(error)
    },
    fail(error, from) {
      member.failures.push({ error, from })
    },
    state(from, change) {
      member.states.push({ ...change, from })
    },
    ready(from) {
      member.readies.push(from)
    },
    wsPath(path) {
      member.path = path
    },
  }
  return member
}
