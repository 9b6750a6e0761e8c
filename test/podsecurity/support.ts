/** Small builders for pod specs in check tables (the shapes upstream's tests build with corev1 literals). */
import type { CheckPodFn, CheckResult, Container, ObjectMeta, PodSpec } from "../../src/podsecurity/check.js";

export type { Container, ObjectMeta, PodSpec };

export function named(name: string, securityContext?: Container["securityContext"]): Container {
  return securityContext === undefined ? { name } : { name, securityContext };
}

export interface Row {
  /** The upstream test case name, or why the row exists. */
  name: string;
  meta?: ObjectMeta;
  spec: PodSpec;
  /** Expected reason and detail; omit both for "allowed". */
  reason?: string;
  detail?: string;
}

/** Runs a check on a row and returns what the table compares. */
export function run(check: CheckPodFn, row: Row): CheckResult {
  return check(row.meta ?? {}, row.spec);
}

export function expected(row: Row): CheckResult {
  return row.reason === undefined
    ? { allowed: true }
    : { allowed: false, forbiddenReason: row.reason, forbiddenDetail: row.detail };
}
