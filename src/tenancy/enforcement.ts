/**
 * What the cluster enforces at admission beyond Pod Security: a registered kubefence webhook, or the
 * ValidatingAdmissionPolicies `webhook manifests --engine vap` writes. Credited only where it certainly
 * applies, since crediting too much would call a breach isolated:
 * - the webhook: `validate.kubefence.io` (or `namespaces.validate.kubefence.io` for Namespace writes) in a
 *   ValidatingWebhookConfiguration, failurePolicy Fail (Ignore lets a request through whenever the webhook
 *   cannot answer), no objectSelector (a label the writer sets could steer around it), rules covering the
 *   operation, and its namespaceSelector (absent: every namespace) selecting the namespace;
 * - a policy `kubefence-<guardrail>` whose binding of the same name has validationActions Deny and selects the
 *   namespace.
 * The guardrail must then run in enforce mode: the modes are the tenants file's `guardrails:` section given to
 * the audit (the file the webhook runs with), enforce when not listed, as the webhook itself defaults.
 * Every other webhook or policy is listed as not modelled: it may refuse more, and that is not trusted.
 */

import type {
  Namespace,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  ValidatingWebhookConfiguration,
} from "../model/objects.js";
import { compileSelector } from "../model/selector.js";
import type { Snapshot } from "../model/snapshot.js";
import { NAMESPACES_WEBHOOK_NAME, POLICY_PREFIX, WEBHOOK_NAME } from "./guardrails.js";
import type { Tenancy } from "./tenants.js";

export type GuardrailMode = "enforce" | "warn" | "audit";

/** What enforces a guardrail, for evidence: `webhook validate.kubefence.io (ValidatingWebhookConfiguration "kubefence")`. */
export type EnforcedBy = string;

export interface Enforcement {
  /** What refuses a request the guardrail refuses, in this namespace, on this resource and operation (if anything). */
  enforces(
    guardrail: string,
    namespace: Namespace,
    resource: string,
    operation: string,
  ): EnforcedBy | undefined;
  /** Webhooks and policies that are not kubefence's: they may refuse more than kubefence knows. */
  unmodelled: string[];
}

type Webhook = NonNullable<ValidatingWebhookConfiguration["webhooks"]>[number];

export function enforcementOf(
  snapshot: Snapshot,
  modes: ReadonlyMap<string, GuardrailMode> = new Map(),
): Enforcement {
  const webhooks: { configuration: string; webhook: Webhook }[] = [];
  const policies = new Map<string, ValidatingAdmissionPolicy>();
  const bindings: ValidatingAdmissionPolicyBinding[] = [];
  const unmodelled: string[] = [];
  for (const object of snapshot.admission) {
    if (object.kind === "ValidatingWebhookConfiguration") {
      for (const webhook of object.webhooks ?? []) {
        if (webhook.name === WEBHOOK_NAME || webhook.name === NAMESPACES_WEBHOOK_NAME)
          webhooks.push({ configuration: object.metadata.name, webhook });
        else
          unmodelled.push(
            `webhook ${webhook.name} (ValidatingWebhookConfiguration "${object.metadata.name}")`,
          );
      }
    } else if (object.kind === "ValidatingAdmissionPolicy") {
      if (object.metadata.name.startsWith(POLICY_PREFIX)) policies.set(object.metadata.name, object);
      else unmodelled.push(`ValidatingAdmissionPolicy "${object.metadata.name}"`);
    } else if (object.metadata.name.startsWith(POLICY_PREFIX)) bindings.push(object);
  }
  const mode = (guardrail: string) => modes.get(guardrail) ?? "enforce";
  return {
    unmodelled,
    enforces(guardrail, namespace, resource, operation) {
      if (mode(guardrail) !== "enforce") return undefined;
      const labels = namespace.metadata.labels;
      for (const { configuration, webhook } of webhooks) {
        if (webhook.failurePolicy !== "Fail") continue;
        if (!isEmptySelector(webhook.objectSelector)) continue;
        if (!coversRequest(webhook.rules ?? [], resource, operation)) continue;
        // A webhook without a namespaceSelector reviews every namespace.
        if (webhook.namespaceSelector && !selects(webhook.namespaceSelector, labels)) continue;
        return `webhook ${webhook.name} (ValidatingWebhookConfiguration "${configuration}")`;
      }
      const name = `${POLICY_PREFIX}${guardrail}`;
      if (!policies.has(name)) return undefined;
      for (const binding of bindings) {
        if (binding.metadata.name !== name || binding.spec?.policyName !== name) continue;
        if (!(binding.spec.validationActions ?? []).includes("Deny")) continue;
        const selector = binding.spec.matchResources?.namespaceSelector;
        if (selector && !selects(selector, labels)) continue;
        return `ValidatingAdmissionPolicy "${name}" (binding "${binding.metadata.name}", Deny)`;
      }
      return undefined;
    },
  };
}

function isEmptySelector(selector: Webhook["objectSelector"]): boolean {
  return (
    !selector ||
    ((selector.matchLabels === undefined || Object.keys(selector.matchLabels).length === 0) &&
      (selector.matchExpressions ?? []).length === 0)
  );
}

function selects(
  selector: NonNullable<Webhook["namespaceSelector"]>,
  labels: Record<string, string> | undefined,
) {
  const compiled = compileSelector(selector);
  return compiled.ok && compiled.selector.matches(labels);
}

/** Whether a webhook's rules send this request to it (core group, any version). */
function coversRequest(rules: NonNullable<Webhook["rules"]>, resource: string, operation: string): boolean {
  return rules.some(
    (rule) =>
      (rule.apiGroups ?? []).some((g) => g === "" || g === "*") &&
      (rule.resources ?? []).some((r) => r === resource || r === "*" || r === "*/*") &&
      (rule.operations ?? []).some((o) => o === operation || o === "*") &&
      (rule.scope === undefined ||
        rule.scope === "*" ||
        rule.scope === (resource === "namespaces" ? "Cluster" : "Namespaced")),
  );
}

/** What the node plane asks of admission, per tenant namespace, memoised; and what was credited, for the findings. */
export interface AdmissionGuards {
  refusesEscapes(namespace: Namespace): boolean;
  refusesRelabel(namespace: Namespace): boolean;
  /** What refuses a node-escaping pod in the namespace (refusesEscapes), for `verify` to hold against the server's answer. */
  escapesRefusedBy(namespace: Namespace): EnforcedBy | undefined;
  /** What refuses weakening the namespace's Pod Security labels (refusesRelabel). */
  relabelRefusedBy(namespace: Namespace): EnforcedBy | undefined;
  report(): { credited: Map<EnforcedBy, { namespaces: string[]; what: string }[]>; unmodelled: string[] };
}

/**
 * The two guardrails that close node escapes: `pod-security` holds pods and pod templates to the tenant's level
 * (its tenants-file `podSecurity`, baseline by default; a privileged tenant gets no such credit), and
 * `namespace-pod-security` refuses weakening a namespace's Pod Security labels — which matters only where Pod
 * Security admission enforces them (`podSecurityEnforced`).
 */
export function admissionGuards(
  snapshot: Snapshot,
  tenancy: Tenancy,
  podSecurityEnforced: boolean,
  modes?: ReadonlyMap<string, GuardrailMode>,
): AdmissionGuards {
  const enforcement = enforcementOf(snapshot, modes);
  const levelOf = new Map(tenancy.tenants.map((t) => [t.name, t.spec?.podSecurity ?? "baseline"]));
  const credited = new Map<EnforcedBy, Map<string, string[]>>();
  const credit = (by: EnforcedBy, what: string, namespace: string) => {
    const byWhat = credited.get(by) ?? new Map<string, string[]>();
    credited.set(by, byWhat);
    byWhat.set(what, [...(byWhat.get(what) ?? []), namespace]);
  };
  const memo = <T>(f: (ns: Namespace) => T) => {
    const seen = new Map<string, T>();
    return (ns: Namespace) => {
      if (!seen.has(ns.metadata.name)) seen.set(ns.metadata.name, f(ns));
      return seen.get(ns.metadata.name)!;
    };
  };
  const tenantOf = (ns: Namespace) => {
    const tenant = tenancy.tenantOf.get(ns.metadata.name);
    return tenant && !tenancy.isPlatformNamespace(ns.metadata.name) ? tenant : undefined;
  };
  const escapesRefusedBy = memo((ns) => {
    const tenant = tenantOf(ns);
    const level = tenant && levelOf.get(tenant);
    if (!level || level === "privileged") return undefined;
    const by = enforcement.enforces("pod-security", ns, "pods", "CREATE");
    if (by)
      credit(by, `guardrail pod-security holds pods to the tenant's level (${level})`, ns.metadata.name);
    return by;
  });
  const relabelRefusedBy = memo((ns) => {
    if (!podSecurityEnforced || !tenantOf(ns)) return undefined;
    const by = enforcement.enforces("namespace-pod-security", ns, "namespaces", "UPDATE");
    if (by)
      credit(
        by,
        "guardrail namespace-pod-security refuses weakening the Pod Security labels",
        ns.metadata.name,
      );
    return by;
  });
  return {
    escapesRefusedBy,
    relabelRefusedBy,
    refusesEscapes: (ns) => escapesRefusedBy(ns) !== undefined,
    refusesRelabel: (ns) => relabelRefusedBy(ns) !== undefined,
    report: () => ({
      credited: new Map(
        [...credited].map(([by, byWhat]) => [
          by,
          [...byWhat].map(([what, namespaces]) => ({ what, namespaces: namespaces.sort() })),
        ]),
      ),
      unmodelled: enforcement.unmodelled,
    }),
  };
}
