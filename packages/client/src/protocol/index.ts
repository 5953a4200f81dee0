/**
 * `@switchline/client/protocol`: the Switchline protocol v1 in code — codes, frame types, the pure codec and
 * cursor rules. Shared by the client and `@switchline/server`. See docs/protocol.md.
 */
export * from './codes'
export * from './constants'
export * from './cursor'
export * from './codec'
export type * from './frames'
