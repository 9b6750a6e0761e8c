/**
 * A tenant names things after Object.prototype's members (`constructor`, `toString`, `__proto__`, …) so that
 * a lookup in a plain object finds a function instead of nothing. Every audit must still work, and every
 * finding must carry a real severity.
 */
import { describe, expect, it } from "vitest";
import { auditCommand } from "../../src/cli/audit.js";
import { manifestFile } from "../support/manifest-file.js";
import { runCommand } from "../support/run-command.js";

const PROTOTYPE_KEYS = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__", "isPrototypeOf"];
const SEVERITIES = ["critical", "high", "medium", "low", "info"];

const subjects = PROTOTYPE_KEYS.flatMap((name) => [
  `  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: ${name}}`,
  `  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: ${name}}`,
]).join("\n");

// Label keys must be qualified names: `__proto__` is not one, the others are.
const labelKeys = PROTOTYPE_KEYS.filter((k) => !k.startsWith("_"));
const HOSTILE = `
apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {${labelKeys.map((k) => `${k}: x`).join(", ")}}}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-b}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prototype-groups, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
${subjects}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: by-prototype-labels, namespace: team-b}
spec:
  podSelector: {matchExpressions: [{key: constructor, operator: Exists}]}
  ingress:
    - from: [{namespaceSelector: {matchExpressions: [{key: toString, operator: DoesNotExist}]}}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: team-b, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
`;

describe("names that are Object.prototype members", () => {
  const file = manifestFile(HOSTILE, "hostile.yaml");

  it.each([["table"], ["json"]])(
    "a RoleBinding to a Group named constructor does not break audit -o %s",
    async (output) => {
      const run = await runCommand(auditCommand, ["-f", file(), "-o", output]);
      expect(run.stderr).not.toMatch(/internal error|TypeError/);
      expect(run.code).toBe(0);
      if (output === "json") {
        const report = JSON.parse(run.stdout) as { findings: { severity: unknown; subject: string }[] };
        expect(report.findings.length).toBeGreaterThan(0);
        for (const f of report.findings) expect(SEVERITIES, f.subject).toContain(f.severity);
        // `constructor` is an ordinary group: no "broad group" finding as for system:authenticated.
        expect(
          report.findings.filter((f) => f.subject === "Group:constructor").map((f) => f.severity),
        ).not.toContain("high");
      }
    },
  );
});
