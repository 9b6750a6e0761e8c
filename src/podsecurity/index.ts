/**
 * The node plane: Pod Security Standards exactly as Pod Security Admission evaluates them, namespace policies,
 * and the node-escape paths the standard does not name. Everything here is pure.
 */
export * from "./analyze.js";
export * from "./api.js";
export type { CheckResult, ForbiddenReason } from "./check.js";
export { aggregateCheckResults, joinForbiddenDetails, joinForbiddenReasons } from "./check.js";
export { DEFAULT_CHECKS } from "./checks/index.js";
export * from "./config.js";
export * from "./escape.js";
export * from "./evaluate.js";
export * from "./findings.js";
export * from "./namespace-policy.js";
export * from "./placement.js";
export { type Evaluator, newEvaluator } from "./registry.js";
export * from "./report.js";
export * from "./subjects.js";
