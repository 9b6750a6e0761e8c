import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifests } from "../../src/sources/manifests.js";
import { parseTenantConfig } from "../../src/sources/tenants-file.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

const { snapshot } = loadManifests([join(import.meta.dirname, "../fixtures/tenancy/compound.yaml")]);
const { config } = parseTenantConfig(
  `kind: TenantConfig
tenants:
  - {name: team-a, namespaces: [team-a], owners: [{kind: User, name: alice}]}
  - {name: team-b, namespaces: [team-b]}
  - {name: team-c, namespaces: [team-c]}
  - {name: team-d, namespaces: [team-d], owners: [{kind: User, name: dave}]}
`,
  "tenants.yaml",
);
const report = runAudit(snapshot, resolveTenants(snapshot, { from: "file", config: config! }).tenancy, {
  fullMatrix: true,
});
const cell = (from: string, to: string, plane: string) =>
  report.matrix.list().find((c) => c.from === from && c.to === to && c.plane === plane)!;

describe("compound paths across planes", () => {
  it("exec into another tenant's pod borrows its ServiceAccount's reach", () => {
    expect(cell("team-a", "team-b", "api").verdict).toBe("breach");
    const borrowed = cell("team-a", "team-c", "api");
    expect(borrowed.verdict).toBe("breach");
    expect(borrowed.evidence).toEqual([
      "User:alice",
      'RoleBinding "alice-exec/team-b" of Role "exec" to User "alice"',
      'rule: verbs=[create] apiGroups=[""] resources=[pods/exec]',
      "so User:alice can exec into pods in namespace team-b: pod team-b/builder, which runs as it (ServiceAccount:team-b/ci)",
      'RoleBinding "ci-reads-secrets/team-c" of Role "read-secrets" to ServiceAccount "ci/team-b"',
      'rule: verbs=[get list] apiGroups=[""] resources=[secrets]',
      "in namespace team-c (tenant team-c)",
    ]);
  });

  it("patching one's own Namespace relabels its Pod Security level: with pod create, that is a node escape", () => {
    const takeover = cell("team-d", "team-c", "node");
    expect(takeover.verdict).toBe("breach");
    expect(takeover.evidence).toContain(
      "so User:dave can patch namespace team-d and set pod-security.kubernetes.io/enforce=privileged",
    );
    expect(takeover.evidence).toContain("so User:dave can create pods in namespace team-d");
  });

  it("a tenant that can create pods only where baseline is enforced, and cannot relabel, escapes nothing", () => {
    expect(cell("team-a", "team-c", "node").verdict).toBe("isolated");
  });
});
