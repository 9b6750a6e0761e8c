/** The network engine's public API, for the CLI, `audit` and the tenancy layer. */
export { ConnSet, PROTOCOLS, type Protocol } from "./conns.js";
export { type Exposure, exposure } from "./exposure.js";
export { findingsOf, NETWORK_RULES, networkFindings } from "./findings.js";
export {
  analyzeNetwork,
  type Connection,
  type Level,
  type MatrixStatus,
  type NamespaceMatrix,
  NetworkModel,
} from "./model.js";
export { type NetworkOptions, resolveOptions } from "./options.js";
export type { DirectionVerdict, End, ReachVerdict, RuleMiss, RuleRef } from "./reach.js";
export { reachEnds } from "./reach.js";
export { type ReachAnswer, type Resolved, ResolveError, reach, resolveEnd } from "./resolve.js";
export type { Peer, Unit } from "./units.js";
