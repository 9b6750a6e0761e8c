/**
 * `kubefence verify`: against a live cluster, act as each tenant's owner (impersonation) and submit, with
 * server-side dry run, what would break isolation; report what the cluster blocks and what it accepts.
 * Wiring and HTTP only — which attempts, and what an answer means, live in src/verify.
 */
import { Command } from "commander";
import type { Diagnostic } from "../model/diagnostic.js";
import { apiVersionOf, kindInfo } from "../model/kinds.js";
import type { Origin } from "../model/origin.js";
import type { Snapshot } from "../model/snapshot.js";
import { renderVerifyTable } from "../report/verify.js";
import { buildSnapshot } from "../sources/build.js";
import type { RawDocument } from "../sources/documents.js";
import { connect, type KubeClient, LiveError, statusMessage } from "../sources/kube-client.js";
import { InputError } from "../sources/manifests.js";
import type { TenantConfig } from "../tenancy/config.js";
import { type AdmissionGuards, admissionGuards } from "../tenancy/enforcement.js";
import { resolveTenants } from "../tenancy/tenants.js";
import { impersonationRefusal } from "../verify/classify.js";
import { impersonationHeaders, impersonationOf } from "../verify/identity.js";
import {
  attemptResult,
  planAttempts,
  type TenantVerification,
  tenantVerification,
  verifyReport,
} from "../verify/report.js";
import { type ServedClusterKind, type VerifyTarget, verifyTargets } from "../verify/target.js";
import { EXIT_NO, UsageError } from "./errors.js";
import { printStructured, validateOutput, writeText } from "./output.js";
import { formatDiagnostic } from "./source-options.js";
import { guardrailModesOf, readTenantSource } from "./tenant-options.js";

interface VerifyOptions {
  kubeconfig?: string;
  context?: string;
  tenants?: string;
  tenant?: string;
  output: string;
}

/** Tenants verified at once; each tenant's attempts go one after another. */
const CONCURRENCY = 4;
/** The admission configuration the audit credits as enforcement (src/tenancy/enforcement.ts). */
const CREDITED_KINDS = [
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
] as const;
const PAGE_SIZE = 500;

export function verifyCommand(): Command {
  return new Command("verify")
    .description(
      "act as each tenant's owner and try, with server-side dry run, what would break isolation; exit 1 if the cluster accepts any",
    )
    .option(
      "--kubeconfig <path>",
      "kubeconfig file for the live cluster (default: $KUBECONFIG or ~/.kube/config)",
    )
    .option("--context <name>", "kubeconfig context to use (default: the current context)")
    .option("--tenants <file>", "tenants file (TenantConfig): the tenants, their namespaces and owners")
    .option("--tenant <name>", "verify only this tenant of the tenants file")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .addHelpText(
      "after",
      `
For each tenant of the tenants file, kubefence acts as its first owner (Impersonate-User and
Impersonate-Group headers) and submits with dryRun=All, so nothing is ever stored:
  privileged-host-pod     a privileged pod with hostPID and the node's / mounted
  host-network-pod        a pod with hostNetwork
  node-port-service       a NodePort Service
  cluster-admin-binding   a ClusterRoleBinding of cluster-admin to itself
  cross-tenant-binding    a RoleBinding of admin in another tenant's namespace (or kube-system)
  pod-security-relabel    its namespace relabelled pod-security.kubernetes.io/enforce=privileged
  delete-default-deny     deletion of its namespace's default-deny NetworkPolicy
Where the cluster serves policy.networking.k8s.io (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
ClusterNetworkPolicy), and a cluster-scoped policy isolates the tenant:
  cluster-policy-override           a NetworkPolicy allowing everything in and out of its namespace
  cluster-policy-namespace-relabel  its namespace relabelled as the other tenant's on the policies' keys
  cluster-policy-pod-relabel        a pod without the labels the policies select pods by
  cluster-policy-create             an Admin-tier policy of its own accepting every pod (where served)
  cluster-policy-edit               the isolating policy with its rules removed
What the server accepts of the first three is judged by kubefence's network engine on the answered
object: held when a cluster-scoped rule still denies (the admin tier decides before any NetworkPolicy).
Each is blocked (by RBAC, PodSecurity, ResourceQuota, an admission webhook or ValidatingAdmissionPolicy, …) or ACCEPTED.
Exit code 1 when any attempt is accepted or has nothing to attempt on (no default-deny policy);
0 when every one is blocked. The user running verify needs the "impersonate" verb on users,
groups and serviceaccounts (cluster-admin has it).

Examples:
  # Every tenant, as a CI gate after deploying the platform
  kubefence verify --tenants tenants.yaml

  # One tenant, on another context, as JSON
  kubefence verify --context staging --tenants tenants.yaml --tenant team-a -o json`,
    )
    .action(async (options: VerifyOptions) => {
      validateOutput(options.output, ["table", "json", "yaml"]);
      if (!options.tenants)
        throw new UsageError(
          "--tenants FILE is required: verify acts as each tenant's owner, and the tenants file says who they are",
        );
      const source = readTenantSource({ tenants: options.tenants });
      if (source.from !== "file") throw new UsageError("--tenants FILE is required");
      const { config } = source;
      if (options.tenant && !config.tenants.some((t) => t.name === options.tenant))
        throw new UsageError(
          `tenant "${options.tenant}" is not in the tenants file ${options.tenants} (tenants: ${config.tenants.map((t) => t.name).join(", ") || "none"})`,
        );
      const report = await asUsageErrors(() => verifyCluster(options, config));
      if (options.output === "table") writeText(renderVerifyTable(report));
      else printStructured(report, options.output);
      if (!report.isolated) process.exitCode = EXIT_NO;
    });
}

async function verifyCluster(options: VerifyOptions, config: TenantConfig) {
  const client = await connect({ kubeconfig: options.kubeconfig, context: options.context });
  const served = await servedClusterKinds(client);
  const snapshot = await readNamespacesAndPolicies(client, served);
  const resolved = resolveTenants(snapshot, { from: "file", config });
  for (const d of resolved.diagnostics) if (d.severity !== "info") warn(d);
  const plan = verifyTargets(snapshot, resolved.tenancy, config, options.tenant, served);
  // What the audit credits with refusing the node-plane attempts, held against what the server answers.
  const guards = admissionGuards(snapshot, resolved.tenancy, true, guardrailModesOf(options.tenants));
  for (const u of plan.unverifiable)
    process.stderr.write(`warning: tenant "${u.tenant}" cannot be verified: ${u.reason}\n`);

  const progress = process.stderr.isTTY
    ? (text: string) => process.stderr.write(`\r\x1b[K${text}`)
    : () => {};
  let done = 0;
  const results = await mapLimited(plan.targets, CONCURRENCY, async (target) => {
    const verified = await verifyTenant(client, target, guards, snapshot);
    progress(`verified ${++done}/${plan.targets.length} tenants`);
    return verified;
  });
  progress("");
  return verifyReport({ server: client.server, context: client.contextName }, results, plan.unverifiable);
}

/** The tenant's attempts one after another, as its owner. */
async function verifyTenant(
  client: KubeClient,
  target: VerifyTarget,
  guards: AdmissionGuards,
  snapshot: Snapshot,
): Promise<TenantVerification> {
  const impersonation = impersonationOf(target.actAs, target.tenant);
  const namespace = snapshot.namespaces.find((n) => n.metadata.name === target.namespace);
  const results = [];
  for (const planned of planAttempts(target)) {
    const { creditedAs } = planned.attempt;
    const credited = creditedAs && namespace ? guards[creditedAs](namespace) : undefined;
    if ("notApplicable" in planned.planned) {
      results.push(attemptResult(planned));
      continue;
    }
    const { request } = planned.planned;
    const answer = await client.request(request.method, request.path, request.body, {
      ...impersonationHeaders(impersonation),
      ...(request.contentType ? { "Content-Type": request.contentType } : {}),
    });
    const refusal = impersonationRefusal(answer);
    if (refusal)
      throw new UsageError(
        `cannot act as tenant "${target.tenant}"'s owner ${target.actAs.kind} "${target.actAs.name}": ${refusal}\n` +
          `kubefence verify impersonates each tenant's owner, so the user of context "${client.contextName}" needs the "impersonate" verb on users, groups and serviceaccounts, e.g.:\n` +
          "  kubectl create clusterrole kubefence-verify --verb=impersonate --resource=users,groups,serviceaccounts\n" +
          "  kubectl create clusterrolebinding kubefence-verify --clusterrole=kubefence-verify --user=YOU",
      );
    results.push(attemptResult(planned, answer, credited));
  }
  return tenantVerification(target, results);
}

const CLUSTER_KINDS: readonly ServedClusterKind[] = [
  {
    kind: "AdminNetworkPolicy",
    apiVersion: "policy.networking.k8s.io/v1alpha1",
    plural: "adminnetworkpolicies",
  },
  {
    kind: "BaselineAdminNetworkPolicy",
    apiVersion: "policy.networking.k8s.io/v1alpha1",
    plural: "baselineadminnetworkpolicies",
  },
  {
    kind: "ClusterNetworkPolicy",
    apiVersion: "policy.networking.k8s.io/v1alpha2",
    plural: "clusternetworkpolicies",
  },
];

/** The cluster-scoped network policy kinds discovery serves (discovery is open to every identity). */
async function servedClusterKinds(client: KubeClient): Promise<ServedClusterKind[]> {
  const served: ServedClusterKind[] = [];
  const resources = new Map<string, Set<string>>();
  for (const kind of CLUSTER_KINDS) {
    let names = resources.get(kind.apiVersion);
    if (!names) {
      const answer = await client.request("GET", `/apis/${kind.apiVersion}`);
      const list = (answer.body as { resources?: { name?: unknown }[] } | undefined)?.resources;
      names = new Set(
        answer.status === 200 && Array.isArray(list)
          ? list.map((r) => r.name).filter((n): n is string => typeof n === "string")
          : [],
      );
      resources.set(kind.apiVersion, names);
    }
    if (names.has(kind.plural)) served.push(kind);
  }
  return served;
}

/**
 * Only what the plan needs: namespaces (tenants, Pod Security labels), NetworkPolicies (default deny), where
 * served the cluster-scoped network policies (what isolates each tenant, for the network engine); and, where
 * they may be read, the admission configuration the audit credits (kubefence's webhook and policies).
 */
async function readNamespacesAndPolicies(client: KubeClient, served: readonly ServedClusterKind[]) {
  const origin: Origin = { cluster: client.contextName };
  const documents: RawDocument[] = [];
  for (const [apiVersion, kind, path] of [
    ["v1", "Namespace", "/api/v1/namespaces"],
    ["networking.k8s.io/v1", "NetworkPolicy", "/apis/networking.k8s.io/v1/networkpolicies"],
    ...served.map((k) => [k.apiVersion, k.kind, `/apis/${k.apiVersion}/${k.plural}`] as const),
  ] as const)
    for (const item of await listAll(client, path))
      documents.push({ value: { apiVersion, kind, ...item }, origin, locate: () => origin });
  const forbidden: string[] = [];
  for (const kind of CREDITED_KINDS) {
    const info = kindInfo(kind)!;
    const apiVersion = apiVersionOf(info);
    const items = await listAll(client, `/apis/${apiVersion}/${info.plural}`, { optional: true });
    if (items === "forbidden") forbidden.push(info.plural);
    // Not served (404): the server has no such objects.
    if (typeof items === "string") continue;
    for (const item of items)
      documents.push({ value: { apiVersion, kind, ...item }, origin, locate: () => origin });
  }
  if (forbidden.length > 0)
    process.stderr.write(
      `warning: ${forbidden.join(", ")} cannot be listed (forbidden), so the answers are not held against the kubefence enforcement the audit would credit\n`,
    );
  const built = buildSnapshot(documents, { synthesizeNamespaces: false });
  for (const d of built.diagnostics) if (d.severity !== "info") warn(d);
  return built.snapshot;
}

/** Every item of a list, page by page. `optional`: a kind forbidden or not served is said, not thrown. */
async function listAll(client: KubeClient, path: string): Promise<Record<string, unknown>[]>;
async function listAll(
  client: KubeClient,
  path: string,
  options: { optional: true },
): Promise<Record<string, unknown>[] | "forbidden" | "not-served">;
async function listAll(
  client: KubeClient,
  path: string,
  { optional = false } = {},
): Promise<Record<string, unknown>[] | "forbidden" | "not-served"> {
  const items: Record<string, unknown>[] = [];
  let token = "";
  for (;;) {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (token) query.set("continue", token);
    const answer = await client.request("GET", `${path}?${query}`);
    if (optional && answer.status === 403) return "forbidden";
    if (optional && answer.status === 404) return "not-served";
    const body = answer.body as { items?: unknown; metadata?: { continue?: unknown } } | undefined;
    if (answer.status === 403)
      throw new LiveError(
        `${statusMessage(answer.body)}\nkubefence verify reads Namespaces and NetworkPolicies, then impersonates each tenant's owner: run it as a platform administrator`,
      );
    if (answer.status !== 200 || !Array.isArray(body?.items))
      throw new LiveError(`listing ${path} failed: ${answer.status} ${statusMessage(answer.body)}`);
    items.push(
      ...body.items.filter((i): i is Record<string, unknown> => typeof i === "object" && i !== null),
    );
    const next = body.metadata?.continue;
    if (typeof next !== "string" || next === "") return items;
    token = next;
  }
}

async function asUsageErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  }
}

function warn(d: Diagnostic): void {
  process.stderr.write(`${formatDiagnostic(d)}\n`);
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      // prototype-safe: arrays indexed by position
      out[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
