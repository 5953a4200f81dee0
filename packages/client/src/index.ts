/** `@switchline/client` — see README.md. */
export * from './protocol/codes'
