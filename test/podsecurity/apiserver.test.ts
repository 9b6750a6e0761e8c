/**
 * The proof for the Pod Security engine: random pods, biased toward every field a check reads, are sent with
 * dryRun=All to the real kube-apiserver (test/cluster pins v1.37) and its PodSecurity admission plugin, into
 * namespaces labelled to enforce baseline and restricted at several policy versions. The server's verdict —
 * the 403's message, or the `Warning` header of the warn label — must equal kubefence's byte for byte.
 *
 * Each pod is first created (dry run) in an unlabelled namespace: that answers whether the API server's
 * validation accepts it at all (a rejected pod never reaches admission and is not counted), and gives the pod
 * as admission sees it, after defaulting and PrepareForCreate (e.g. AppArmor annotations copied to fields).
 * kubefence judges that object, as it judges the pods it reads from a cluster.
 *
 * Every labelled namespace `b-V` enforces baseline:V and warns restricted:V: a pod baseline denies gives
 * baseline's message; one it allows gives restricted's warning (admission adds no warning to a request it
 * denies). Namespace `r-V` enforces restricted:V. Each pod goes to both at latest and at one older (or newer)
 * version: 5 requests. Ephemeral containers, which a create cannot carry, are judged in the second test.
 *
 * The pods come from fast-check with a fixed seed (KUBEFENCE_PSA_SEED overrides it); a disagreement fails the
 * property with the pod, the server's text and kubefence's, and fast-check prints the seed and path to replay.
 */
import type { Agent } from "node:https";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObjectMeta, PodSpec } from "../../src/model/objects.js";
import { admitPodSpec, policyToEvaluate } from "../../src/podsecurity/index.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

/** Pods as kubefence reads them from a manifest (admission's validation and defaulting included). */
function loadManifestText(text: string) {
  return buildSnapshot(parseDocuments(text, "pods.yaml").documents, { synthesizeNamespaces: true }).snapshot
    .pods;
}

let cluster: TestCluster;
let agent: Agent;

/**
 * Policy versions: every pod at latest and at one of the others — the oldest ParseVersion accepts (v1.0),
 * ones just before checks change (v1.22: before runAsUser; v1.25: Windows exemptions, capabilities; v1.30:
 * before the SELinux and sysctl updates; v1.34: before the user-namespace relaxations), and one newer than
 * the server, which evaluates as latest but keeps its own name in the message.
 */
const OLDER_VERSIONS = ["v1.0", "v1.22", "v1.25", "v1.30", "v1.34", "v1.99"] as const;
const VERSIONS = [...OLDER_VERSIONS, "latest"] as const;
const REFERENCE_NS = "psa-reference";
const BATCH = 50;
const RUNS = Number(process.env.KUBEFENCE_PSA_RUNS ?? 104); // 5 200 pods, of which a few are invalid
const MIN_JUDGED = 5_000;
const IN_FLIGHT = 12;
const SEED = Number(process.env.KUBEFENCE_PSA_SEED ?? 1_372_020);
const EPHEMERAL_PODS = 200;
const PATCH = { "Content-Type": "application/strategic-merge-patch+json" };
/** Pods whose ephemeral containers are added: created while every namespace is unlabelled. */
const EPHEMERAL_NAMESPACES: TestNamespace[] = [
  { name: "e-reference", labels: {} },
  {
    name: "e-b-latest",
    labels: {
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/warn": "restricted",
    },
  },
  { name: "e-r-latest", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
];
const HOST_PID_POD: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "host-pid" },
  spec: { hostPID: true, containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
};

interface TestNamespace {
  name: string;
  labels: Record<string, string>;
}

const namespacesAt = (version: string): TestNamespace[] => {
  const v = version.replace(".", "-");
  return [
    {
      name: `b-${v}`,
      labels: {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": version,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": version,
      },
    },
    {
      name: `r-${v}`,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": version,
      },
    },
  ];
};
const NAMESPACES: TestNamespace[] = VERSIONS.flatMap(namespacesAt);

beforeAll(async () => {
  cluster = await startTestCluster();
  agent = cluster.keepAliveAgent(IN_FLIGHT);
  await cluster.apply(
    [
      { name: REFERENCE_NS, labels: {} },
      ...NAMESPACES,
      ...EPHEMERAL_NAMESPACES.map((ns) => ({ ...ns, labels: {} })),
    ].map((ns) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns.name, labels: ns.labels },
    })),
  );
});
afterAll(async () => {
  agent?.destroy();
  await cluster?.stop();
});

// ---------------------------------------------------------------------------------------------------------
// Pods.

/** Mostly values that pass, now and then ones that do not: a pod breaks a few rules, rarely all of them. */
const mostly = <T>(safe: readonly T[], risky: readonly T[]) =>
  fc.oneof(
    { weight: 14, arbitrary: fc.constantFrom(...safe) },
    { weight: 1, arbitrary: fc.constantFrom(...risky) },
  );
const some = <T>(items: readonly T[]) => fc.constantFrom(...items);
const bool = fc.boolean();
const rarelyTrue = mostly([false], [true]);
/** A key present now and then. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, freq = 3) => fc.option(arbitrary, { nil: undefined, freq });

const HOSTS = ["", "127.0.0.1", "localhost", "10.1.2.3", "example.com", "::1"];
const SAFE_CAPABILITIES = ["NET_BIND_SERVICE", "CHOWN", "KILL", "AUDIT_WRITE", "SETUID", "MKNOD", "SETGID"];
const RISKY_CAPABILITIES = [
  "ALL",
  "all",
  "net_bind_service",
  "CAP_NET_BIND_SERVICE",
  "SYS_ADMIN",
  "CAP_SYS_ADMIN",
  "NET_RAW",
  "SYS_PTRACE",
  "BPF",
  "Net_Raw",
  "",
  " ALL",
  'x"y',
  "tab\tin",
  "back\\slash",
  "ünïcode",
];
const SAFE_SYSCTLS = [
  // Safe since v1.0.
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  // Since v1.27, v1.29, v1.32, v1.37.
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
  "net.ipv4.tcp_slow_start_after_idle",
  "net.ipv4.tcp_notsent_lowat",
];
const UNSAFE_SYSCTLS = [
  "kernel.msgmax",
  "kernel.sem",
  "net.core.somaxconn",
  "net.ipv4.ip_forward",
  "net/ipv4/tcp_syncookies",
  "kernel.shm_rmid_forced.x",
];
const SAFE_SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
const RISKY_SELINUX_TYPES = ["spc_t", "unconfined_t", "Container_t"];

const profile = (localhost: string) =>
  mostly(["RuntimeDefault", "Localhost"], ["Unconfined"]).map((type) =>
    type === "Localhost" ? { type, localhostProfile: localhost } : { type },
  );

const seLinuxOptions = fc.record(
  {
    type: mostly(SAFE_SELINUX_TYPES, RISKY_SELINUX_TYPES),
    user: mostly([""], ["system_u", "unconfined_u"]),
    role: mostly([""], ["system_r", "object_r"]),
    level: some(["", "s0", "s0:c1,c2", "s0-s0:c0.c1023"]),
  },
  { requiredKeys: [] },
);

const windowsOptions = fc.record({ hostProcess: fc.constant(false) });
const runAsUser = mostly([1000, 65534], [0]);

const capabilities = fc.subarray([...SAFE_CAPABILITIES, ...RISKY_CAPABILITIES], { maxLength: 2 });
const containerSecurityContext = fc.record(
  {
    privileged: rarelyTrue,
    allowPrivilegeEscalation: mostly([false], [true]),
    capabilities: fc.record(
      {
        add: fc.oneof(
          { weight: 3, arbitrary: fc.subarray(SAFE_CAPABILITIES, { maxLength: 2 }) },
          capabilities,
        ),
        drop: fc.oneof({ weight: 3, arbitrary: fc.constant(["ALL"]) }, capabilities),
      },
      { requiredKeys: [] },
    ),
    procMount: mostly(["Default"], ["Unmasked"]),
    seLinuxOptions,
    seccompProfile: profile("profile.json"),
    appArmorProfile: profile("k8s-apparmor"),
    runAsNonRoot: mostly([true], [false]),
    runAsUser,
    readOnlyRootFilesystem: bool,
    windowsOptions,
  },
  { requiredKeys: [] },
);

const handler = (port: number, sleep: boolean) =>
  fc.oneof(
    fc.record({
      httpGet: fc.record({ port: fc.constant(port), host: mostly([""], HOSTS) }, { requiredKeys: ["port"] }),
    }),
    fc.record({
      tcpSocket: fc.record(
        { port: fc.constant(port), host: mostly([""], HOSTS) },
        { requiredKeys: ["port"] },
      ),
    }),
    fc.constant(sleep ? { sleep: { seconds: 1 } } : { exec: { command: ["true"] } }),
  );

const probes = fc.record(
  {
    livenessProbe: handler(8080, false),
    readinessProbe: handler(8081, false),
    startupProbe: handler(8082, false),
  },
  { requiredKeys: [] },
);
const lifecycle = fc.record(
  { postStart: handler(8083, true), preStop: handler(8084, true) },
  { requiredKeys: [] },
);

/** Numbers whose text order is not their numeric order, and the ends of the range. */
const PORT_NUMBERS = [1, 53, 80, 443, 999, 1000, 8080, 9376, 10000, 10250, 65535];
interface PortChoice {
  containerPort: number;
  hostPort: "none" | "zero" | "same" | "other";
  otherPort: number;
  protocol: "TCP" | "UDP";
}
const ports = fc.array(
  fc.record({
    containerPort: some(PORT_NUMBERS),
    hostPort: mostly(["none", "zero"] as const, ["same", "other"] as const),
    otherPort: some(PORT_NUMBERS),
    protocol: some(["TCP", "UDP"] as const),
  }),
  { maxLength: 2 },
);

interface ContainerChoice {
  securityContext?: Record<string, unknown>;
  ports: PortChoice[];
  probes?: Record<string, unknown>;
  lifecycle?: Record<string, unknown>;
  sidecar: boolean;
}
const container: fc.Arbitrary<ContainerChoice> = fc.record(
  {
    securityContext: fc.option(containerSecurityContext, { nil: undefined, freq: 6 }),
    ports,
    probes: sometimes(probes),
    lifecycle: sometimes(lifecycle),
    sidecar: bool,
  },
  { requiredKeys: ["ports", "sidecar"] },
);

const VOLUME_SOURCES: Record<string, unknown> = {
  hostPath: { path: "/var/run/x" },
  emptyDir: {},
  configMap: { name: "cm" },
  secret: { secretName: "s" },
  downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] },
  projected: { sources: [{ configMap: { name: "cm" } }] },
  persistentVolumeClaim: { claimName: "pvc" },
  csi: { driver: "csi.example.com" },
  ephemeral: {
    volumeClaimTemplate: {
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
  },
  image: { reference: "registry.k8s.io/pause:3.10", pullPolicy: "IfNotPresent" },
  gcePersistentDisk: { pdName: "d" },
  awsElasticBlockStore: { volumeID: "vol" },
  gitRepo: { repository: "https://example.com/r.git" },
  nfs: { server: "nfs.example.com", path: "/exports" },
  iscsi: { targetPortal: "10.0.0.1:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0 },
  glusterfs: { endpoints: "ep", path: "vol" },
  rbd: { monitors: ["10.0.0.1:6789"], image: "img" },
  flexVolume: { driver: "example.com/flex" },
  cinder: { volumeID: "v" },
  cephfs: { monitors: ["10.0.0.1:6789"] },
  flocker: { datasetName: "ds" },
  fc: { targetWWNs: ["500a0982991b8dc5"], lun: 0 },
  azureFile: { secretName: "s", shareName: "share" },
  vsphereVolume: { volumePath: "[ds] vol.vmdk" },
  quobyte: { registry: "reg:7861", volume: "vol" },
  azureDisk: { diskName: "d", diskURI: "https://example.com/d.vhd" },
  photonPersistentDisk: { pdID: "p" },
  portworxVolume: { volumeID: "p" },
  scaleIO: { gateway: "gw", system: "sys", secretRef: { name: "s" }, volumeName: "v" },
  storageos: { volumeName: "v" },
};

/** The volume types restricted allows. */
const RESTRICTED_VOLUMES = [
  "emptyDir",
  "configMap",
  "secret",
  "downwardAPI",
  "projected",
  "persistentVolumeClaim",
  "csi",
  "ephemeral",
  "image",
];

interface PodChoice {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  /** A Windows HostProcess pod: host network, every container HostProcess. */
  hostProcess: boolean;
  /** `os.name`; a Windows pod sets none of the Linux-only fields. */
  os?: "linux" | "windows";
  /** Starts from what restricted asks (runAsNonRoot, seccomp, no escalation, drop ALL), the rest on top. */
  compliant: boolean;
  securityContext?: Record<string, unknown>;
  sysctls: string[];
  volumes: string[];
  hostPathType?: string;
  initContainers: ContainerChoice[];
  containers: ContainerChoice[];
  seccompPod?: string;
  seccompContainers: (string | undefined)[];
  appArmor: (string | undefined)[];
}

const podChoice: fc.Arbitrary<PodChoice> = fc.record(
  {
    hostNetwork: sometimes(rarelyTrue),
    hostPID: sometimes(rarelyTrue),
    hostIPC: sometimes(rarelyTrue),
    hostUsers: sometimes(bool),
    hostProcess: mostly([false, false], [true]),
    os: sometimes(
      mostly(["linux"] as const, ["windows"] as const).chain((os) =>
        os === "windows" ? fc.constant(os) : some(["linux", "windows"] as const),
      ),
      1,
    ),
    compliant: bool,
    securityContext: fc.option(
      fc.record(
        {
          runAsNonRoot: mostly([true], [false]),
          runAsUser,
          seLinuxOptions,
          seccompProfile: profile("profile.json"),
          appArmorProfile: profile("k8s-apparmor"),
          windowsOptions,
        },
        { requiredKeys: [] },
      ),
      { nil: undefined, freq: 6 },
    ),
    sysctls: fc.oneof(
      { weight: 4, arbitrary: fc.subarray(SAFE_SYSCTLS, { maxLength: 2 }) },
      fc.subarray([...SAFE_SYSCTLS, ...UNSAFE_SYSCTLS], { maxLength: 3 }),
    ),
    volumes: fc.oneof(
      { weight: 3, arbitrary: fc.subarray(RESTRICTED_VOLUMES, { maxLength: 3 }) },
      fc.subarray(Object.keys(VOLUME_SOURCES), { maxLength: 2 }),
    ),
    hostPathType: fc.option(some(["", "Directory", "Socket"]), { nil: undefined }),
    initContainers: fc.array(container, { maxLength: 2 }),
    containers: fc.array(container, { minLength: 1, maxLength: 2 }),
    seccompPod: sometimes(
      mostly(["runtime/default", "docker/default", "localhost/profile.json"], ["unconfined"]),
      1,
    ),
    seccompContainers: fc.array(
      sometimes(mostly(["runtime/default", "docker/default", "localhost/profile.json"], ["unconfined"]), 1),
      {
        minLength: 4,
        maxLength: 4,
      },
    ),
    appArmor: fc.array(sometimes(mostly(["runtime/default", "localhost/k8s-apparmor"], ["unconfined"]), 1), {
      minLength: 4,
      maxLength: 4,
    }),
  },
  {
    requiredKeys: [
      "hostProcess",
      "compliant",
      "sysctls",
      "volumes",
      "initContainers",
      "containers",
      "seccompContainers",
      "appArmor",
    ],
  },
);

interface Pod {
  apiVersion: "v1";
  kind: "Pod";
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** What a Windows pod may not set (validateWindows). */
const LINUX_ONLY = [
  "seLinuxOptions",
  "seccompProfile",
  "appArmorProfile",
  "runAsUser",
  "runAsGroup",
  "procMount",
  "capabilities",
  "privileged",
  "allowPrivilegeEscalation",
  "readOnlyRootFilesystem",
  "sysctls",
];

/** The annotation value a seccomp or AppArmor profile field must agree with, when both are set. */
function annotationFor(field: { type: string; localhostProfile?: string }): string {
  if (field.type === "RuntimeDefault") return "runtime/default";
  if (field.type === "Unconfined") return "unconfined";
  return `localhost/${field.localhostProfile}`;
}

type Profile = { type: string; localhostProfile?: string };

/**
 * Makes a security context valid with the rest of the pod: Unmasked /proc only in a user namespace, no
 * allowPrivilegeEscalation=false with privileged or CAP_SYS_ADMIN, HostProcess all or nothing.
 */
function validContext(
  context: Record<string, unknown> | undefined,
  choice: PodChoice,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = { ...context };
  if (choice.compliant) {
    out.allowPrivilegeEscalation ??= false;
    const caps = (out.capabilities ?? {}) as { add?: string[]; drop?: string[] };
    out.capabilities = { ...caps, drop: caps.drop ?? ["ALL"] };
  }
  if (choice.os === "windows") for (const key of LINUX_ONLY) delete out[key];
  if (out.procMount === "Unmasked" && (choice.hostUsers !== false || choice.hostProcess))
    out.procMount = "Default";
  const add = (out.capabilities as { add?: string[] } | undefined)?.add ?? [];
  if (out.allowPrivilegeEscalation === false && (out.privileged === true || add.includes("CAP_SYS_ADMIN")))
    delete out.allowPrivilegeEscalation;
  const windows = out.windowsOptions as { hostProcess?: boolean } | undefined;
  if (choice.hostProcess) out.windowsOptions = { hostProcess: true };
  else if (windows?.hostProcess) out.windowsOptions = { hostProcess: false };
  if (choice.os === "linux") delete out.windowsOptions;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A pod the API server's validation accepts (mostly: the reference request filters the rest). */
function buildPod(name: string, choice: PodChoice): Pod {
  const hostPortsUsed = new Set<string>();
  const hostNetwork =
    choice.hostProcess ||
    ((choice.hostUsers !== false || choice.os === "windows") && choice.hostNetwork === true);
  const annotations: Record<string, string> = {};
  const containerOf = (c: ContainerChoice, containerName: string, init: boolean, index: number) => {
    const out: Record<string, unknown> = { name: containerName, image: "registry.k8s.io/pause:3.10" };
    const sidecar = init && c.sidecar;
    if (sidecar) out.restartPolicy = "Always";
    if (c.ports.length > 0)
      out.ports = c.ports.flatMap((p) => {
        const { containerPort, protocol } = p;
        const entry: Record<string, unknown> = { containerPort, protocol };
        if (p.hostPort === "zero") entry.hostPort = 0;
        if (p.hostPort === "same") entry.hostPort = containerPort;
        if (p.hostPort === "other") entry.hostPort = hostNetwork ? containerPort : p.otherPort;
        // A host port (with host networking: every port) is taken once per protocol.
        const taken = `${(entry.hostPort as number) || (hostNetwork ? containerPort : 0)}/${protocol}`;
        if (!taken.startsWith("0/")) {
          if (hostPortsUsed.has(taken)) return [];
          hostPortsUsed.add(taken);
        }
        return [entry];
      });
    const securityContext = validContext(c.securityContext, choice);
    if (securityContext) out.securityContext = securityContext;
    if (!init || sidecar) {
      Object.assign(out, c.probes);
      if (c.lifecycle) out.lifecycle = c.lifecycle;
    }
    // An annotation and the field it stood for must agree.
    const seccompField = securityContext?.seccompProfile as Profile | undefined;
    const seccomp = choice.seccompContainers[index];
    if (seccomp)
      annotations[`container.seccomp.security.alpha.kubernetes.io/${containerName}`] = seccompField
        ? annotationFor(seccompField)
        : seccomp;
    const appArmorField = securityContext?.appArmorProfile as Profile | undefined;
    const appArmor = choice.appArmor[index];
    if (appArmor)
      annotations[`container.apparmor.security.beta.kubernetes.io/${containerName}`] = appArmorField
        ? annotationFor(appArmorField)
        : appArmor;
    return out;
  };
  const initContainers = choice.initContainers.map((c, i) => containerOf(c, `init${i}`, true, i));
  const containers = choice.containers.map((c, i) => containerOf(c, `c${i}`, false, 2 + i));
  const podContext: Record<string, unknown> = { ...choice.securityContext };
  if (choice.compliant) {
    podContext.runAsNonRoot ??= true;
    podContext.seccompProfile ??= { type: "RuntimeDefault" };
  }
  if (choice.os === "windows") for (const key of LINUX_ONLY) delete podContext[key];
  if (choice.os === "linux") delete podContext.windowsOptions;
  if (choice.hostProcess) podContext.windowsOptions = { hostProcess: true };
  else if ((podContext.windowsOptions as { hostProcess?: boolean } | undefined)?.hostProcess)
    podContext.windowsOptions = { hostProcess: false };
  const podSeccomp = podContext.seccompProfile as Profile | undefined;
  if (choice.seccompPod)
    annotations["seccomp.security.alpha.kubernetes.io/pod"] = podSeccomp
      ? annotationFor(podSeccomp)
      : choice.seccompPod;

  const spec: Record<string, unknown> = { containers };
  if (choice.os) spec.os = { name: choice.os };
  if (initContainers.length > 0) spec.initContainers = initContainers;
  if (choice.hostProcess) spec.hostNetwork = true;
  else if (choice.hostUsers === false && choice.os !== "windows") spec.hostUsers = false;
  else {
    if (choice.hostUsers) spec.hostUsers = true;
    for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const)
      if (choice[key] !== undefined) spec[key] = choice[key];
  }
  const securityContext = podContext;
  const sysctls = choice.sysctls.filter(
    (s) =>
      !(spec.hostNetwork && /^net[./]/.test(s)) &&
      !(spec.hostIPC && /^(kernel\.(shm|msg|sem)|fs\.mqueue)/.test(s)),
  );
  if (sysctls.length > 0 && choice.os !== "windows")
    securityContext.sysctls = sysctls.map((s) => ({ name: s, value: "1" }));
  if (Object.keys(securityContext).length > 0) spec.securityContext = securityContext;
  if (choice.volumes.length > 0)
    spec.volumes = choice.volumes.map((source, i) => ({
      name: `v${i}`,
      [source]:
        source === "hostPath" && choice.hostPathType !== undefined
          ? { ...(VOLUME_SOURCES[source] as object), type: choice.hostPathType }
          : VOLUME_SOURCES[source],
    }));
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Requests.

let inFlight = 0;
const waiting: (() => void)[] = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (inFlight >= IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
  inFlight++;
  try {
    return await work();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

interface Answer {
  status: number;
  body: { message?: string; metadata?: ObjectMeta; spec?: PodSpec; reason?: string };
  warnings: string[];
}

let requests = 0;
async function dryRunCreate(namespace: string, pod: Pod): Promise<Answer> {
  const answer = await limited(() =>
    cluster.request<Answer["body"]>(
      "POST",
      `/api/v1/namespaces/${namespace}/pods?dryRun=All`,
      pod,
      {},
      { agent },
    ),
  );
  requests++;
  return { status: answer.status, body: answer.body, warnings: warningTexts(answer.headers ?? []) };
}

/** The texts of the `Warning: 299 - "…"` headers (net.NewWarningHeader quotes `"` and `\`; bytes are UTF-8). */
function warningTexts(headers: [string, string][]): string[] {
  const texts: string[] = [];
  for (const [name, value] of headers) {
    if (name !== "warning") continue;
    const utf8 = Buffer.from(value, "latin1").toString("utf8");
    const match = /^299 - "((?:[^"\\]|\\.)*)"$/.exec(utf8);
    if (!match) throw new Error(`unparsable Warning header: ${utf8}`);
    texts.push(match[1]!.replace(/\\(.)/g, "$1"));
  }
  return texts;
}

/**
 * What the warning recorder sends for a warning it was given (filters/warning.go): all of it, unless 4096
 * runes were exceeded; nothing if it holds a control character (net.NewWarningHeader refuses it).
 */
function recordedWarning(text: string, others: readonly string[]): string | undefined {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) return undefined;
  const runes = (s: string) => [...s].length;
  const total = others.reduce((sum, other) => sum + runes(other), 0) + runes(text);
  return total <= 4096 ? text : [...text].slice(0, 256).join("");
}

// ---------------------------------------------------------------------------------------------------------
// The comparison.

const stats = {
  generated: 0,
  invalid: 0,
  judged: 0,
  denied: 0,
  baselineAllowed: 0,
  restrictedAllowed: 0,
  warned: 0,
  truncated: 0,
};
const invalidReasons = new Map<string, number>();

function noteInvalid(message: string | undefined): undefined {
  stats.invalid++;
  for (const reason of (message ?? "")
    .replace(/^.*?is invalid: \[?/, "")
    .replace(/\]$/, "")
    .split(/, (?=spec|metadata)/)) {
    const key = reason.replace(/\[\d+\]/g, "[*]").slice(0, 200);
    invalidReasons.set(key, (invalidReasons.get(key) ?? 0) + 1);
  }
  return undefined;
}

/**
 * The server's answer in one labelled namespace against kubefence's verdict on the pod as admitted there;
 * a description of the difference, or undefined.
 */
function compare(ns: TestNamespace, podName: string, answer: Answer, admitted: Admitted): string | undefined {
  const verdict = admitPodSpec(policyToEvaluate(ns.labels).policy, admitted.metadata, admitted.spec);
  const psa = (w: string) => w.startsWith("would violate PodSecurity ");
  const others = answer.warnings.filter((w) => !psa(w));
  const ours = {
    allowed: verdict.allowed,
    message: verdict.allowed ? undefined : `pods ${JSON.stringify(podName)} is forbidden: ${verdict.message}`,
    warnings: verdict.warnings.flatMap((w) => recordedWarning(w, others) ?? []),
  };
  const theirs = {
    allowed: answer.status === 200 || answer.status === 201,
    message: answer.status === 200 || answer.status === 201 ? undefined : answer.body.message,
    warnings: answer.warnings.filter(psa),
  };
  if (!theirs.allowed) stats.denied++;
  else if (ns.labels["pod-security.kubernetes.io/enforce"] === "baseline") stats.baselineAllowed++;
  else stats.restrictedAllowed++;
  if (theirs.warnings.length > 0) stats.warned++;
  if (ours.warnings.some((w, i) => w !== verdict.warnings[i])) stats.truncated++;
  if (theirs.allowed && answer.status !== 201 && answer.status !== 200) return `unexpected ${answer.status}`;
  if (!theirs.allowed && answer.status !== 403) return `unexpected ${answer.status}: ${answer.body.message}`;
  if (JSON.stringify(ours) === JSON.stringify(theirs)) return undefined;
  return [
    `namespace ${ns.name} ${JSON.stringify(ns.labels)}`,
    `  kube-apiserver: ${JSON.stringify(theirs)}`,
    `  kubefence:      ${JSON.stringify(ours)}`,
  ].join("\n");
}

interface Admitted {
  metadata: ObjectMeta;
  spec: PodSpec;
}

function disagreement(pod: unknown, admitted: Admitted, found: (string | undefined)[]): string | undefined {
  const differences = found.filter(Boolean);
  if (differences.length === 0) return undefined;
  return [
    `pod sent: ${JSON.stringify(pod)}`,
    `as admitted: ${JSON.stringify({ metadata: { annotations: admitted.metadata.annotations }, spec: admitted.spec })}`,
    ...differences,
  ].join("\n");
}

/** One pod: the reference namespace, then both namespaces at latest and at its other version. */
async function judge(pod: Pod, version: string): Promise<string | undefined> {
  stats.generated++;
  const reference = await dryRunCreate(REFERENCE_NS, pod);
  if (reference.status === 422) return noteInvalid(reference.body.message);
  if (reference.status !== 201) return `reference namespace: ${reference.status} ${reference.body.message}`;
  stats.judged++;
  const admitted = { metadata: reference.body.metadata!, spec: reference.body.spec! };
  const namespaces = [...namespacesAt("latest"), ...namespacesAt(version)];
  const found = await Promise.all(
    namespaces.map(async (ns) => compare(ns, pod.metadata.name, await dryRunCreate(ns.name, pod), admitted)),
  );
  return disagreement(pod, admitted, found);
}

function report(what: string, started: number): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `PodSecurity differential, ${what}: ${stats.judged} pods judged (${stats.invalid} of ${stats.generated} rejected by validation), ${requests} requests, ${stats.denied} denials, allowed ${stats.baselineAllowed} times by baseline and ${stats.restrictedAllowed} by restricted, ${stats.warned} warnings (${stats.truncated} truncated), ${seconds} s`,
  );
  if (invalidReasons.size > 0) console.log([...invalidReasons].sort((a, b) => b[1] - a[1]).slice(0, 20));
}

function resetStats(): void {
  for (const key of Object.keys(stats) as (keyof typeof stats)[]) stats[key] = 0;
  invalidReasons.clear();
  requests = 0;
}

describe("Pod Security: kubefence against kube-apiserver's PodSecurity admission plugin", () => {
  it(`judges ${RUNS * BATCH} random pods at baseline and restricted (enforce, and warn), latest and ${OLDER_VERSIONS.join(", ")}, as the server does`, async () => {
    resetStats();
    let batch = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(podChoice, some(OLDER_VERSIONS)), { minLength: BATCH, maxLength: BATCH }),
        async (choices) => {
          batch++;
          const results = await Promise.all(
            choices.map(([choice, version], i) => judge(buildPod(`p-${batch}-${i}`, choice), version)),
          );
          const failure = results.find(Boolean);
          if (failure) throw new Error(`kube-apiserver and kubefence disagree:\n${failure}`);
        },
      ),
      // No shrinking: each step would re-send a batch; the failure names the one pod, both texts and the seed.
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    report("pods created", started);
    expect(stats.judged).toBeGreaterThanOrEqual(MIN_JUDGED);
    expect(stats.invalid / stats.generated).toBeLessThan(0.05);
    // Every outcome was seen, many times: denials, pods each level allows, restricted's warnings.
    expect(
      Math.min(stats.denied, stats.baselineAllowed, stats.restrictedAllowed, stats.warned),
    ).toBeGreaterThan(100);
  }, 600_000);

  /**
   * Ephemeral containers cannot be set on create, only through the pods/ephemeralcontainers subresource, which
   * Pod Security evaluates like a create (the whole pod, ephemeral containers included). So each pod is created
   * for real in three namespaces while they are unlabelled, two of them are then labelled, and the ephemeral
   * containers are added with dryRun=All: in the unlabelled one, for the pod as admitted, and in the others.
   */
  it(`judges ${EPHEMERAL_PODS} random pods given ephemeral containers, as the server does`, async () => {
    resetStats();
    const started = Date.now();
    const samples = fc.sample(fc.tuple(podChoice, fc.array(container, { minLength: 1, maxLength: 2 })), {
      seed: SEED,
      numRuns: EPHEMERAL_PODS,
    });
    const [reference, ...labelled] = EPHEMERAL_NAMESPACES;
    const created = await Promise.all(
      samples.map(async ([choice, ephemeral], i) => {
        const pod = buildPod(`e-${i}`, choice);
        const answers = await Promise.all(
          EPHEMERAL_NAMESPACES.map((ns) =>
            limited(() => cluster.request(`POST`, `/api/v1/namespaces/${ns.name}/pods`, pod, {}, { agent })),
          ),
        );
        requests += answers.length;
        if (answers.some((a) => a.status !== 201)) return undefined;
        const ephemeralContainers = ephemeral.map((c, j) => {
          const securityContext = validContext(c.securityContext, choice);
          return {
            name: `debug${j}`,
            image: "registry.k8s.io/pause:3.10",
            ...(j === 0 ? { targetContainerName: "c0" } : {}),
            ...(securityContext ? { securityContext } : {}),
          };
        });
        return { pod, patch: { spec: { ephemeralContainers } } };
      }),
    );
    for (const ns of labelled)
      expect(
        (
          await cluster.request(
            "PATCH",
            `/api/v1/namespaces/${ns.name}`,
            { metadata: { labels: ns.labels } },
            PATCH,
          )
        ).status,
      ).toBe(200);
    // Admission reads namespaces from an informer: wait until it sees the labels (a hostPID pod is refused).
    for (const ns of labelled)
      await expect
        .poll(async () => (await dryRunCreate(ns.name, HOST_PID_POD)).status, {
          timeout: 30_000,
          interval: 100,
        })
        .toBe(403);

    const addEphemeral = async (ns: TestNamespace, name: string, patch: object): Promise<Answer> => {
      const answer = await limited(() =>
        cluster.request<Answer["body"]>(
          "PATCH",
          `/api/v1/namespaces/${ns.name}/pods/${name}/ephemeralcontainers?dryRun=All`,
          patch,
          PATCH,
          { agent },
        ),
      );
      requests++;
      return { status: answer.status, body: answer.body, warnings: warningTexts(answer.headers ?? []) };
    };
    const failures = await Promise.all(
      created.map(async (entry) => {
        if (!entry) return undefined;
        stats.generated++;
        const name = entry.pod.metadata.name;
        const admittedAnswer = await addEphemeral(reference!, name, entry.patch);
        if (admittedAnswer.status === 422) return noteInvalid(admittedAnswer.body.message);
        if (admittedAnswer.status !== 200)
          return `reference: ${admittedAnswer.status} ${admittedAnswer.body.message}`;
        stats.judged++;
        const admitted = { metadata: admittedAnswer.body.metadata!, spec: admittedAnswer.body.spec! };
        const found = await Promise.all(
          labelled.map(async (ns) => compare(ns, name, await addEphemeral(ns, name, entry.patch), admitted)),
        );
        return disagreement({ ...entry.pod, patch: entry.patch }, admitted, found);
      }),
    );
    report("ephemeral containers added", started);
    const failure = failures.find(Boolean);
    if (failure) throw new Error(`kube-apiserver and kubefence disagree (seed ${SEED}):\n${failure}`);
    expect(created.filter(Boolean).length).toBeGreaterThan(EPHEMERAL_PODS * 0.95);
    expect(stats.judged).toBeGreaterThan(EPHEMERAL_PODS * 0.9);
  }, 300_000);

  /**
   * kubefence judges a manifest's Pod as the server stores it: the deprecated AppArmor annotations are copied to
   * the fields as PrepareForCreate copies them. Each pod below is read as a manifest and dry-run created, and
   * every container's appArmorProfile must come out the same. (Pods the server rejects for their annotation —
   * an unknown profile value, an annotation that contradicts the field — are not here: kubefence does not
   * validate AppArmor annotations.)
   */
  it("reads a manifest's Pod with AppArmor annotations as the server stores it", async () => {
    const key = (container: string) => `container.apparmor.security.beta.kubernetes.io/${container}`;
    const cases: { name: string; annotations: Record<string, string>; spec?: Record<string, unknown> }[] = [
      { name: "unconfined", annotations: { [key("a")]: "unconfined" } },
      { name: "runtime-default", annotations: { [key("a")]: "runtime/default" } },
      { name: "localhost", annotations: { [key("a")]: "localhost/my-profile" } },
      { name: "localhost-empty", annotations: { [key("a")]: "localhost/" } },
      { name: "localhost-padded", annotations: { [key("a")]: "localhost/ padded" } },
      {
        name: "init-container",
        annotations: { [key("i")]: "unconfined" },
        spec: { initContainers: [{ name: "i", image: "busybox" }] },
      },
      {
        name: "own-field-wins",
        annotations: { [key("a")]: "localhost/x" },
        spec: {
          containers: [
            {
              name: "a",
              image: "busybox",
              securityContext: { appArmorProfile: { type: "Localhost", localhostProfile: "x" } },
            },
          ],
        },
      },
      {
        name: "same-as-pod",
        annotations: { [key("a")]: "runtime/default" },
        spec: { securityContext: { appArmorProfile: { type: "RuntimeDefault" } } },
      },
      {
        name: "differs-from-pod",
        annotations: { [key("a")]: "unconfined" },
        spec: { securityContext: { appArmorProfile: { type: "RuntimeDefault" } } },
      },
      { name: "windows", annotations: { [key("a")]: "unconfined" }, spec: { os: { name: "windows" } } },
    ];
    const manifests = cases.map((c) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: c.name, namespace: REFERENCE_NS, annotations: c.annotations },
      spec: { containers: [{ name: "a", image: "busybox" }], ...c.spec },
    }));
    const read = loadManifestText(manifests.map((m) => JSON.stringify(m)).join("\n---\n"));
    const profiles = (spec: PodSpec | undefined) =>
      [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => [
        c.name,
        c.securityContext?.appArmorProfile ?? null,
      ]);
    for (const manifest of manifests) {
      const server = await dryRunCreate(REFERENCE_NS, manifest as unknown as Pod);
      expect(server.status, `${manifest.metadata.name}: ${server.body.message}`).toBe(201);
      const ours = read.find((p) => p.metadata.name === manifest.metadata.name);
      expect(profiles(ours?.spec), manifest.metadata.name).toEqual(profiles(server.body.spec));
    }
  });
});
