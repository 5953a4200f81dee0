/** Types of `redis.mjs` (the test `redis-server` lookup). */
export declare const ENV_VAR: string
export declare const DEBIAN_PACKAGE: string
export declare const BINARY: string
export declare const INSTALL_HELP: string
export declare function problemWith(path: string): string | undefined
export interface FoundRedisServer {
  source: 'env' | 'path' | 'none'
  path: string | undefined
  problem: string | undefined
}
export declare function findRedisServer(io?: { env?: Record<string, string | undefined> }): FoundRedisServer
