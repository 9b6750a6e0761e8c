import { readFileSync } from "node:fs";
import { Command } from "commander";
import type { ObjectRef } from "../model/finding.js";
import { atLeast } from "../model/kube-version.js";
import { toYaml } from "../model/yaml-text.js";
import { parseVersion } from "../podsecurity/api.js";
import { terminalSafe } from "../report/terminal.js";
import { parseWebhookSettings } from "../sources/tenants-file.js";
import { parseInstant } from "../tenancy/acceptance.js";
import { runAudit } from "../tenancy/audit.js";
import { applyFixPlan, planFixes, withoutNulls } from "../tenancy/fixes.js";
import { manifestErrors, TENANT_LABEL } from "../tenancy/guardrails.js";
import { ALL_TENANTS } from "../tenancy/matrix.js";
import { resolveTenants } from "../tenancy/tenants.js";
import { GUARDRAIL_IDS } from "../webhook/guardrails/index.js";
import { defaultSettings, type WebhookSettings } from "../webhook/settings.js";
import { admissionPolicies } from "../webhook/vap/index.js";
import { namespacePodSecurityPolicy } from "../webhook/vap/policies/namespace-pod-security.js";
import { namespaceTenantPolicy } from "../webhook/vap/policies/namespace-tenant.js";
import { UsageError } from "./errors.js";
import { printStructured, validateOutput, writeText } from "./output.js";
import { addSourceOptions, loadSource, manifestKubeVersion, type SourceOptions } from "./source-options.js";
import { addTenantOptions, readTenantSource, type TenantOptions, tenantsOf } from "./tenant-options.js";

interface FixOptions extends SourceOptions, TenantOptions {
  output: string;
  podSecurityVersion: string;
  isolation?: string;
  now?: string;
}

export function fixCommand(): Command {
  const command = new Command("fix")
    .description("write the manifest changes that close the breaches audit finds (inputs are never modified)")
    .option("-o, --output <format>", "yaml (to review and kubectl apply) or json", "yaml")
    .option(
      "--pod-security-version <version>",
      "Pod Security version for the labels written: latest or v1.NN",
      "latest",
    )
    .option(
      "--isolation <kind>",
      "close network breaches with network-policy (NetworkPolicies per namespace) or cluster-policy (one Admin ClusterNetworkPolicy per tenant); default cluster-policy when the input holds a ClusterNetworkPolicy, else network-policy",
    )
    .option(
      "--now <time>",
      "judge acceptance expiries as of this RFC 3339 date or date-time instead of the current time",
    )
    .addHelpText(
      "after",
      `
What it writes, per breach:
  network  every tenant namespace: the tenant label, allow-within-tenant (it denies everything else) and
           allow-DNS NetworkPolicies (--isolation=cluster-policy: one Admin ClusterNetworkPolicy per tenant)
  node     every tenant namespace enforces Pod Security baseline (or the tenant's level in --tenants);
           pods and workloads that escape to their node, rewritten to pass baseline (a controlled pod in
           its controller's template); where a tenant may relabel its namespace, admission policies that
           refuse weaker Pod Security labels and another tenant's label (Kubernetes 1.30 or later)
  api      the subject that reaches across tenants, removed from its binding (or the binding deleted)

The header says what to run, in order: the deletes the apply needs first (a Pod's spec and a Job's
template are immutable: they are deleted, and the apply re-creates them), kubectl apply, then the deletes
that follow it. A field the fix removes is written as null: kubectl apply removes it even from an object
it did not create. Breaches the changes leave open are listed with why; an accepted finding is not fixed
(kubefence audit --show-accepted lists them). -o json is a List that kubectl apply -f takes; its
"kubefence" field holds the rest: fixes, deleteBeforeApply, deleteAfterApply, remaining, acceptedNotFixed.

Examples:
  kubefence fix --demo
  kubefence fix -f k8s/ -R --tenants tenants.yaml > fixes.yaml   # review; then run what its header says`,
    )
    .action(async (options: FixOptions) => {
      validateOutput(options.output, ["yaml", "json"]);
      // Pod Security admission's own words for a version label it cannot parse.
      const version = parseVersion(options.podSecurityVersion).error;
      if (version)
        throw new UsageError(
          `--pod-security-version ${JSON.stringify(options.podSecurityVersion)}: ${version}`,
        );
      if (
        options.isolation !== undefined &&
        options.isolation !== "network-policy" &&
        options.isolation !== "cluster-policy"
      )
        throw new UsageError(
          `--isolation must be network-policy or cluster-policy (got "${options.isolation}")`,
        );
      // An accepted finding is not fixed; whether an acceptance has expired is judged at this time.
      const now = options.now === undefined ? new Date() : parseInstant(options.now)?.instant;
      if (!now)
        throw new UsageError(
          `--now ${JSON.stringify(options.now)} is not an RFC 3339 date (2027-06-30) or date-time (2027-06-30T12:00:00Z)`,
        );
      const tenantSource = readTenantSource(options);
      const { snapshot } = await loadSource(options);
      const manifests = options.demo || options.filename.length > 0;
      const kubeVersion = manifests ? manifestKubeVersion(options.kubeVersion) : snapshot.serverVersion;
      const settings = webhookSettingsOf(options);
      // Audited as `audit` does: the server's version, the enforcement it has, the accepted risks.
      const auditOptions = {
        kubeVersion,
        guardrailModes: options.tenants ? settings.modes : undefined,
        accepted: tenantSource.from === "file" ? tenantSource.config.accepted : [],
        now,
      };
      const tenancy = tenantsOf(snapshot, tenantSource);
      const plan = planFixes(snapshot, tenancy, runAudit(snapshot, tenancy, auditOptions), {
        tenantLabel: options.tenantLabel ?? TENANT_LABEL,
        podSecurityVersion: options.podSecurityVersion,
        isolation: options.isolation as "network-policy" | "cluster-policy" | undefined,
        // ValidatingAdmissionPolicy is served (admissionregistration.k8s.io/v1) from 1.30 on.
        namespaceGuardrails:
          kubeVersion === undefined || atLeast(kubeVersion, 30)
            ? (admissionPolicies(settings, NAMESPACE_POLICIES).objects as never)
            : undefined,
      });
      // Nothing is written unless the API server would take every object (the Namespaces are updates).
      const rejected = manifestErrors(
        plan.fixes.flatMap((f) => f.apply.map(withoutNulls)),
        {
          existingNamespaceLabels: new Map(
            snapshot.namespaces.map((ns) => [ns.metadata.name, ns.metadata.labels]),
          ),
        },
      );
      if (rejected.length > 0) throw new UsageError(rejected.map(terminalSafe).join("\nerror: "));
      // What the cluster would still allow once every change is made: said, never claimed closed.
      const after = applyFixPlan(snapshot, plan);
      const open = runAudit(after, resolveTenants(after, tenantSource).tenancy, auditOptions).matrix.breaches(
        Infinity,
      ).cells;
      const remaining = open.map((c) => ({ plane: c.plane, from: c.from, to: c.to, evidence: c.evidence }));
      const before = plan.fixes.flatMap((f) => f.recreate);
      const afterApply = plan.fixes.flatMap((f) => [...f.delete, ...f.restart]);
      const items = plan.fixes.flatMap((f) => f.apply);
      if (options.output === "json")
        return printStructured(
          {
            apiVersion: "v1",
            kind: "List",
            metadata: {},
            items,
            // Not Kubernetes': kubectl apply reads only `items` of a List.
            kubefence: {
              fixes: plan.fixes.map((f) => ({
                plane: f.plane,
                reason: f.reason,
                apply: f.apply.map(refOf),
                delete: f.delete,
                recreate: f.recreate,
                restart: f.restart,
              })),
              deleteBeforeApply: before,
              deleteAfterApply: afterApply,
              remaining,
              acceptedNotFixed: plan.acceptedNotFixed,
            },
          },
          "json",
        );
      const notes = [
        ...(remaining.length > 0
          ? [
              `# Still open after these changes (${remaining.length} breach${remaining.length === 1 ? "" : "es"}; kubefence audit says why):`,
              ...remaining.map(
                (c) =>
                  `#   ${c.plane} ${end(c.from)} -> ${end(c.to)}: ${terminalSafe(c.evidence.join(" → "))}`,
              ),
            ]
          : []),
        ...(plan.acceptedNotFixed > 0
          ? [
              `# ${plan.acceptedNotFixed} accepted finding${plan.acceptedNotFixed === 1 ? "" : "s"} not fixed: kubefence audit --show-accepted`,
            ]
          : []),
      ];
      if (plan.fixes.length === 0) {
        writeText(
          remaining.length === 0
            ? "# kubefence fix: nothing to fix, every tenant pair is isolated\n"
            : `# kubefence fix: nothing it can change\n${notes.join("\n")}\n`,
        );
        return;
      }
      const header = [
        `# kubefence fix: ${plan.fixes.length} change${plan.fixes.length === 1 ? "" : "s"}. Review, then run in this order:`,
        ...before.map((r) => `#   ${deleteCommand(r)}    (immutable: the apply re-creates it)`),
        "#   kubectl apply -f <this file>",
        ...afterApply.map((r) => `#   ${deleteCommand(r)}`),
        ...(items.some(hasNull)
          ? ["# A field set to null is one the fix removes: kubectl apply removes it from the object."]
          : []),
        ...notes,
      ];
      // A comment is one line: a subject's name with a newline must not add lines (or objects) to the file.
      const documents = plan.fixes.flatMap((fix) =>
        fix.apply.map(
          (m, i) =>
            `${i === 0 ? `# ${fix.plane}: ${terminalSafe(fix.reason)}\n` : ""}${toYaml(m, { aliasDuplicateObjects: false })}`,
        ),
      );
      const deleteOnly = plan.fixes
        .filter((f) => f.apply.length === 0)
        .map((f) => `# ${f.plane}: ${terminalSafe(f.reason)}`);
      writeText(
        `${[...header, ...deleteOnly].join("\n")}\n${documents.length > 0 ? `---\n${documents.join("---\n")}` : ""}`,
      );
    });
  return addSourceOptions(addTenantOptions(command));
}

/** The namespace guardrails that keep a tenant from relabelling its way out of the fix's labels. */
const NAMESPACE_POLICIES = [namespacePodSecurityPolicy, namespaceTenantPolicy];

/** `kubectl delete pod busybox -n default`: one formatter for every delete the output asks for. */
function deleteCommand(ref: ObjectRef): string {
  return `kubectl delete ${ref.kind.toLowerCase()} ${terminalSafe(ref.name)}${ref.namespace ? ` -n ${terminalSafe(ref.namespace)}` : ""}`;
}

function end(name: string): string {
  return name === ALL_TENANTS ? "every tenant" : terminalSafe(name);
}

function refOf(m: { kind: string; metadata: { name: string; namespace?: string } }): ObjectRef {
  return {
    kind: m.kind,
    ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}),
    name: m.metadata.name,
  };
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== "object") return false;
  return Object.values(value as object).some(hasNull);
}

/** The tenants file's guardrail settings (modes, tenants) for the policies the fix writes; defaults without one. */
function webhookSettingsOf(options: FixOptions): WebhookSettings {
  if (!options.tenants) return defaultSettings();
  const { settings } = parseWebhookSettings(
    readFileSync(options.tenants, "utf8"),
    options.tenants,
    GUARDRAIL_IDS,
  );
  return settings ?? defaultSettings();
}
