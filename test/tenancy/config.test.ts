import { describe, expect, it } from "vitest";
import { formatSubject } from "../../src/model/format.js";
import { parseTenantConfig } from "../../src/sources/tenants-file.js";
import { parseSubject } from "../../src/tenancy/config.js";

const valid = `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
platform:
  admins:
    - {kind: Group, name: system:masters}
    - {kind: User, name: ops}
tenants:
  - name: team-a
    namespaces: [team-a]
    owners:
      - {kind: User, name: alice}
      - {kind: ServiceAccount, namespace: team-a, name: deployer}
    podSecurity: restricted
    allowFrom: [team-b]
  - name: team-b
    namespaceSelector: {matchLabels: {tenant: team-b}}
`;

describe("parseTenantConfig", () => {
  it("reads tenants, owners, platform admins and defaults", () => {
    const { config, diagnostics } = parseTenantConfig(valid, "tenants.yaml");
    expect(diagnostics).toEqual([]);
    expect(config?.admins.map(formatSubject)).toEqual(["Group:system:masters", "User:ops"]);
    expect(config?.tenants.map((t) => [t.name, t.podSecurity, t.owners.map(formatSubject)])).toEqual([
      ["team-a", "restricted", ["User:alice", "ServiceAccount:team-a/deployer"]],
      ["team-b", "baseline", []],
    ]);
    expect(config?.platformNamespaces).toBeUndefined();
  });

  it("reports a bad field with its file:line and keeps going to find the others", () => {
    const text = valid
      .replace("podSecurity: restricted", "podSecurity: strict")
      .replace("allowFrom: [team-b]", "allowFrom: [team-z]");
    const { config, diagnostics } = parseTenantConfig(text, "tenants.yaml");
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => [d.message, d.origin && "line" in d.origin ? d.origin.line : 0])).toEqual([
      ["podSecurity must be privileged, baseline or restricted", 13],
      ['allowFrom names unknown tenant "team-z"', 14],
    ]);
  });

  it("rejects an invalid namespaceSelector with the selector's own error", () => {
    const text = valid.replace(
      "{matchLabels: {tenant: team-b}}",
      "{matchExpressions: [{key: tenant, operator: In}]}",
    );
    expect(parseTenantConfig(text, "t.yaml").diagnostics[0]?.message).toBe(
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    );
  });

  it("defaults the platform services tenants may reach to cluster DNS, and reads others", () => {
    expect(parseTenantConfig(valid, "t.yaml").config?.platformServices).toEqual([
      {
        namespace: "kube-system",
        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]);
    const custom = valid.replace(
      "platform:\n",
      "platform:\n  services:\n    - {namespace: ingress, podSelector: {matchLabels: {app: ingress}}, ports: [{port: 443}]}\n",
    );
    expect(parseTenantConfig(custom, "t.yaml").config?.platformServices).toEqual([
      {
        namespace: "ingress",
        podSelector: { matchLabels: { app: "ingress" } },
        ports: [{ protocol: "TCP", port: 443 }],
      },
    ]);
  });

  it("requires namespaces or a selector for each tenant", () => {
    const { diagnostics } = parseTenantConfig("kind: TenantConfig\ntenants:\n  - name: lonely\n", "t.yaml");
    expect(diagnostics[0]?.message).toBe('tenant "lonely" needs namespaces or a namespaceSelector');
  });
});

describe("subjects on the command line", () => {
  it.each([
    ["User:alice", { kind: "User", name: "alice" }],
    ["Group:system:masters", { kind: "Group", name: "system:masters" }],
    ["ServiceAccount:team-a:deployer", { kind: "ServiceAccount", namespace: "team-a", name: "deployer" }],
    ["ServiceAccount:team-a/deployer", { kind: "ServiceAccount", namespace: "team-a", name: "deployer" }],
    ["ServiceAccount:team-a/", undefined],
    ["ServiceAccount:team-a", undefined],
    ["alice", undefined],
  ] as const)("%s", (text, expected) => {
    expect(parseSubject(text)).toEqual(expected);
  });
});
