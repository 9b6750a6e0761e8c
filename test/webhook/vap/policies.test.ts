/**
 * The generated ValidatingAdmissionPolicies as objects, and `kubefence webhook manifests --engine vap`. Whether
 * they decide as the webhook decides is proven on kube-apiserver (apiserver.test.ts); these say what is
 * generated: one policy and binding per guardrail, modes as validationActions, the tenants file baked in, and
 * every partial policy saying what it leaves out.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { webhookCommand } from "../../../src/cli/webhook.js";
import { GUARDRAILS } from "../../../src/webhook/guardrails/index.js";
import { defaultSettings } from "../../../src/webhook/settings.js";
import { admissionPolicies, POLICY_GUARDRAILS, WITHOUT_POLICY } from "../../../src/webhook/vap/index.js";
import { runCommand } from "../../support/run-command.js";
import { fixture, settingsOf } from "../helpers.js";

type Obj = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
};

const TENANTS = readFileSync(fixture("tenants.yaml"), "utf8").replace(/^guardrails:[\s\S]*$/m, "");

describe("admission policies", () => {
  it("cover every webhook guardrail: a policy, or the reason there is none", () => {
    const covered = [...POLICY_GUARDRAILS.map((p) => p.guardrail.id), ...WITHOUT_POLICY.keys()];
    expect(covered.sort()).toEqual(GUARDRAILS.map((g) => g.id).sort());
  });

  it("are a ValidatingAdmissionPolicy and its binding per guardrail, named after it", () => {
    const objects = admissionPolicies(defaultSettings()).objects as unknown as Obj[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      POLICY_GUARDRAILS.flatMap((p) => [
        `ValidatingAdmissionPolicy/kubefence-${p.guardrail.id}`,
        `ValidatingAdmissionPolicyBinding/kubefence-${p.guardrail.id}`,
      ]),
    );
    for (const policy of objects.filter((o) => o.kind === "ValidatingAdmissionPolicy"))
      expect(policy.spec.failurePolicy, policy.metadata.name).toBe("Fail");
  });

  it("map each guardrail's mode to the binding's validationActions", () => {
    const settings = settingsOf(
      TENANTS,
      "guardrails:\n  service-exposure: warn\n  node-escape: audit\n  rbac-aggregation: enforce\n",
    );
    const actions = new Map(
      (admissionPolicies(settings).objects as unknown as Obj[])
        .filter((o) => o.kind === "ValidatingAdmissionPolicyBinding")
        .map((o) => [o.metadata.name, o.spec.validationActions]),
    );
    expect(actions.get("kubefence-service-exposure")).toEqual(["Warn"]);
    expect(actions.get("kubefence-node-escape")).toEqual(["Audit"]);
    expect(actions.get("kubefence-rbac-aggregation")).toEqual(["Deny"]);
    expect(actions.get("kubefence-namespace-tenant")).toEqual(["Deny"]);
  });

  it("bake the tenants file in: platform namespaces, admins, owners, levels and service settings", () => {
    const text = JSON.stringify(admissionPolicies(settingsOf(TENANTS)).objects);
    for (const literal of ["ingress-nginx", "ops-admin", "team-b-devs", "kubefence.io/tenant", "nodePort"])
      expect(text, literal).toContain(literal);
    // Without a file: every kube-* namespace is the platform, and no owner is named.
    const plain = JSON.stringify(admissionPolicies(defaultSettings()).objects);
    expect(plain).toContain('startsWith(\\"kube-\\")');
    expect(plain).not.toContain("ops-admin");
  });

  it("mark partial policies and say what they leave to the webhook; exact ones say nothing", () => {
    const { notes, objects } = admissionPolicies(settingsOf(TENANTS));
    const partial = notes.filter((n) => n.fidelity === "partial").map((n) => n.id);
    // namespace-tenant is partial here only because team-a is declared by namespaceSelector.
    expect(partial).toEqual(["rbac-cross-tenant", "namespace-tenant", "network-policy-cross-tenant"]);
    expect(
      admissionPolicies(defaultSettings())
        .notes.filter((n) => n.fidelity === "partial")
        .map((n) => n.id),
    ).toEqual(["rbac-cross-tenant", "network-policy-cross-tenant"]);
    for (const note of notes) expect(note.limits.length > 0, note.id).toBe(note.fidelity !== "exact");
    const annotated = (objects as unknown as Obj[]).filter(
      (o) => o.metadata.annotations?.["kubefence.io/not-checked"],
    );
    expect(annotated.map((o) => o.metadata.name)).toEqual(partial.map((id) => `kubefence-${id}`));
  });
});

describe("kubefence webhook manifests --engine vap", () => {
  it("writes the policies as YAML, each guardrail's fidelity in a comment and what is left out on stderr", async () => {
    const run = await runCommand(webhookCommand, [
      "manifests",
      "--engine",
      "vap",
      "--tenants",
      fixture("tenants.yaml"),
    ]);
    expect(run.code).toBe(0);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj);
    expect(docs.length).toBe(POLICY_GUARDRAILS.length * 2);
    expect(run.stdout).toMatch(/^# node-escape: exact, Deny$/m);
    // The fixture's tenants file sets service-exposure to enforce.
    expect(run.stdout).toMatch(/^# service-exposure: exact, Deny$/m);
    expect(run.stdout).toMatch(/^# pod-security: no policy — /m);
    expect(run.stderr).toContain("note: rbac-cross-tenant differs from the webhook: stricter: a RoleBinding");
    expect(run.stderr).toContain(
      "note: network-policy-cross-tenant differs from the webhook: not checked: a namespaceSelector other than {}",
    );
  });

  it("writes a List with -o json", async () => {
    const run = await runCommand(webhookCommand, ["manifests", "--engine", "vap", "-o", "json"]);
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as { kind: string; items: Obj[] };
    expect(list.kind).toBe("List");
    expect(list.items.length).toBe(POLICY_GUARDRAILS.length * 2);
  });

  it("refuses the webhook's own flags and unknown engines", async () => {
    const withCa = await runCommand(webhookCommand, ["manifests", "--engine", "vap", "--ca-file", "ca.crt"]);
    expect(withCa.code).toBe(2);
    expect(withCa.stderr).toContain("--ca-file: only for --engine webhook");
    const unknown = await runCommand(webhookCommand, ["manifests", "--engine", "kyverno"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--engine must be webhook or vap (got "kyverno")');
  });
});
