/**
 * Ways out of the container onto the node, beyond what the Pod Security Standards name: which host paths are
 * dangerous (runtime sockets, the root filesystem, kubelet and runtime state, /etc, /proc, /sys, /dev …) and
 * whether they are writable, which capabilities amount to root on the host, and the host namespaces. Each piece
 * of evidence says which field, what it gives, how bad, and whether it alone (or with its companions) takes the
 * node over. Sources: kyverno `disallow-cri-sock-mount`, kubescape C-0045/C-0046/C-0048/C-0074, trivy KSV-0121.
 */
import type { Severity } from "../../model/finding.js";
import type { Container, PodSpec } from "../../model/objects.js";

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

/** Whether `path` is `base` or inside it (both normalized, no trailing slash except "/"). */
export function within(path: string, base: string): boolean {
  return base === "/" ? true : path === base || path.startsWith(`${base}/`);
}

export function normalizeHostPath(path: string): string {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  return `/${parts.join("/")}`;
}

export interface IndexedContainer {
  container: Container;
  list: "initContainers" | "containers" | "ephemeralContainers";
  index: number;
}

export function indexedContainers(spec: PodSpec): IndexedContainer[] {
  const out: IndexedContainer[] = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"] as const)
    (spec[list] ?? []).forEach((container, index) => {
      out.push({ container: container as Container, list, index });
    });
  return out;
}

/** Built only for evidence: most pods have none, and a path per container adds up at scale. */
export function pathOf(specPath: string, { list, index }: IndexedContainer): string {
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

/** Where a pod spec is read: its place in the object and its containers, in the order of their lists. */
export interface SpecContext {
  specPath: string;
  containers: readonly IndexedContainer[];
}

/** One way out onto the node (a file in ./escapes/): the kinds of evidence it finds and the pure finder. */
export interface EscapePath {
  kinds: readonly EscapeKind[];
  find(spec: PodSpec, context: SpecContext): EscapeEvidence[];
}
