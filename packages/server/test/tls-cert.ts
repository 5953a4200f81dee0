/**
 * A throw-away TLS certificate for tests: a self-signed CA and a server certificate it signed, for `localhost`,
 * `127.0.0.1` and `::1`, made once per process with the `openssl` binary into a temporary directory (removed at
 * exit). Trusting `ca` (or `cert`) makes a client verify the server as it would a real one.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** PEM texts, and where they are on disk (for `--tls-cert` / `--tls-key` / `NODE_EXTRA_CA_CERTS`). */
export interface TestCertificate {
  ca: string
  cert: string
  key: string
  files: { ca: string; cert: string; key: string }
}

let made: TestCertificate | undefined

/** The certificate of this process, made on first use. Throws with openssl's output if it cannot be made. */
export function testCertificate(): TestCertificate {
  if (made) return made
  const dir = mkdtempSync(join(tmpdir(), 'switchline-tls-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const file = (name: string): string => join(dir, name)
  const openssl = (...args: string[]): void =>
    void execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Switchline test CA',
  )
  openssl('req', ...ec, '-keyout', file('key.pem'), '-out', file('server.csr'), '-subj', '/CN=localhost')
  writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n')
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    file('cert.pem'),
    '-extfile',
    file('ext.cnf'),
  )
  const files = { ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem') }
  made = {
    ca: readFileSync(files.ca, 'utf8'),
    cert: readFileSync(files.cert, 'utf8'),
    key: readFileSync(files.key, 'utf8'),
    files,
  }
  return made
}
