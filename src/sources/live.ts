/**
 * The live cluster: the current context of a kubeconfig (`--kubeconfig`, else $KUBECONFIG, else
 * ~/.kube/config; `--context` picks another), read through @kubernetes/client-node's credential handling
 * (tokens, client certificates, exec plugins, proxies), over kept-alive connections. Every kind in KINDS is
 * listed as raw JSON, page by page (`limit` + `continue`; the next page is asked for before this one is
 * admitted), a few kinds at a time, and goes through the same admission and snapshot building as manifests
 * (src/sources/build.ts), so a live object and the same object in a file become the same typed value.
 *
 * Secrets are never listed: no kind in KINDS is a Secret, and nothing here asks for one.
 * A kind the user may not list (403) leaves a partial snapshot: the kind goes into `missingKinds` and a
 * warning says which answers that weakens. A namespaced kind forbidden cluster-wide is then listed in each
 * namespace the identity can see (those listed, else its context's namespace), as a namespace-scoped
 * identity must be read; the kind stays missing unless every namespace of a readable Namespace list was
 * read, and the warning says where it was and was not read. A kind the server does not serve at its stable version (404)
 * is retried at its older versions (CronJob is batch/v1beta1 before Kubernetes 1.21). The multi-tenancy platforms'
 * kinds (Capsule's Tenant, HNC's) are listed only where discovery serves their group, and said nothing about
 * where it does not.
 */
import type { Diagnostic } from "../model/diagnostic.js";
import { apiVersionOf, KINDS, type KindInfo, kindInfo, UNMODELLED_POLICY_KINDS } from "../model/kinds.js";
import { type KubeVersion, parseKubeVersion } from "../model/kube-version.js";
import type { Kind } from "../model/objects.js";
import type { Origin } from "../model/origin.js";
import type { UnmodelledPolicy } from "../model/snapshot.js";
import {
  type AdmittedDocument,
  admitDocument,
  type BuildOptions,
  buildAdmittedSnapshot,
  type LoadResult,
} from "./build.js";
import type { RawDocument } from "./documents.js";
import {
  connect,
  type KubeClient,
  type KubeClientOptions,
  type KubeResponse,
  LiveError,
  statusMessage,
} from "./kube-client.js";
import { probePodSecurityAdmission } from "./pod-security-probe.js";

export { LiveError };

export interface LiveOptions extends KubeClientOptions {
  /** Report progress (kinds and objects listed) on a TTY; called with "" when done, to clear the line. */
  onProgress?: (message: string) => void;
  /** Objects per list request (`limit`); default 500, as kubectl's chunk size. */
  pageSize?: number;
  /** Kinds listed at once; default 4. */
  concurrency?: number;
  /** Only these kinds are listed (what the command needs, like the RBAC ones); default every kind of KINDS. */
  kinds?: ReadonlySet<Kind>;
  /** Ask the server whether Pod Security admission runs (one dry-run create; src/sources/pod-security-probe.ts). */
  probePodSecurity?: boolean;
}

const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_CONCURRENCY = 4;

/** What the answers lose when a kind cannot be listed; said in the warning. */
const WEAKENS: Record<Kind, string> = {
  Namespace:
    "namespace labels are unknown, so NetworkPolicy namespaceSelectors and Pod Security namespace levels cannot be evaluated",
  Node: "which tenants share a node (the reach of a node escape) is unknown",
  Pod: "network reachability and Pod Security findings see only workload templates, not running pods",
  ServiceAccount: "service accounts that no pod uses are not listed as RBAC subjects",
  Service: "which pods each Service exposes is unknown",
  ReplicationController: "Pod Security findings miss ReplicationControllers that have no pods yet",
  PodTemplate: "Pod Security findings miss PodTemplates",
  Deployment:
    "Pod Security findings miss Deployments that have no pods yet, and pods are not traced to their Deployment",
  ReplicaSet: "Pod Security findings miss ReplicaSets that have no pods yet",
  StatefulSet: "Pod Security findings miss StatefulSets that have no pods yet",
  DaemonSet: "Pod Security findings miss DaemonSets that have no pods yet",
  Job: "Pod Security findings miss Jobs that have no pods yet",
  CronJob: "Pod Security findings miss CronJobs, whose pods exist only while they run",
  NetworkPolicy:
    "network isolation cannot be judged: pods look reachable from everywhere, which the unseen policies may deny",
  Role: "RBAC answers (can-i, who-can, the access matrix) miss permissions granted through Roles",
  ClusterRole:
    "RBAC answers (can-i, who-can, the access matrix) miss permissions granted through ClusterRoles",
  RoleBinding: "RBAC answers (can-i, who-can, the access matrix) miss permissions granted by RoleBindings",
  AdminNetworkPolicy:
    "network isolation cannot be judged: AdminNetworkPolicies, which override every NetworkPolicy, are unseen",
  BaselineAdminNetworkPolicy:
    "network isolation cannot be judged: the BaselineAdminNetworkPolicy, which decides for pods no NetworkPolicy selects, is unseen",
  ClusterNetworkPolicy:
    "network isolation cannot be judged: ClusterNetworkPolicies, which decide before and after every NetworkPolicy, are unseen",
  ClusterRoleBinding:
    "RBAC answers (can-i, who-can, the access matrix) miss permissions granted by ClusterRoleBindings",
  ValidatingWebhookConfiguration:
    "a kubefence webhook cannot be seen, so what it enforces is not credited (breaches it blocks are still reported)",
  ValidatingAdmissionPolicy:
    "kubefence's ValidatingAdmissionPolicies cannot be seen, so what they enforce is not credited",
  ValidatingAdmissionPolicyBinding:
    "kubefence's ValidatingAdmissionPolicies cannot be seen bound, so what they enforce is not credited",
  Tenant: "Capsule tenants (--tenants-from capsule) are unknown",
  HierarchyConfiguration: "HNC hierarchies (--tenants-from hnc) are read from namespace tree labels only",
  SubnamespaceAnchor: "HNC hierarchies (--tenants-from hnc) are read from namespace tree labels only",
};

/** The server's version from /version (`gitVersion`, or major/minor as some distributions print them: `37+`). */
function serverVersion(answer: KubeResponse): KubeVersion | undefined {
  if (answer.status !== 200 || !isRecord(answer.body)) return undefined;
  const { gitVersion, major, minor } = answer.body;
  if (typeof gitVersion === "string") {
    const parsed = parseKubeVersion(gitVersion);
    if (parsed) return parsed;
  }
  if (major === "1" && typeof minor === "string" && /^\d+\+?$/.test(minor))
    return { major: 1, minor: Number.parseInt(minor, 10) };
  return undefined;
}

export async function loadLive(options: LiveOptions): Promise<LoadResult> {
  const client = await connect({
    noKubeconfigHint: "; or read manifests with -f, or try --demo",
    keepAlive: true,
    ...options,
  });
  const { contextName } = client;
  const origin: Origin = { cluster: contextName };
  const progress = options.onProgress ?? (() => {});
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const kinds = options.kinds ? KINDS.filter((k) => options.kinds!.has(k.kind)) : KINDS;

  // One cheap request first, so an unreachable server or bad credentials fail once, clearly.
  progress(`connecting to ${client.server} (context ${contextName})`);
  const kubeVersion = serverVersion(await client.request("GET", "/version"));
  const podSecurity = options.probePodSecurity ? probePodSecurityAdmission(client) : undefined;

  const discovery = new Map<string, Promise<boolean>>();
  /** Whether discovery serves a group version (`/apis/GROUP/VERSION`), asked once each. */
  const served = (apiVersion: string): Promise<boolean> => {
    let known = discovery.get(apiVersion);
    if (!known) {
      known = client.request("GET", `/apis/${apiVersion}`).then((answer) => answer.status === 200);
      discovery.set(apiVersion, known);
    }
    return known;
  };

  // Each page is admitted (validated and defaulted) as it arrives, while the server prepares the next. Kept per
  // kind, then taken in KINDS order whatever order the concurrent lists finish in, so the same cluster always
  // gives the same snapshot (and `kubefence snapshot` the same file).
  const buildOptions: BuildOptions = { synthesizeNamespaces: false, kubeVersion };
  const documents = new Map<Kind, AdmittedDocument[]>();
  const said = new Map<Kind, Diagnostic>();
  const missingKinds = new Set<Kind>();
  const listedAt = new Map<Kind, string>();
  let kindsDone = 0;
  let objects = 0;

  const listKind = async (info: KindInfo): Promise<void> => {
    // A platform's kind only where its group is served: discovery is open to every authenticated user, while a
    // list of a kind nobody serves is still refused (403) to one who may not list it, which is no gap.
    if (info.platform && (await client.request("GET", `/apis/${info.group}`)).status === 404) return;
    const versions = [apiVersionOf(info), ...info.deprecatedVersions, ...(info.equivalentVersions ?? [])];
    const tried: string[] = [];
    for (const apiVersion of versions) {
      // A custom resource is listed only where discovery serves its group version (discovery is open to every
      // authenticated identity; a list of an unserved resource is 403, not 404, for one that may not list).
      if (info.customResource && !(await served(apiVersion))) continue;
      tried.push(apiVersion);
      const outcome = await listAll(client, info, apiVersion, pageSize, (page, nullFree) => {
        objects += page.length;
        progress(`listed ${objects} objects (${kindsDone}/${kinds.length} kinds)`);
        return admitted(page, nullFree, apiVersion, info.kind);
      });
      if (outcome.type === "notServed") continue;
      let items: AdmittedDocument[];
      if (outcome.type === "forbidden") {
        const fallback = info.namespaced ? await perNamespace(info, apiVersion) : undefined;
        const complete = fallback !== undefined && fallback.forbidden.length === 0 && namespacesListed;
        if (!complete) {
          missingKinds.add(info.kind);
          said.set(info.kind, {
            severity: "warning",
            message: `cannot list ${info.kind}: ${outcome.message}${fallback ? `; ${fallback.said}` : ""}; ${WEAKENS[info.kind]}`,
            origin,
          });
        } else
          said.set(info.kind, {
            severity: "info",
            message: `cannot list ${info.kind} cluster-wide; ${fallback.said}`,
            origin,
          });
        if (!fallback) return;
        items = fallback.items;
      } else items = outcome.items;
      listedAt.set(info.kind, apiVersion);
      documents.set(info.kind, items);
      return;
    }
    // A platform's or another custom resource's kind is served only where its CRD is installed: no news.
    if (info.platform || info.customResource) return;
    said.set(info.kind, {
      severity: "info",
      message: `${info.kind} is not served by this cluster (tried ${tried.join(", ")}); none read`,
      origin,
    });
  };

  /** A page's items as documents, admitted; `nullFree` when the page's text held no `null`. */
  const admitted = (
    page: Record<string, unknown>[],
    nullFree: boolean,
    apiVersion: string,
    kind: Kind,
  ): AdmittedDocument[] =>
    page.map((item) => {
      // List items carry no apiVersion/kind of their own; managedFields is bulky and never analysed.
      if (isRecord(item.metadata)) delete item.metadata.managedFields;
      const value = { apiVersion, kind, ...item };
      // `value` is this document's alone (a page's item, parsed from its text): admitted in place, not copied.
      const doc: RawDocument = { value, origin, locate: () => origin, nullFree, owned: true };
      return admitDocument(doc, buildOptions);
    });

  /** A namespaced kind in every namespace the identity can see, one list each. */
  const perNamespace = async (info: KindInfo, apiVersion: string) => {
    await namespacesDone;
    const names = namespacesListed
      ? (documents.get("Namespace") ?? []).flatMap(({ doc }) => {
          const name = (doc.value as { metadata?: { name?: unknown } }).metadata?.name;
          return typeof name === "string" ? [name] : [];
        })
      : [client.namespace];
    const outcomes = new Map<string, ListOutcome<AdmittedDocument>>();
    await forEachLimited(names, DEFAULT_CONCURRENCY, async (ns) => {
      outcomes.set(
        ns,
        await listAll(
          client,
          info,
          apiVersion,
          pageSize,
          (page, nullFree) => admitted(page, nullFree, apiVersion, info.kind),
          ns,
        ),
      );
    });
    const items: AdmittedDocument[] = [];
    const read: string[] = [];
    const forbidden: string[] = [];
    for (const ns of names) {
      const listed = outcomes.get(ns)!;
      if (listed.type === "items") {
        items.push(...listed.items);
        read.push(ns);
      } else forbidden.push(ns);
    }
    const list = (n: string[]) =>
      `namespace${n.length === 1 ? "" : "s"} ${n.slice(0, 10).join(", ")}${n.length > 10 ? ` and ${n.length - 10} more` : ""}`;
    const where = namespacesListed ? "" : " (the context's; Namespaces cannot be listed)";
    const said = [
      read.length > 0 ? `read in ${list(read)}${where}` : "",
      forbidden.length > 0 ? `forbidden in ${list(forbidden)}${read.length > 0 ? "" : where} too` : "",
    ]
      .filter(Boolean)
      .join(", ");
    return { items, forbidden, said };
  };

  // Namespaces first in the queue, listed alongside the other kinds: a kind forbidden cluster-wide waits for
  // them, to be read namespace by namespace.
  const namespaceKind = kinds.find((k) => k.kind === "Namespace");
  let namespacesListed = false;
  let namespacesDone = Promise.resolve();
  await forEachLimited(
    namespaceKind ? [namespaceKind, ...kinds.filter((k) => k !== namespaceKind)] : kinds,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (info) => {
      if (info === namespaceKind) {
        // Set before any other kind starts: the first worker takes the first item at once.
        namespacesDone = listKind(info).then(() => {
          namespacesListed = documents.has("Namespace");
        });
        await namespacesDone;
      } else await listKind(info);
      kindsDone++;
      progress(`listed ${objects} objects (${kindsDone}/${kinds.length} kinds)`);
    },
  );
  // Cilium and Calico policies: not modelled, only counted, so the verdicts they may change say so.
  // (Listed only where discovery serves them, as the custom resources of KINDS.)
  const unmodelled: UnmodelledPolicy[] = [];
  const unmodelledSaid: Diagnostic[] = [];
  // CNI-specific policies matter only to the network plane: not asked for when NetworkPolicy is not.
  const cniKinds = kinds.some((k) => k.kind === "NetworkPolicy") ? UNMODELLED_POLICY_KINDS : [];
  await forEachLimited(cniKinds, options.concurrency ?? DEFAULT_CONCURRENCY, async (kind) => {
    for (const version of kind.versions) {
      const apiVersion = `${kind.group}/${version}`;
      if (!(await served(apiVersion))) continue;
      const outcome = await listAll(
        client,
        { plural: kind.plural } as KindInfo,
        apiVersion,
        pageSize,
        (page) => page,
      );
      if (outcome.type === "notServed") continue;
      if (outcome.type === "forbidden") {
        missingKinds.add(`${kind.kind}.${kind.group}` as Kind);
        unmodelledSaid.push({
          severity: "warning",
          message: `cannot list ${kind.kind}.${kind.group}: ${outcome.message}; network verdicts such ${kind.family} policies may change cannot be judged`,
          origin,
        });
        return;
      }
      for (const item of outcome.items) {
        const meta = isRecord(item.metadata) ? item.metadata : {};
        unmodelled.push({
          apiVersion,
          kind: kind.kind,
          family: kind.family,
          name: typeof meta.name === "string" ? meta.name : "",
          ...(kind.namespaced && typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
        });
      }
      return;
    }
  });
  progress("");

  const built = buildAdmittedSnapshot(
    kinds.flatMap((k) => documents.get(k.kind) ?? []),
    buildOptions,
  );
  built.snapshot.missingKinds = [
    ...kinds.filter((k) => missingKinds.has(k.kind)).map((k) => k.kind),
    ...UNMODELLED_POLICY_KINDS.map((k) => `${k.kind}.${k.group}`).filter((k) => missingKinds.has(k as Kind)),
  ];
  built.snapshot.unmodelledPolicies = unmodelled.sort((a, b) =>
    `${a.apiVersion}/${a.kind}/${a.namespace ?? ""}/${a.name}` <
    `${b.apiVersion}/${b.kind}/${b.namespace ?? ""}/${b.name}`
      ? -1
      : 1,
  );
  if (kubeVersion) built.snapshot.serverVersion = kubeVersion;
  const probe = await podSecurity;
  if (probe) built.snapshot.podSecurityAdmission = probe;
  const listing = [...kinds.flatMap((k) => said.get(k.kind) ?? []), ...unmodelledSaid];
  if (probe && probe.active === undefined)
    listing.push({
      severity: "info",
      message: `whether Pod Security admission runs is judged by the server's version alone: ${probe.how}`,
      origin,
    });
  return {
    snapshot: built.snapshot,
    diagnostics: [...listing, ...collapseVersionWarnings(built.diagnostics, listedAt, origin)],
  };
}

/**
 * admit() warns once per object read at a deprecated version; from a live cluster that is one fact about
 * the server (e.g. Kubernetes 1.20 serves CronJob only as batch/v1beta1), so say it once per kind.
 */
function collapseVersionWarnings(
  diagnostics: Diagnostic[],
  listedAt: Map<Kind, string>,
  origin: Origin,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const counts = new Map<string, number>();
  const prefixes = [...listedAt]
    .filter(([kind, apiVersion]) => apiVersion !== apiVersionOf(kindInfo(kind)!))
    .map(([kind, apiVersion]) => `${kind} ${apiVersion} is deprecated`);
  for (const d of diagnostics) {
    const prefix = d.field === "apiVersion" ? prefixes.find((p) => d.message.startsWith(p)) : undefined;
    if (prefix) counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    else out.push(d);
  }
  for (const [kind, apiVersion] of listedAt) {
    const count = counts.get(`${kind} ${apiVersion} is deprecated`);
    if (!count) continue;
    const info = kindInfo(kind)!;
    out.push({
      severity: "info",
      message: `this cluster serves ${kind} only as ${apiVersion}; ${count} object${count === 1 ? "" : "s"} read as ${apiVersionOf(info)}`,
      origin,
    });
  }
  return out;
}

type ListOutcome<T> =
  | { type: "items"; items: T[] }
  | { type: "forbidden"; message: string }
  | { type: "notServed" };

/**
 * Lists every object of a kind at one version, following `continue` tokens: `onPage` turns each page's items
 * into what is kept, while the request for the next page is already on its way (the server works on it
 * meanwhile).
 */
async function listAll<T>(
  client: KubeClient,
  info: KindInfo,
  apiVersion: string,
  pageSize: number,
  onPage: (items: Record<string, unknown>[], nullFree: boolean) => T[],
  namespace?: string,
): Promise<ListOutcome<T>> {
  const scope = namespace === undefined ? "" : `/namespaces/${encodeURIComponent(namespace)}`;
  const base = `${apiVersion.includes("/") ? "/apis" : "/api"}/${apiVersion}${scope}/${info.plural}`;
  const page = (token: string) => {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (token) query.set("continue", token);
    return client.request("GET", `${base}?${query}`);
  };
  let restarted = false;
  const items: T[] = [];
  let pending = page("");
  for (;;) {
    const answer = await pending;
    if (answer.status === 403) return { type: "forbidden", message: statusMessage(answer.body) };
    if (answer.status === 404) return { type: "notServed" };
    if (answer.status === 410 && !restarted) {
      // The continue token expired (the list took longer than etcd keeps history): start this kind again.
      restarted = true;
      items.length = 0;
      pending = page("");
      continue;
    }
    if (answer.status !== 200 || !isRecord(answer.body) || !Array.isArray(answer.body.items))
      throw new LiveError(
        `listing ${info.plural} (${apiVersion}) failed: ${answer.status} ${statusMessage(answer.body)}`,
      );
    const next = isRecord(answer.body.metadata) ? answer.body.metadata.continue : undefined;
    const last = typeof next !== "string" || next === "";
    if (!last) pending = page(next);
    try {
      for (const item of onPage(answer.body.items.filter(isRecord), answer.nullFree === true))
        items.push(item);
    } catch (error) {
      pending.catch(() => {}); // the error above is the one to report
      throw error;
    }
    if (last) return { type: "items", items };
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    try {
      // prototype-safe: items is an array, indexed by position
      while (!failed && next < items.length) await work(items[next++]!);
    } catch (error) {
      failed = true; // the others stop after their current item
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
