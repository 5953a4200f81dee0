/** Shared, generic test helpers for @switchline/client. */
export * from './async'
export * from './chunks'
export * from './prng'
export * from './thrown'
