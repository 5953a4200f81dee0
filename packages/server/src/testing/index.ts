/**
 * `@switchline/server/testing`: fault injection for tests and the playground. Never imported by the main entry.
 * @packageDocumentation
 */
export { createFaultInjector } from './fault-injector'
export type { FaultInjector, FaultInjectorOptions, FaultCounters, FaultState, FaultStats } from './fault-injector'
export { FAULT_ACTIONS } from './fault-routes'
