/** Node-escape evidence beyond the standard: runtime sockets, sensitive and writable host paths, capabilities. */
import { describe, expect, it } from "vitest";
import { canEscapeToNode } from "../../src/podsecurity/escape.js";
import type { PodSpec } from "./support.js";

const mounted = (path: string, readOnly = false): PodSpec => ({
  containers: [{ name: "c", volumeMounts: [{ name: "v", mountPath: "/host", readOnly }] }],
  volumes: [{ name: "v", hostPath: { path } }],
});
const only = (spec: PodSpec) => {
  const evidence = canEscapeToNode(spec);
  expect(evidence).toHaveLength(1);
  return evidence[0]!;
};

describe("canEscapeToNode", () => {
  it("a spec that keeps to its container has no evidence", () => {
    expect(canEscapeToNode({ containers: [{ name: "c" }], volumes: [{ name: "v", emptyDir: {} }] })).toEqual(
      [],
    );
  });

  it("the demo's busybox: privileged, hostPath /, hostNetwork, hostPID, in that order, each a field", () => {
    const evidence = canEscapeToNode({
      hostNetwork: true,
      hostPID: true,
      containers: [
        {
          name: "shell",
          securityContext: { privileged: true },
          volumeMounts: [{ name: "host-root", mountPath: "/host" }],
        },
      ],
      volumes: [{ name: "host-root", hostPath: { path: "/" } }],
    });
    expect(evidence.map((e) => [e.summary, e.field, e.takeover])).toEqual([
      ["privileged", "spec.containers[0].securityContext.privileged=true", true],
      ["hostPath /", "spec.volumes[0].hostPath.path=/", true],
      ["hostNetwork", "spec.hostNetwork=true", false],
      ["hostPID", "spec.hostPID=true", true],
    ]);
  });

  it.each([
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/var/run",
    "/run/containerd/",
    "/var",
  ])("%s exposes a container runtime socket: a takeover", (path) => {
    const e = only(mounted(path));
    expect(e.kind).toBe("runtime-socket");
    expect(e.severity).toBe("critical");
    expect(e.takeover).toBe(true);
  });

  it.each([
    ["/etc", true, "critical", true],
    ["/etc", false, "high", false],
    ["/var/lib/kubelet/pods", false, "high", false],
    ["/proc", false, "high", false],
    ["/", false, "critical", false],
    ["/var/log", true, "critical", true],
    ["/data/app", true, "medium", false],
    ["/data/app", false, "low", false],
  ] as const)("hostPath %s (writable: %s) is %s, takeover %s", (path, writable, severity, takeover) => {
    const e = only(mounted(path, !writable));
    expect(e.kind).toBe("host-path");
    expect([e.severity, e.takeover]).toEqual([severity, takeover]);
  });

  it("a hostPath no container mounts is reported, but not as a takeover", () => {
    const e = only({ containers: [{ name: "c" }], volumes: [{ name: "v", hostPath: { path: "/etc" } }] });
    expect([e.severity, e.takeover]).toEqual(["medium", false]);
    expect(e.detail).toContain("mounted by no container");
  });

  it.each([
    ["SYS_ADMIN", {}, "critical", true],
    ["CAP_SYS_MODULE", {}, "critical", true],
    ["all", {}, "critical", true],
    ["SYS_PTRACE", {}, "medium", false],
    ["SYS_PTRACE", { hostPID: true }, "critical", true],
    ["NET_ADMIN", { hostNetwork: true }, "critical", false],
    ["BPF", {}, "high", false],
    ["DAC_READ_SEARCH", {}, "high", false],
  ] as const)("capability %s %j is %s, takeover %s", (capability, extra, severity, takeover) => {
    const evidence = canEscapeToNode({
      ...extra,
      containers: [{ name: "c", securityContext: { capabilities: { add: [capability] } } }],
    });
    const e = evidence.find((x) => x.kind === "capability")!;
    expect([e.severity, e.takeover]).toEqual([severity, takeover]);
  });

  it("harmless capabilities are not evidence", () => {
    expect(
      canEscapeToNode({
        containers: [{ name: "c", securityContext: { capabilities: { add: ["CHOWN", "NET_RAW"] } } }],
      }),
    ).toEqual([]);
  });

  it("field paths follow the workload's template path", () => {
    const [e] = canEscapeToNode(
      { hostIPC: true, containers: [] },
      { specPath: "spec.jobTemplate.spec.template.spec" },
    );
    expect(e!.field).toBe("spec.jobTemplate.spec.template.spec.hostIPC=true");
  });

  it("an unmasked /proc counts only outside a user namespace", () => {
    const spec = (hostUsers: boolean): PodSpec => ({
      hostUsers,
      containers: [{ name: "c", securityContext: { procMount: "Unmasked" } }],
    });
    expect(canEscapeToNode(spec(true)).map((e) => e.kind)).toEqual(["proc-mount"]);
    expect(canEscapeToNode(spec(false))).toEqual([]);
  });
});
