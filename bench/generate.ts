/**
 * Synthetic clusters for benchmarks and scale tests: seeded and deterministic (same options → same objects,
 * byte for byte), shaped like real multi-tenant clusters. Objects are built typed and defaulted exactly as
 * a source would admit them (`applyDefaults`), so engines see what they would see from manifests.
 *
 * Shape, per tenant `tenant-NNN`: `namespacesPerTenant` namespaces (labels tenant, env, sometimes Pod
 * Security labels); per namespace: ServiceAccounts, `roles` Roles, `deploymentsPerNamespace` Deployments
 * (each with its ReplicaSet, `replicas` Pods owned through ownerReferences with pod-template-hash labels,
 * named container ports, a ServiceAccount and a Service), `policiesPerNamespace` NetworkPolicies of the
 * common kinds, `bindingsPerNamespace` RoleBindings (to tenant users, groups, service accounts, to Roles
 * and to the ClusterRoles admin/edit/view). Cluster-wide: Nodes, kube-system (CoreDNS, kube-proxy),
 * monitoring (Prometheus), the default ClusterRoles and `clusterRoleBindings` ClusterRoleBindings.
 * A few pods are privileged or mount hostPath; a few bindings are over-broad — the things audits find.
 *
 * As a script it prints the cluster as a `List`, ready for `kubefence audit -f`:
 *   npx tsx bench/generate.ts --size medium -o yaml > cluster.yaml
 *   npx tsx bench/generate.ts --tenants 3 --namespaces-per-tenant 2 --seed 7 -o json
 */
import { createWriteStream } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { applyDefaults } from "../src/model/defaults.js";
import type {
  ClusterNetworkPolicy,
  ClusterRole,
  ClusterRoleBinding,
  Container,
  Deployment,
  KubeObject,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  PodSpec,
  PolicyRule,
  ReplicaSet,
  Role,
  RoleBinding,
  Service,
  ServiceAccount,
  Subject,
  Workload,
} from "../src/model/objects.js";
import { setOrigin } from "../src/model/origin.js";
import { allObjects, emptySnapshot, type Snapshot } from "../src/model/snapshot.js";

export interface GenerateOptions {
  seed: number;
  tenants: number;
  namespacesPerTenant: number;
  deploymentsPerNamespace: number;
  /** Pods per Deployment. */
  replicas: number;
  policiesPerNamespace: number;
  /** RoleBindings per tenant namespace. */
  bindingsPerNamespace: number;
  clusterRoleBindings: number;
  /** Roles per tenant namespace (default 2). */
  roles?: number;
}

export type Size = "small" | "medium" | "large";

/** ~1 000 / 10 000 / 100 000 tenant pods. `large` is the ceiling: 10 000 namespaces, 20 000 policies, 50 000 bindings. */
export const SIZES: Record<Size, GenerateOptions> = {
  small: {
    seed: 1,
    tenants: 20,
    namespacesPerTenant: 5,
    deploymentsPerNamespace: 5,
    replicas: 2,
    policiesPerNamespace: 2,
    bindingsPerNamespace: 5,
    clusterRoleBindings: 20,
  },
  medium: {
    seed: 1,
    tenants: 100,
    namespacesPerTenant: 10,
    deploymentsPerNamespace: 5,
    replicas: 2,
    policiesPerNamespace: 2,
    bindingsPerNamespace: 5,
    clusterRoleBindings: 100,
  },
  large: {
    seed: 1,
    tenants: 500,
    namespacesPerTenant: 20,
    deploymentsPerNamespace: 5,
    replicas: 2,
    policiesPerNamespace: 2,
    bindingsPerNamespace: 5,
    clusterRoleBindings: 500,
  },
};

/** Where generated objects say they came from (`originOf`). */
export const GENERATED_ORIGIN = { cluster: "generated" } as const;

const PODS_PER_NODE = 100;
const ENVS = ["dev", "staging", "prod", "ci", "data"] as const;
const TIERS = ["web", "api", "worker", "db"] as const;
const HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"; // the alphabet of upstream rand.SafeEncodeString

/** mulberry32: a tiny seeded PRNG; good enough for shapes, and identical on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same cluster with its non-platform namespaces labelled `bench-tenant`, `size` namespaces a tenant. */
export function grouped(snapshot: Snapshot, size: number): Snapshot {
  let i = 0;
  const namespaces = snapshot.namespaces.map((ns) =>
    ns.metadata.name.startsWith("kube-")
      ? ns
      : {
          ...ns,
          metadata: {
            ...ns.metadata,
            labels: { ...ns.metadata.labels, "bench-tenant": `t${Math.floor(i++ / size)}` },
          },
        },
  );
  return { ...snapshot, namespaces };
}

/**
 * Cluster-scoped isolation for a generated cluster of `tenants` tenants: `count` Admin-tier
 * ClusterNetworkPolicies (one per tenant, round robin: accept from the tenant's own namespaces, pass the
 * monitoring port on, deny every other pod) and one Baseline ClusterNetworkPolicy denying ingress from every
 * pod, so the admin and baseline tiers are on every pair.
 */
export function tierPolicies(tenants: number, count: number): ClusterNetworkPolicy[] {
  const cnp = (name: string, spec: Record<string, unknown>) =>
    setOrigin(
      {
        apiVersion: "policy.networking.k8s.io/v1alpha2",
        kind: "ClusterNetworkPolicy",
        metadata: { name },
        spec,
      } as ClusterNetworkPolicy,
      { cluster: "generated" },
    );
  const policies = Array.from({ length: count }, (_, i) => {
    const tenant = `tenant-${String(i % tenants).padStart(3, "0")}`;
    return cnp(`isolate-${i}`, {
      tier: "Admin",
      priority: i % 1000,
      subject: { namespaces: { matchLabels: { tenant } } },
      ingress: [
        { name: "same-tenant", action: "Accept", from: [{ namespaces: { matchLabels: { tenant } } }] },
        {
          name: "metrics",
          action: "Pass",
          from: [{ namespaces: {} }],
          protocols: [{ tcp: { destinationPort: { number: 9090 } } }],
        },
        { name: "others", action: "Deny", from: [{ namespaces: {} }] },
      ],
    });
  });
  policies.push(
    cnp("baseline", {
      tier: "Baseline",
      priority: 0,
      subject: { namespaces: { matchExpressions: [{ key: "tenant", operator: "Exists" }] } },
      ingress: [{ name: "deny-pods", action: "Deny", from: [{ namespaces: {} }] }],
    }),
  );
  return policies;
}

export function generateCluster(options: GenerateOptions): Snapshot {
  return new Generator(options).run();
}

class Generator {
  private readonly snapshot = emptySnapshot();
  private readonly random: () => number;
  private podCount = 0;
  private serviceCount = 0;
  private uid = 0;
  private readonly nodeNames: string[];

  constructor(private readonly options: GenerateOptions) {
    this.random = prng(options.seed);
    const tenantPods =
      options.tenants * options.namespacesPerTenant * options.deploymentsPerNamespace * options.replicas;
    const nodes = Math.max(3, Math.ceil(tenantPods / PODS_PER_NODE));
    this.nodeNames = Array.from({ length: nodes }, (_, i) => `node-${pad(i + 1, 4)}`);
  }

  run(): Snapshot {
    this.nodes();
    this.clusterRoles();
    this.kubeSystem();
    this.monitoring();
    for (let t = 0; t < this.options.tenants; t++) this.tenant(t);
    this.clusterRoleBindings();
    return this.snapshot;
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private hash(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += HASH_ALPHABET[Math.floor(this.random() * HASH_ALPHABET.length)];
    return out;
  }

  private nextUid(): string {
    const n = (++this.uid).toString(16).padStart(12, "0");
    return `00000000-0000-4000-8000-${n}`;
  }

  private add(object: KubeObject): void {
    setOrigin(object, GENERATED_ORIGIN);
    applyDefaults(object);
    switch (object.kind) {
      case "Namespace":
        this.snapshot.namespaces.push(object);
        return;
      case "Node":
        this.snapshot.nodes.push(object);
        return;
      case "Pod":
        this.snapshot.pods.push(object);
        return;
      case "ServiceAccount":
        this.snapshot.serviceAccounts.push(object);
        return;
      case "Service":
        this.snapshot.services.push(object);
        return;
      case "NetworkPolicy":
        this.snapshot.networkPolicies.push(object);
        return;
      case "Role":
        this.snapshot.roles.push(object);
        return;
      case "ClusterRole":
        this.snapshot.clusterRoles.push(object);
        return;
      case "RoleBinding":
        this.snapshot.roleBindings.push(object);
        return;
      case "ClusterRoleBinding":
        this.snapshot.clusterRoleBindings.push(object);
        return;
      default:
        this.snapshot.workloads.push(object as Workload);
    }
  }

  private podIP(): string {
    const i = this.podCount++;
    return `10.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;
  }

  private clusterIP(): string {
    const i = ++this.serviceCount;
    return `10.96.${(i >> 8) & 255}.${i & 255}`;
  }

  // ---- cluster-wide --------------------------------------------------------------------------------

  private nodes(): void {
    this.nodeNames.forEach((name, i) => {
      const node: Node = {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
          name,
          uid: this.nextUid(),
          labels: {
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "topology.kubernetes.io/zone": `zone-${"abc"[i % 3]}`,
          },
        },
        spec: { podCIDR: `10.244.${i % 256}.0/24` },
        status: {
          addresses: [
            { type: "InternalIP", address: nodeIP(i) },
            { type: "Hostname", address: name },
          ],
        },
      };
      this.add(node);
    });
  }

  private namespace(name: string, labels: Record<string, string> = {}): void {
    const namespace: Namespace = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, uid: this.nextUid(), labels },
    };
    this.add(namespace);
    this.serviceAccount(name, "default");
  }

  private serviceAccount(namespace: string, name: string): void {
    const sa: ServiceAccount = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name, namespace, uid: this.nextUid() },
    };
    this.add(sa);
  }

  /** The default user-facing ClusterRoles (rules abridged from upstream bootstrap policy) and a few custom ones. */
  private clusterRoles(): void {
    const write = ["create", "delete", "deletecollection", "patch", "update"];
    const read = ["get", "list", "watch"];
    const workloads: PolicyRule = {
      apiGroups: ["apps"],
      resources: ["deployments", "deployments/scale", "replicasets", "statefulsets", "daemonsets"],
      verbs: [...write, ...read],
    };
    const coreRead: PolicyRule = {
      apiGroups: [""],
      resources: ["pods", "pods/log", "services", "endpoints", "configmaps", "persistentvolumeclaims"],
      verbs: read,
    };
    const coreWrite: PolicyRule = {
      apiGroups: [""],
      resources: [
        "pods",
        "pods/exec",
        "pods/attach",
        "pods/portforward",
        "services",
        "configmaps",
        "secrets",
        "serviceaccounts",
        "persistentvolumeclaims",
      ],
      verbs: [...write, ...read],
    };
    const networkPolicies: PolicyRule = {
      apiGroups: ["networking.k8s.io"],
      resources: ["networkpolicies", "ingresses"],
      verbs: [...write, ...read],
    };
    const roles: [string, PolicyRule[]][] = [
      [
        "cluster-admin",
        [
          { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
          { nonResourceURLs: ["*"], verbs: ["*"] },
        ],
      ],
      [
        "admin",
        [
          coreWrite,
          workloads,
          networkPolicies,
          {
            apiGroups: ["rbac.authorization.k8s.io"],
            resources: ["roles", "rolebindings"],
            verbs: [...write, ...read],
          },
        ],
      ],
      ["edit", [coreWrite, workloads, networkPolicies]],
      ["view", [coreRead, { apiGroups: ["apps"], resources: ["deployments", "replicasets"], verbs: read }]],
      [
        "prometheus",
        [
          {
            apiGroups: [""],
            resources: ["nodes", "nodes/metrics", "services", "endpoints", "pods"],
            verbs: read,
          },
          { nonResourceURLs: ["/metrics"], verbs: ["get"] },
        ],
      ],
      ["namespace-lister", [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"] }]],
      ["secret-reader", [{ apiGroups: [""], resources: ["secrets"], verbs: read }]],
      [
        "system:node-proxier",
        [
          { apiGroups: [""], resources: ["endpoints", "services"], verbs: ["list", "watch"] },
          { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
        ],
      ],
    ];
    for (const [name, rules] of roles) {
      const role: ClusterRole = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name, uid: this.nextUid() },
        rules,
      };
      this.add(role);
    }
  }

  private kubeSystem(): void {
    this.namespace("kube-system");
    this.serviceAccount("kube-system", "coredns");
    this.serviceAccount("kube-system", "kube-proxy");
    this.deployment("kube-system", "coredns", {
      replicas: 2,
      labels: { "k8s-app": "kube-dns" },
      serviceAccountName: "coredns",
      ports: [
        { name: "dns", containerPort: 53, protocol: "UDP" },
        { name: "dns-tcp", containerPort: 53 },
        { name: "metrics", containerPort: 9153 },
      ],
    });
    this.service("kube-system", "kube-dns", { "k8s-app": "kube-dns" }, [
      { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
      { name: "dns-tcp", port: 53, targetPort: 53 },
    ]);
    // kube-proxy: one privileged, host-network pod per node, as kubeadm deploys it.
    const template = {
      metadata: { labels: { "k8s-app": "kube-proxy" } },
      spec: {
        serviceAccountName: "kube-proxy",
        hostNetwork: true,
        priorityClassName: "system-node-critical",
        containers: [
          {
            name: "kube-proxy",
            image: "registry.k8s.io/kube-proxy:v1.31.0",
            securityContext: { privileged: true },
            volumeMounts: [
              { name: "lib-modules", mountPath: "/lib/modules", readOnly: true },
              { name: "xtables-lock", mountPath: "/run/xtables.lock" },
            ],
          },
        ],
        volumes: [
          { name: "lib-modules", hostPath: { path: "/lib/modules" } },
          { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
        ],
      } satisfies PodSpec,
    };
    const uid = this.nextUid();
    this.add({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "kube-proxy", namespace: "kube-system", uid, labels: { "k8s-app": "kube-proxy" } },
      spec: { selector: { matchLabels: { "k8s-app": "kube-proxy" } }, template: clone(template) },
    });
    this.nodeNames.forEach((nodeName, i) => {
      const pod: Pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: `kube-proxy-${this.hash(5)}`,
          namespace: "kube-system",
          uid: this.nextUid(),
          labels: { ...template.metadata.labels, "controller-revision-hash": "6d4b8f7c9" },
          ownerReferences: [owner("apps/v1", "DaemonSet", "kube-proxy", uid)],
        },
        spec: { ...clone(template.spec), nodeName },
        status: { phase: "Running", podIP: nodeIP(i), hostIP: nodeIP(i) },
      };
      this.add(pod);
    });
    this.clusterRoleBinding("system:node-proxier", "system:node-proxier", [
      { kind: "ServiceAccount", name: "kube-proxy", namespace: "kube-system" },
    ]);
  }

  private monitoring(): void {
    this.namespace("monitoring", { "app.kubernetes.io/part-of": "monitoring" });
    this.serviceAccount("monitoring", "prometheus");
    this.deployment("monitoring", "prometheus", {
      replicas: 1,
      labels: { app: "prometheus" },
      serviceAccountName: "prometheus",
      ports: [{ name: "web", containerPort: 9090 }],
    });
    this.clusterRoleBinding("prometheus", "prometheus", [
      { kind: "ServiceAccount", name: "prometheus", namespace: "monitoring" },
    ]);
  }

  private clusterRoleBinding(name: string, clusterRole: string, subjects: Subject[]): void {
    const binding: ClusterRoleBinding = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name, uid: this.nextUid() },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
      subjects,
    };
    this.add(binding);
  }

  /** Platform admins, a bootstrap group, monitoring, and the occasional tenant user given cluster-wide reach. */
  private clusterRoleBindings(): void {
    const { tenants } = this.options;
    for (let i = 0; i < this.options.clusterRoleBindings; i++) {
      const tenant = tenantName(Math.floor(this.random() * Math.max(1, tenants)));
      switch (i % 5) {
        case 0:
          this.clusterRoleBinding(`platform-admins-${i}`, "cluster-admin", [
            { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "platform-admins" },
          ]);
          break;
        case 1:
          this.clusterRoleBinding(`${tenant}-namespace-lister-${i}`, "namespace-lister", [
            { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `${tenant}:developers` },
          ]);
          break;
        case 2:
          // Cross-tenant read: the classic leak (view everywhere for one tenant's user).
          this.clusterRoleBinding(`${tenant}-viewer-${i}`, "view", [
            { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: `${tenant}-owner@example.com` },
          ]);
          break;
        case 3:
          this.clusterRoleBinding(`ci-deployer-${i}`, "edit", [
            { kind: "ServiceAccount", name: "deployer", namespace: `${tenant}-ci` },
          ]);
          break;
        default:
          this.clusterRoleBinding(`auditor-${i}`, this.chance(0.2) ? "secret-reader" : "view", [
            { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: `auditor-${i}@example.com` },
          ]);
      }
    }
  }

  // ---- tenants -------------------------------------------------------------------------------------

  private tenant(t: number): void {
    const tenant = tenantName(t);
    for (let n = 0; n < this.options.namespacesPerTenant; n++) {
      const env = ENVS[n % ENVS.length]!;
      const name = n < ENVS.length ? `${tenant}-${env}` : `${tenant}-${env}-${Math.floor(n / ENVS.length)}`;
      const labels: Record<string, string> = { tenant, env };
      const pss = this.random();
      if (pss < 0.3) labels["pod-security.kubernetes.io/enforce"] = "restricted";
      else if (pss < 0.6) labels["pod-security.kubernetes.io/enforce"] = "baseline";
      else if (pss < 0.7) labels["pod-security.kubernetes.io/warn"] = "restricted";
      this.namespace(name, labels);
      if (env === "ci") this.serviceAccount(name, "deployer");
      this.tenantNamespace(tenant, name, env, labels["pod-security.kubernetes.io/enforce"] === "restricted");
    }
  }

  private tenantNamespace(tenant: string, namespace: string, env: string, restricted: boolean): void {
    const apps: string[] = [];
    for (let d = 0; d < this.options.deploymentsPerNamespace; d++) {
      const tier = TIERS[d % TIERS.length]!;
      const app = `${tier}-${d}`;
      apps.push(app);
      this.serviceAccount(namespace, app);
      // Most pods are ordinary; a few are the dangerous kind audits exist for.
      const risky = !restricted && this.chance(0.02);
      this.deployment(namespace, app, {
        replicas: this.options.replicas,
        labels: { app, tier, tenant },
        serviceAccountName: app,
        ports:
          tier === "db"
            ? [{ name: "postgres", containerPort: 5432 }]
            : [
                { name: "http", containerPort: 8080 },
                { name: "metrics", containerPort: 9090 },
              ],
        hardened: restricted || this.chance(0.3),
        privileged: risky,
      });
      this.service(
        namespace,
        app,
        { app },
        tier === "db"
          ? [{ name: "postgres", port: 5432, targetPort: "postgres" }]
          : [{ name: "http", port: 80, targetPort: "http" }],
      );
    }
    this.roles(namespace);
    this.policies(tenant, namespace, env, apps);
    this.bindings(tenant, namespace);
  }

  private deployment(
    namespace: string,
    name: string,
    shape: {
      replicas: number;
      labels: Record<string, string>;
      serviceAccountName: string;
      ports: { name: string; containerPort: number; protocol?: Protocol }[];
      hardened?: boolean;
      privileged?: boolean;
    },
  ): void {
    const container: Container = {
      name: name.split("-")[0]!,
      image: `registry.example.com/${name.split("-")[0]}:1.${Math.floor(this.random() * 20)}.0`,
      ports: shape.ports.map((p) => ({ ...p })),
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    };
    const spec: PodSpec = { serviceAccountName: shape.serviceAccountName, containers: [container] };
    if (shape.hardened) {
      spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
      container.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
    }
    if (shape.privileged) {
      container.securityContext = { privileged: true };
      container.volumeMounts = [{ name: "host", mountPath: "/host" }];
      spec.volumes = [{ name: "host", hostPath: { path: this.pick(["/", "/var/run/docker.sock", "/etc"]) } }];
      if (this.chance(0.5)) spec.hostNetwork = true;
    } else if (this.chance(0.2)) {
      container.volumeMounts = [{ name: "cache", mountPath: "/cache" }];
      spec.volumes = [{ name: "cache" }]; // no source: defaulted to emptyDir, as the API server does
    }
    const templateHash = this.hash(10);
    const template = { metadata: { labels: { ...shape.labels } }, spec };
    const deploymentUid = this.nextUid();
    const deployment: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace, uid: deploymentUid, labels: { ...shape.labels } },
      spec: {
        replicas: shape.replicas,
        selector: { matchLabels: selectorLabels(shape.labels) },
        template: clone(template),
      },
    };
    this.add(deployment);
    const replicaSetName = `${name}-${templateHash}`;
    const replicaSetUid = this.nextUid();
    const podLabels = { ...shape.labels, "pod-template-hash": templateHash };
    const replicaSet: ReplicaSet = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: replicaSetName,
        namespace,
        uid: replicaSetUid,
        labels: podLabels,
        ownerReferences: [owner("apps/v1", "Deployment", name, deploymentUid)],
      },
      spec: {
        replicas: shape.replicas,
        selector: {
          matchLabels: { ...deployment.spec!.selector.matchLabels, "pod-template-hash": templateHash },
        },
        template: { metadata: { labels: { ...podLabels } }, spec: clone(spec) },
      },
    };
    this.add(replicaSet);
    for (let r = 0; r < shape.replicas; r++) {
      const pod: Pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: `${replicaSetName}-${this.hash(5)}`,
          namespace,
          uid: this.nextUid(),
          labels: { ...podLabels },
          ownerReferences: [owner("apps/v1", "ReplicaSet", replicaSetName, replicaSetUid)],
        },
        spec: { ...clone(spec), nodeName: this.pick(this.nodeNames) },
        status: { phase: "Running", podIP: this.podIP() },
      };
      this.add(pod);
    }
  }

  private service(
    namespace: string,
    name: string,
    selector: Record<string, string>,
    ports: { name: string; port: number; targetPort: number | string; protocol?: Protocol }[],
  ): void {
    const service: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace, uid: this.nextUid() },
      spec: {
        type: "ClusterIP",
        clusterIP: this.clusterIP(),
        selector,
        ports: ports.map((p) => ({ protocol: "TCP" as const, ...p })),
      },
    };
    this.add(service);
  }

  private roles(namespace: string): void {
    const read = ["get", "list", "watch"];
    const shapes: [string, PolicyRule[]][] = [
      [
        "deployer",
        [
          { apiGroups: ["apps"], resources: ["deployments", "replicasets"], verbs: ["*"] },
          { apiGroups: [""], resources: ["pods", "services", "configmaps"], verbs: ["*"] },
        ],
      ],
      ["pod-reader", [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: read }]],
      ["secret-reader", [{ apiGroups: [""], resources: ["secrets"], verbs: read }]],
      [
        "config-editor",
        [
          {
            apiGroups: [""],
            resources: ["configmaps"],
            resourceNames: ["app-config"],
            verbs: ["get", "update"],
          },
        ],
      ],
      ["exec", [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create", "get"] }]],
    ];
    const count = this.options.roles ?? 2;
    for (let i = 0; i < count; i++) {
      const [base, rules] = shapes[i % shapes.length]!;
      const role: Role = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: roleName(base, i, shapes.length), namespace, uid: this.nextUid() },
        rules: clone(rules),
      };
      this.add(role);
    }
  }

  private bindings(tenant: string, namespace: string): void {
    const group = "rbac.authorization.k8s.io";
    const roleCount = this.options.roles ?? 2;
    const clusterRole = (name: string) => ({ apiGroup: group, kind: "ClusterRole", name });
    for (let i = 0; i < this.options.bindingsPerNamespace; i++) {
      let name: string;
      let roleRef: RoleBinding["roleRef"];
      let subjects: Subject[];
      switch (i) {
        case 0:
          name = "tenant-admins";
          roleRef = clusterRole("admin");
          subjects = [{ kind: "User", apiGroup: group, name: `${tenant}-owner@example.com` }];
          break;
        case 1:
          name = "tenant-developers";
          roleRef = clusterRole("edit");
          subjects = [{ kind: "Group", apiGroup: group, name: `${tenant}:developers` }];
          // Over-broad: every authenticated user may edit (a finding, on purpose, now and then).
          if (this.chance(0.01))
            subjects.push({ kind: "Group", apiGroup: group, name: "system:authenticated" });
          break;
        case 2:
          name = "tenant-viewers";
          roleRef = clusterRole("view");
          subjects = [{ kind: "Group", apiGroup: group, name: `${tenant}:viewers` }];
          break;
        case 3:
          name = "ci-deployer";
          roleRef =
            roleCount > 0
              ? { apiGroup: group, kind: "Role", name: roleName("deployer", 0, 5) }
              : clusterRole("edit");
          // A service account of the tenant's CI namespace deploys everywhere in the tenant.
          subjects = [{ kind: "ServiceAccount", name: "deployer", namespace: `${tenant}-ci` }];
          break;
        default: {
          name = `binding-${i}`;
          const r = i % Math.max(1, roleCount);
          roleRef =
            roleCount > 0
              ? { apiGroup: group, kind: "Role", name: roleName(ROLE_BASES[r % ROLE_BASES.length]!, r, 5) }
              : clusterRole("view");
          subjects = this.chance(0.5)
            ? [{ kind: "User", apiGroup: group, name: `user-${i}@${tenant}.example.com` }]
            : [{ kind: "ServiceAccount", name: "default", namespace }];
        }
      }
      const binding: RoleBinding = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name, namespace, uid: this.nextUid() },
        roleRef,
        subjects,
      };
      this.add(binding);
    }
  }

  private policies(tenant: string, namespace: string, env: string, apps: string[]): void {
    const count = this.options.policiesPerNamespace;
    if (count === 0) return;
    const shapes = POLICY_SHAPES;
    // Most namespaces start from default-deny ingress; the rest rotate from a random shape.
    const chosen: PolicyShape[] = [];
    if (this.chance(0.9)) chosen.push(shapes[0]!);
    let next = 1 + Math.floor(this.random() * (shapes.length - 1));
    while (chosen.length < Math.min(count, shapes.length)) {
      const shape = shapes[next % shapes.length]!;
      if (!chosen.includes(shape)) chosen.push(shape);
      next++;
    }
    const context = { tenant, env, apps, pick: <T>(items: readonly T[]) => this.pick(items) };
    const policies = chosen.map((shape) => shape(context));
    // More policies than shapes: one allow-list per app, as teams write them.
    for (let i = chosen.length; i < count; i++) {
      const app = apps[i % Math.max(1, apps.length)] ?? "web-0";
      policies.push({
        name: `allow-${app}-from-${tenant}-${i}`,
        spec: {
          podSelector: { matchLabels: { app } },
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { tenant } }, podSelector: {} }],
              ports: [{ port: "http" }],
            },
          ],
        },
      });
    }
    for (const { name, spec } of policies) {
      const policy: NetworkPolicy = {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name, namespace, uid: this.nextUid() },
        spec,
      };
      this.add(policy);
    }
  }
}

type Protocol = "TCP" | "UDP" | "SCTP";

const ROLE_BASES = ["deployer", "pod-reader", "secret-reader", "config-editor", "exec"] as const;

function roleName(base: string, index: number, shapes: number): string {
  return index < shapes ? base : `${base}-${Math.floor(index / shapes)}`;
}

type PolicyShape = (context: {
  tenant: string;
  env: string;
  apps: string[];
  pick<T>(items: readonly T[]): T;
}) => { name: string; spec: NonNullable<NetworkPolicy["spec"]> };

/** The NetworkPolicies clusters actually contain, most common first. */
const POLICY_SHAPES: PolicyShape[] = [
  () => ({ name: "default-deny-ingress", spec: { podSelector: {}, policyTypes: ["Ingress"] } }),
  () => ({
    name: "allow-same-namespace",
    spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] },
  }),
  () => ({
    name: "allow-dns",
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [{ protocol: "UDP", port: 53 }, { port: 53 }],
        },
      ],
    },
  }),
  () => ({ name: "default-deny-egress", spec: { podSelector: {}, policyTypes: ["Egress"] } }),
  ({ tenant, env, apps, pick }) => ({
    name: "allow-from-tenant",
    spec: {
      podSelector: { matchLabels: { app: pick(apps.length > 0 ? apps : ["web-0"]) } },
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { tenant },
                matchExpressions: [{ key: "env", operator: "In", values: [env, "ci"] }],
              },
            },
          ],
          ports: [{ port: "http" }],
        },
      ],
    },
  }),
  () => ({
    name: "allow-egress-internet",
    spec: {
      podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["api", "worker"] }] },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "169.254.169.254/32"] } }],
          ports: [{ port: 443 }],
        },
      ],
    },
  }),
  () => ({
    name: "allow-monitoring",
    spec: {
      podSelector: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] },
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
              podSelector: { matchLabels: { app: "prometheus" } },
            },
          ],
          ports: [{ port: "metrics" }],
        },
      ],
    },
  }),
];

function nodeIP(index: number): string {
  const n = index + 10;
  return `192.168.${(n >> 8) & 255}.${n & 255}`;
}

function tenantName(t: number): string {
  return `tenant-${pad(t + 1, 3)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function owner(apiVersion: string, kind: string, name: string, uid: string) {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/** What a Deployment selects its pods by: `app`, or `k8s-app` for system components. */
function selectorLabels(labels: Record<string, string>): Record<string, string> {
  const key = labels.app !== undefined ? "app" : "k8s-app";
  return { [key]: labels[key] ?? "" };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

// ---- writing a List --------------------------------------------------------------------------------

/** `yaml`/`json`: one `List`, as `kubectl get -o yaml|json` prints it; `yaml-stream`: `---` documents, as `helm template`. */
export type ListFormat = "yaml" | "json" | "yaml-stream";

/**
 * The snapshot as one `List`, as `kubectl get -o yaml|json` prints it, streamed in chunks (a large cluster
 * is hundreds of megabytes). YAML is emitted directly (plain JSON-shaped data only), because a general
 * YAML library takes minutes on 100 000 pods.
 */
export async function writeList(
  snapshot: Snapshot,
  format: ListFormat,
  out: NodeJS.WritableStream,
): Promise<void> {
  const write = (chunk: string) =>
    new Promise<void>((resolve, reject) => {
      const ok = out.write(chunk, (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else out.once("drain", resolve);
    });
  const objects = allObjects(snapshot);
  let buffer =
    format === "json"
      ? '{\n"apiVersion": "v1",\n"kind": "List",\n"items": [\n'
      : format === "yaml"
        ? "apiVersion: v1\nkind: List\nitems:\n"
        : "";
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i]!;
    if (format === "json") buffer += `${i > 0 ? ",\n" : ""}${JSON.stringify(object)}`;
    else if (format === "yaml") buffer += yamlItem(object);
    else buffer += yamlDocument(object);
    if (buffer.length > 1 << 20) {
      await write(buffer);
      buffer = "";
    }
  }
  if (format === "json") buffer += '\n],\n"metadata": {"resourceVersion": ""}\n}\n';
  else if (format === "yaml") buffer += 'metadata:\n  resourceVersion: ""\n';
  await write(buffer);
}

/** One document of a stream: `---` then the object as block YAML. */
function yamlDocument(value: unknown): string {
  const lines: string[] = [];
  emitYaml(value, 0, lines);
  return `---\n${lines.join("\n")}\n`;
}

/** One list item: `- ` then the object as block YAML indented under it. */
function yamlItem(value: unknown): string {
  const lines: string[] = [];
  emitYaml(value, 0, lines);
  return `- ${lines.join("\n  ")}\n`;
}

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const PLAIN_STRING = /^[A-Za-z_/][A-Za-z0-9_./@-]*$/;
const YAML_WORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** Strings plain when YAML cannot mistake them for anything else, double-quoted (JSON syntax) otherwise. */
function scalar(value: unknown): string {
  if (typeof value === "string")
    return PLAIN_STRING.test(value) && !YAML_WORDS.test(value) ? value : JSON.stringify(value);
  if (value === null || value === undefined) return "null";
  return String(value);
}

function key(name: string): string {
  return PLAIN_KEY.test(name) && !YAML_WORDS.test(name) ? name : JSON.stringify(name);
}

/** Appends `value` as block YAML; `lines` hold text relative to the item's indentation. */
function emitYaml(value: unknown, indent: number, lines: string[]): void {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isContainer(item) && !isEmpty(item)) {
        const nested: string[] = [];
        emitYaml(item, 0, nested);
        lines.push(`${pad}- ${nested[0]}`);
        for (const line of nested.slice(1)) lines.push(`${pad}  ${line}`);
      } else {
        lines.push(`${pad}- ${isContainer(item) ? (Array.isArray(item) ? "[]" : "{}") : scalar(item)}`);
      }
    }
    return;
  }
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    if (isContainer(item) && !isEmpty(item)) {
      lines.push(`${pad}${key(name)}:`);
      // Sequences under a mapping key sit at the key's indentation, as kubectl prints them.
      emitYaml(item, Array.isArray(item) ? indent : indent + 2, lines);
    } else {
      const text = isContainer(item) ? (Array.isArray(item) ? "[]" : "{}") : scalar(item);
      lines.push(`${pad}${key(name)}: ${text}`);
    }
  }
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

// ---- command line ----------------------------------------------------------------------------------

const FLAGS = {
  size: { type: "string" },
  seed: { type: "string" },
  tenants: { type: "string" },
  "namespaces-per-tenant": { type: "string" },
  "deployments-per-namespace": { type: "string" },
  replicas: { type: "string" },
  "policies-per-namespace": { type: "string" },
  "bindings-per-namespace": { type: "string" },
  "cluster-role-bindings": { type: "string" },
  roles: { type: "string" },
  output: { type: "string", short: "o", default: "yaml" },
  file: { type: "string", short: "f" },
  help: { type: "boolean", short: "h" },
} as const;

/** `--size` (default small) then explicit flags on top. Throws a message for bad flags. */
export function optionsFromArgs(args: string[]): {
  options: GenerateOptions;
  format: ListFormat;
  file?: string;
  help: boolean;
} {
  const { values } = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false });
  const size = values.size ?? "small";
  if (!(size in SIZES))
    throw new Error(`--size must be one of ${Object.keys(SIZES).join(", ")}, not "${size}"`);
  const options: GenerateOptions = { ...SIZES[size as Size] };
  const number = (flag: keyof typeof FLAGS, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${flag} must be a non-negative integer, not "${value}"`);
    return n;
  };
  const set = (field: keyof GenerateOptions, flag: keyof typeof FLAGS) => {
    const n = number(flag, values[flag] as string | undefined);
    if (n !== undefined) options[field] = n;
  };
  set("seed", "seed");
  set("tenants", "tenants");
  set("namespacesPerTenant", "namespaces-per-tenant");
  set("deploymentsPerNamespace", "deployments-per-namespace");
  set("replicas", "replicas");
  set("policiesPerNamespace", "policies-per-namespace");
  set("bindingsPerNamespace", "bindings-per-namespace");
  set("clusterRoleBindings", "cluster-role-bindings");
  set("roles", "roles");
  const format = values.output;
  if (format !== "yaml" && format !== "json") throw new Error(`-o must be yaml or json, not "${format}"`);
  return { options, format, file: values.file, help: values.help ?? false };
}

const USAGE = `Usage: npx tsx bench/generate.ts [--size small|medium|large] [flags] [-o yaml|json] [-f FILE]

Prints a synthetic, deterministic cluster as a List (stdout, or -f FILE).

Flags (override the --size preset):
  --seed N  --tenants N  --namespaces-per-tenant N  --deployments-per-namespace N  --replicas N
  --policies-per-namespace N  --bindings-per-namespace N  --cluster-role-bindings N  --roles N

Examples:
  npx tsx bench/generate.ts --size medium -o yaml > cluster.yaml && kubefence audit -f cluster.yaml
  npx tsx bench/generate.ts --tenants 2 --namespaces-per-tenant 2 --seed 7 -o json
`;

async function main(): Promise<void> {
  let parsed: ReturnType<typeof optionsFromArgs>;
  try {
    parsed = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const snapshot = generateCluster(parsed.options);
  const out = parsed.file ? createWriteStream(parsed.file) : process.stdout;
  await writeList(snapshot, parsed.format, out);
  if (parsed.file) await new Promise<void>((resolve) => out.end(resolve));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
