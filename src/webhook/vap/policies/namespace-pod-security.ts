/**
 * namespace-pod-security in CEL: exact. The Pod Security labels before (oldObject) and after are read as Pod
 * Security Admission reads them (policyToEvaluate, src/podsecurity/api.ts): an invalid enforce level is
 * restricted, invalid audit/warn levels privileged, an invalid version latest; an unset warn level follows a
 * stricter enforce level. A version is its minor number, `latest` one past the largest a label can hold.
 */

import { LABEL_PREFIX } from "../../../podsecurity/api.js";
import { PLATFORM } from "../../../tenancy/tenants.js";
import { namespacePodSecurity } from "../../guardrails/namespace-pod-security.js";
import type { WebhookSettings } from "../../settings.js";
import { labelsOf, tenantOfCel } from "../cel.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

/** Number.MAX_SAFE_INTEGER + 1: parseVersion refuses minors that are not safe integers. */
export const LATEST_MINOR = "9007199254740992";
const LEVEL_RANK = '{"privileged": 0, "baseline": 1, "restricted": 2}';

/** The level label of `mode` in `labels`, parsed: privileged when unset, `fallback` when invalid. */
export function levelCel(labels: string, mode: string, fallback: string): string {
  const key = JSON.stringify(`${LABEL_PREFIX}${mode}`);
  return `(${key} in ${labels} ? (${labels}[${key}] in ["privileged", "baseline", "restricted"] ? ${labels}[${key}] : "${fallback}") : "privileged")`;
}

function validLevel(labels: string, mode: string): string {
  const key = JSON.stringify(`${LABEL_PREFIX}${mode}`);
  return `(${key} in ${labels} && ${labels}[${key}] in ["privileged", "baseline", "restricted"])`;
}

/** The minor of `v1.N` (a safe integer), LATEST_MINOR for `latest`, unset or invalid. */
function version(labels: string, mode: string): string {
  const key = JSON.stringify(`${LABEL_PREFIX}${mode}-version`);
  const v = `${labels}[${key}]`;
  return `(${key} in ${labels} && ${v}.matches("^v1\\\\.([0-9]|[1-9][0-9]*)$") && (size(${v}) < 19 || (size(${v}) == 19 && ${v}.substring(3) <= "9007199254740991")) ? int(${v}.substring(3)) : ${LATEST_MINOR})`;
}

/** Variables `<prefix>Levels` and `<prefix>Versions` (maps by mode) for the labels of `object`. */
function policyVariables(prefix: string, object: string) {
  const labels = `variables.${prefix}Labels`;
  const enforceSet = validLevel(labels, "enforce");
  const warnLevelSet = `(${JSON.stringify(`${LABEL_PREFIX}warn`)} in ${labels})`;
  const warnVersionSet = `(${JSON.stringify(`${LABEL_PREFIX}warn-version`)} in ${labels})`;
  const follows = `(!${warnLevelSet} && ${enforceSet} && ${labels}[${JSON.stringify(`${LABEL_PREFIX}enforce`)}] != "privileged")`;
  return [
    { name: `${prefix}Labels`, expression: labelsOf(object) },
    {
      name: `${prefix}Levels`,
      expression: `{"enforce": ${levelCel(labels, "enforce", "restricted")}, "audit": ${levelCel(labels, "audit", "privileged")}, "warn": ${follows} ? ${labels}[${JSON.stringify(`${LABEL_PREFIX}enforce`)}] : ${levelCel(labels, "warn", "privileged")}}`,
    },
    {
      name: `${prefix}Versions`,
      expression: `{"enforce": ${version(labels, "enforce")}, "audit": ${version(labels, "audit")}, "warn": ${follows} && !${warnVersionSet} ? ${version(labels, "enforce")} : ${version(labels, "warn")}}`,
    },
  ];
}

function levelVersion(prefix: string, mode: string): string {
  return `variables.${prefix}Levels[${mode}] + ":" + (variables.${prefix}Versions[${mode}] == ${LATEST_MINOR} ? "latest" : "v1." + string(variables.${prefix}Versions[${mode}]))`;
}

export const namespacePodSecurityPolicy: PolicyGuardrail = {
  guardrail: namespacePodSecurity,
  fidelity: () => "exact",
  limits: () => [],
  variables: (settings: WebhookSettings) => [
    {
      name: "platform",
      expression: `(${tenantOfCel(settings, "oldObject.metadata.name", labelsOf("oldObject"))}) == ${JSON.stringify(PLATFORM)}`,
    },
    ...policyVariables("old", "oldObject"),
    ...policyVariables("new", "object"),
    {
      name: "weakened",
      expression: `["enforce", "audit", "warn"].filter(m, ${LEVEL_RANK}[variables.newLevels[m]] < ${LEVEL_RANK}[variables.oldLevels[m]] || (variables.newLevels[m] == variables.oldLevels[m] && variables.newLevels[m] != "privileged" && variables.newVersions[m] < variables.oldVersions[m])).map(m, m + " from \\"" + ${levelVersion("old", "m")} + "\\" to \\"" + ${levelVersion("new", "m")} + "\\"")`,
    },
  ],
  validations: () => [
    {
      expression: "variables.platform || size(variables.weakened) == 0",
      messageExpression: messageCel(
        namespacePodSecurity.id,
        `"this change would weaken the Pod Security policy of namespace \\"" + object.metadata.name + "\\": " + variables.weakened.join(", ")`,
        JSON.stringify(
          "keep the pod-security.kubernetes.io labels at their level and version or stricter; a platform administrator can relax them",
        ),
      ),
    },
  ],
};
