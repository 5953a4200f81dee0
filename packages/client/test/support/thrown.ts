/** Catching a synchronous throw as a value, so tests can assert on it (or on there being none). */

/** What `fn` throws, or `undefined` if it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}
