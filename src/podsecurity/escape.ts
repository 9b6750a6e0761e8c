/**
 * Ways out of the container onto the node, beyond what the Pod Security Standards name: which host paths are
 * dangerous (runtime sockets, the root filesystem, kubelet and runtime state, /etc, /proc, /sys, /dev …) and
 * whether they are writable, which capabilities amount to root on the host, and the host namespaces. Each piece
 * of evidence says which field, what it gives, how bad, and whether it alone (or with its companions) takes the
 * node over. Sources: kyverno `disallow-cri-sock-mount`, kubescape C-0045/C-0046/C-0048/C-0074, trivy KSV-0121.
 */
import type { Severity } from "../model/finding.js";
import type { Container, PodSpec } from "../model/objects.js";

export type EscapeKind =
  | "privileged"
  | "host-process"
  | "capability"
  | "runtime-socket"
  | "host-path"
  | "host-network"
  | "host-pid"
  | "host-ipc"
  | "proc-mount";

export interface EscapeEvidence {
  kind: EscapeKind;
  /** The field that opens the way: `spec.containers[0].securityContext.privileged=true`. */
  field: string;
  /** A few words for a one-line message: `privileged`, `hostPath /`, `hostPID`, `SYS_ADMIN`. */
  summary: string;
  /** What it gives an attacker in the container. */
  detail: string;
  severity: Severity;
  /** Alone, or with the pod's other settings, it gives root on the node (and so every tenant on it). */
  takeover: boolean;
  container?: string;
}

/** Container runtime sockets (docker, containerd, cri-o, cri-dockerd) and their usual directories. */
export const RUNTIME_SOCKETS = [
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/var/run/containerd/containerd.sock",
  "/run/containerd/containerd.sock",
  "/var/run/crio/crio.sock",
  "/run/crio/crio.sock",
  "/var/run/cri-dockerd.sock",
  "/run/cri-dockerd.sock",
  "/var/run/dockershim.sock",
] as const;

/** Host paths that expose the node: credentials, other pods' volumes, runtime state, kernel interfaces. */
export const SENSITIVE_HOST_PATHS: Readonly<Record<string, string>> = {
  "/": "the node's whole filesystem: kubelet credentials, every pod's secrets and volumes",
  "/etc": "host configuration: users, sudoers, cron, /etc/kubernetes (static pod manifests, kubeconfigs)",
  "/etc/kubernetes": "static pod manifests and control-plane kubeconfigs and certificates",
  "/root": "root's home: SSH keys, shell history, cloud credentials",
  "/home": "users' homes: SSH keys and credentials",
  "/proc": "every host process: environment, memory, file descriptors; /proc/sys writes kernel settings",
  "/sys": "kernel and cgroup interfaces (e.g. release_agent, uevent_helper)",
  "/dev": "raw host devices: disks, memory",
  "/boot": "the kernel and boot loader",
  "/lib/modules": "kernel modules",
  "/usr": "host binaries and libraries",
  "/lib": "host libraries",
  "/bin": "host binaries",
  "/sbin": "host binaries",
  "/var/lib/kubelet": "the kubelet's credentials and every pod's secrets and volumes",
  "/var/lib/docker": "docker's state: every container's filesystem",
  "/var/lib/containerd": "containerd's state: every container's filesystem",
  "/var/lib/etcd": "etcd's data: every Secret in the cluster",
  "/var/log": "node logs; writable, a symlink in /var/log/pods makes the kubelet read any host file",
  "/var/run": "runtime sockets and state",
  "/run": "runtime sockets and state",
};

/** Capabilities that amount to root on the node, or close to it (kubescape C-0046, trivy KSV-0005/0120); the admission policies (src/webhook/vap) bake them in. */
export const DANGEROUS_CAPABILITIES: Readonly<
  Record<string, { severity: Severity; takeover: boolean; detail: string }>
> = {
  ALL: {
    severity: "critical",
    takeover: true,
    detail: "every capability: mount, module loading, raw devices",
  },
  SYS_ADMIN: {
    severity: "critical",
    takeover: true,
    detail: "mount, cgroup release_agent and namespace escapes",
  },
  SYS_MODULE: {
    severity: "critical",
    takeover: true,
    detail: "loads kernel modules: code in the host kernel",
  },
  SYS_PTRACE: { severity: "medium", takeover: false, detail: "traces and injects into processes it can see" },
  SYS_RAWIO: { severity: "high", takeover: false, detail: "raw I/O ports and device memory" },
  DAC_READ_SEARCH: {
    severity: "high",
    takeover: false,
    detail: "open_by_handle_at: reads host files (shocker)",
  },
  BPF: {
    severity: "high",
    takeover: false,
    detail: "loads eBPF programs: reads kernel memory, hooks the host",
  },
  PERFMON: { severity: "medium", takeover: false, detail: "perf events: observes host and kernel activity" },
  NET_ADMIN: {
    severity: "medium",
    takeover: false,
    detail: "reconfigures interfaces, routes and firewall rules",
  },
  SYS_BOOT: { severity: "medium", takeover: false, detail: "reboots the node" },
  MAC_ADMIN: { severity: "medium", takeover: false, detail: "changes AppArmor/SELinux policy" },
  MAC_OVERRIDE: { severity: "medium", takeover: false, detail: "overrides mandatory access control" },
};

/** Whether `path` is `base` or inside it (both normalized, no trailing slash except "/"). */
function within(path: string, base: string): boolean {
  return base === "/" ? true : path === base || path.startsWith(`${base}/`);
}

export function normalizeHostPath(path: string): string {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  return `/${parts.join("/")}`;
}

interface IndexedContainer {
  container: Container;
  list: "initContainers" | "containers" | "ephemeralContainers";
  index: number;
}

function indexedContainers(spec: PodSpec): IndexedContainer[] {
  const out: IndexedContainer[] = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"] as const)
    (spec[list] ?? []).forEach((container, index) => {
      out.push({ container: container as Container, list, index });
    });
  return out;
}

/** Built only for evidence: most pods have none, and a path per container adds up at scale. */
function pathOf(specPath: string, { list, index }: IndexedContainer): string {
  return `${specPath}.${list}[${index}]`;
}

/** `SYS_ADMIN` from `CAP_SYS_ADMIN` or `sys_admin`: runtimes accept both spellings. */
export function normalizeCapability(capability: string): string {
  const upper = capability.toUpperCase();
  return upper.startsWith("CAP_") ? upper.slice(4) : upper;
}

export interface EscapeOptions {
  /** Where the pod spec sits in its object: `spec` for a Pod, `spec.template.spec` for a Deployment. */
  specPath?: string;
}

/**
 * Every way this pod spec reaches the node, most direct first: privileged and HostProcess containers, dangerous
 * capabilities, host paths (runtime sockets, sensitive and writable paths), then host namespaces. Empty when the
 * spec keeps to the container.
 */
export function canEscapeToNode(spec: PodSpec, options: EscapeOptions = {}): EscapeEvidence[] {
  const specPath = options.specPath ?? "spec";
  const evidence: EscapeEvidence[] = [];
  const containers = indexedContainers(spec);
  const anyPrivileged = containers.some(({ container }) => container.securityContext?.privileged === true);

  for (const indexed of containers) {
    const { container } = indexed;
    const sc = container.securityContext;
    if (sc?.privileged === true)
      evidence.push({
        kind: "privileged",
        field: `${pathOf(specPath, indexed)}.securityContext.privileged=true`,
        summary: "privileged",
        detail: `container "${container.name}" is privileged: every host device and capability, no seccomp or AppArmor confinement`,
        severity: "critical",
        takeover: true,
        container: container.name,
      });
  }
  if (spec.securityContext?.windowsOptions?.hostProcess === true)
    evidence.push({
      kind: "host-process",
      field: `${specPath}.securityContext.windowsOptions.hostProcess=true`,
      summary: "hostProcess",
      detail: "Windows HostProcess pod: runs as a process on the node, outside any container",
      severity: "critical",
      takeover: true,
    });
  for (const indexed of containers) {
    const { container } = indexed;
    if (container.securityContext?.windowsOptions?.hostProcess === true)
      evidence.push({
        kind: "host-process",
        field: `${pathOf(specPath, indexed)}.securityContext.windowsOptions.hostProcess=true`,
        summary: "hostProcess",
        detail: `container "${container.name}" is a Windows HostProcess container: runs on the node, outside any container`,
        severity: "critical",
        takeover: true,
        container: container.name,
      });
  }
  for (const indexed of containers) {
    const { container } = indexed;
    const added = container.securityContext?.capabilities?.add ?? [];
    added.forEach((raw, i) => {
      const capability = normalizeCapability(raw);
      const danger = DANGEROUS_CAPABILITIES[capability];
      if (!danger) return;
      // SYS_PTRACE over the host's PID namespace injects into host processes; NET_ADMIN on the host network
      // rewrites the node's own firewall and routes.
      const escalated =
        (capability === "SYS_PTRACE" && spec.hostPID === true) ||
        (capability === "NET_ADMIN" && spec.hostNetwork === true);
      evidence.push({
        kind: "capability",
        field: `${pathOf(specPath, indexed)}.securityContext.capabilities.add[${i}]=${raw}`,
        summary: capability,
        detail: `container "${container.name}" adds ${capability}: ${danger.detail}${escalated ? (capability === "SYS_PTRACE" ? ", and with hostPID that includes every host process" : ", and with hostNetwork that is the node's own network") : ""}`,
        severity: escalated ? "critical" : danger.severity,
        takeover: danger.takeover || (escalated && capability === "SYS_PTRACE"),
        container: container.name,
      });
    });
  }
  (spec.volumes ?? []).forEach((volume, i) => {
    if (!volume.hostPath) return;
    const hostPath = normalizeHostPath(volume.hostPath.path);
    const mounts = containers.flatMap(({ container }) =>
      (container.volumeMounts ?? [])
        .filter((m) => m.name === volume.name)
        .map((m) => ({ container, mount: m })),
    );
    const writable = mounts.some(({ mount }) => mount.readOnly !== true);
    const mountedBy = [...new Set(mounts.map(({ container }) => container.name))];
    const field = `${specPath}.volumes[${i}].hostPath.path=${volume.hostPath.path}`;
    const how =
      mounts.length === 0
        ? "declared but mounted by no container"
        : writable
          ? "mounted read-write"
          : "mounted read-only";
    const by = mountedBy.length > 0 ? ` by ${mountedBy.map((n) => `"${n}"`).join(", ")}` : "";
    const socket = RUNTIME_SOCKETS.find((s) => hostPath !== "/" && within(s, hostPath));
    if (socket) {
      evidence.push({
        kind: "runtime-socket",
        field,
        summary: `runtime socket ${hostPath}`,
        detail: `volume "${volume.name}" ${how}${by} exposes the container runtime socket ${socket}: start a privileged container on the node`,
        severity: mounts.length === 0 ? "high" : "critical",
        takeover: mounts.length > 0,
      });
      return;
    }
    const sensitive = Object.keys(SENSITIVE_HOST_PATHS)
      .filter((base) => within(hostPath, base) && (base !== "/" || hostPath === "/"))
      .sort((a, b) => b.length - a.length)[0];
    // A parent of a sensitive path (/var, /var/lib) exposes it too.
    const containsSensitive = Object.keys(SENSITIVE_HOST_PATHS).find(
      (base) => base !== "/" && within(base, hostPath),
    );
    const what = sensitive ?? containsSensitive;
    if (what) {
      evidence.push({
        kind: "host-path",
        field,
        summary: `hostPath ${hostPath}`,
        // prototype-safe: what is one of the own keys of SENSITIVE_HOST_PATHS
        detail: `volume "${volume.name}" ${how}${by}: ${hostPath === what ? "" : `includes ${what}, `}${SENSITIVE_HOST_PATHS[what]}`,
        severity: mounts.length === 0 ? "medium" : writable || hostPath === "/" ? "critical" : "high",
        takeover: mounts.length > 0 && writable,
      });
      return;
    }
    evidence.push({
      kind: "host-path",
      field,
      summary: `hostPath ${hostPath}`,
      detail: `volume "${volume.name}" ${how}${by}: host files outside the container${writable ? ", writable" : ""}`,
      severity: mounts.length === 0 ? "low" : writable ? "medium" : "low",
      takeover: false,
    });
  });
  if (spec.hostNetwork === true)
    evidence.push({
      kind: "host-network",
      field: `${specPath}.hostNetwork=true`,
      summary: "hostNetwork",
      detail:
        "the node's network namespace: node-local services (kubelet, metadata endpoints), every interface, no NetworkPolicy",
      severity: "high",
      takeover: false,
    });
  if (spec.hostPID === true)
    evidence.push({
      kind: "host-pid",
      field: `${specPath}.hostPID=true`,
      summary: "hostPID",
      detail: `the node's process namespace: sees and signals every host process${anyPrivileged ? "; with privileged, nsenter -t 1 is a root shell on the node" : ""}`,
      severity: anyPrivileged ? "critical" : "high",
      takeover: anyPrivileged,
    });
  if (spec.hostIPC === true)
    evidence.push({
      kind: "host-ipc",
      field: `${specPath}.hostIPC=true`,
      summary: "hostIPC",
      detail: "the node's IPC namespace: shared memory of host processes",
      severity: "medium",
      takeover: false,
    });
  if (spec.hostUsers !== false) {
    for (const indexed of containers) {
      const { container } = indexed;
      const procMount = container.securityContext?.procMount;
      if (procMount && procMount !== "Default")
        evidence.push({
          kind: "proc-mount",
          field: `${pathOf(specPath, indexed)}.securityContext.procMount=${procMount}`,
          summary: `procMount ${procMount}`,
          detail: `container "${container.name}" sees /proc unmasked outside a user namespace`,
          severity: "medium",
          takeover: false,
          container: container.name,
        });
    }
  }
  return evidence;
}

/** Where a kind keeps its pod spec, for field paths in evidence. */
export function podSpecPath(kind: string): string {
  switch (kind) {
    case "Pod":
      return "spec";
    case "CronJob":
      return "spec.jobTemplate.spec.template.spec";
    case "PodTemplate":
      return "template.spec";
    default:
      return "spec.template.spec";
  }
}
