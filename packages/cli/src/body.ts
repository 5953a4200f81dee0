/** `--post`: the request body of an LLM-style stream, inline or read from a file or stdin. */
import { UsageError } from './args'

/** Where `--post @…` reads from; the bin passes `fs.readFile` and a stdin reader, tests pass fakes. */
export interface BodySources {
  readFile(path: string): Promise<string>
  readStdin(): Promise<string>
}

/**
 * Reads the body `--post` names: `@-` is stdin, `@path` a file, anything else the body itself. The body must be
 * JSON (it is sent with `content-type: application/json`) unless `-H 'Content-Type: …'` says otherwise, in which
 * case it is sent as it is.
 * @throws UsageError when the file cannot be read or the body is not JSON.
 * @example
 * await readPostBody('{"stream":true}', {}, sources) // '{"stream":true}'
 * await readPostBody('@body.json', {}, sources)      // the file's text
 */
export async function readPostBody(
  post: string,
  headers: Record<string, string>,
  sources: BodySources,
): Promise<string> {
  let body: string
  if (post === '@-') body = await sources.readStdin()
  else if (post.startsWith('@')) {
    const path = post.slice(1)
    try {
      body = await sources.readFile(path)
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error))
      throw new UsageError(`--post: cannot read ${path} (${reason})`)
    }
  } else body = post
  if (headers['content-type'] === undefined) {
    try {
      JSON.parse(body)
    } catch (error) {
      const where = post.startsWith('@') ? (post === '@-' ? 'stdin' : post.slice(1)) : 'the body'
      throw new UsageError(
        `--post: ${where} is not JSON (${(error as Error).message}); add -H 'Content-Type: …' to send it as it is`,
      )
    }
  }
  return body
}
