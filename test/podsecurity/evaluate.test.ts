/** The combined verdict and message, worded as the admission plugin words it (admission.go, checks.go). */
import { describe, expect, it } from "vitest";
import { LATEST, majorMinor, policyToEvaluate } from "../../src/podsecurity/api.js";
import { admitPodSpec, evaluatePod, warningMessage } from "../../src/podsecurity/evaluate.js";
import { loadDemo } from "../../src/sources/demo.js";
import type { PodSpec } from "./support.js";

const busybox = () => {
  const pod = loadDemo().snapshot.pods.find((p) => p.metadata.name === "busybox")!;
  return { meta: pod.metadata, spec: pod.spec! };
};

describe("evaluatePod", () => {
  it("the demo's busybox violates baseline with reasons in registry order and details in parentheses", () => {
    const { meta, spec } = busybox();
    const verdict = evaluatePod("baseline", LATEST, meta, spec);
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toBe(
      'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "host-root"), privileged (container "shell" must not set securityContext.privileged=true)',
    );
    expect(verdict.reasons).toEqual([
      { reason: "host namespaces", detail: "hostNetwork=true, hostPID=true" },
      { reason: "hostPath volumes", detail: 'volume "host-root"' },
      { reason: "privileged", detail: 'container "shell" must not set securityContext.privileged=true' },
    ]);
  });

  it("at privileged everything is allowed, with no message", () => {
    const { meta, spec } = busybox();
    expect(evaluatePod("privileged", LATEST, meta, spec)).toEqual({
      allowed: true,
      reasons: [],
      message: "",
    });
  });

  it("reproduces a real restricted:v1.32 rejection byte for byte (baseline reasons first, seLinuxOptions before sysctls)", () => {
    // kubectl apply of a pod setting SELinux user/role and two unsafe sysctls, as reported against v1.32.
    const spec: PodSpec = {
      securityContext: {
        seLinuxOptions: { user: "system_u", role: "system_r" },
        sysctls: [
          { name: "net.core.somaxconn", value: "1024" },
          { name: "kernel.msgmax", value: "65536" },
        ],
      },
      containers: [{ name: "my-pod", image: "busybox" }],
    };
    expect(evaluatePod("restricted", majorMinor(1, 32), {}, spec).message).toBe(
      'violates PodSecurity "restricted:v1.32": seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set), forbidden sysctls (net.core.somaxconn, kernel.msgmax), allowPrivilegeEscalation != false (container "my-pod" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "my-pod" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "my-pod" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "my-pod" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it("a fully restricted pod passes restricted:latest", () => {
    const spec: PodSpec = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "app",
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
          },
        },
      ],
      volumes: [{ name: "tmp", emptyDir: {} }],
    };
    expect(evaluatePod("restricted", LATEST, {}, spec).allowed).toBe(true);
  });

  it("restricted below v1.19 checks seccomp annotations, not fields; from v1.19 the fields", () => {
    const spec: PodSpec = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "Unconfined" } },
      containers: [],
    };
    const meta = { annotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" } };
    expect(evaluatePod("restricted", majorMinor(1, 18), meta, spec).reasons).toEqual([
      {
        reason: "seccompProfile",
        detail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"',
      },
    ]);
    expect(evaluatePod("restricted", majorMinor(1, 19), meta, spec).reasons).toEqual([
      {
        reason: "seccompProfile",
        detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
      },
    ]);
  });
  it("reproduces a real restricted:latest warning for a node-exporter DaemonSet (kube-prometheus-stack)", () => {
    // The template's shape as the chart renders it; its DaemonSet warning was reported verbatim.
    const hostMount = (name: string, path: string) => ({ name, hostPath: { path } });
    const spec: PodSpec = {
      hostNetwork: true,
      hostPID: true,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
      containers: [
        {
          name: "node-exporter",
          ports: [{ containerPort: 9100, name: "http-metrics" }],
          livenessProbe: { httpGet: { host: "127.0.0.1", path: "/", port: 9100 } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          volumeMounts: [
            { name: "proc", mountPath: "/host/proc", readOnly: true },
            { name: "sys", mountPath: "/host/sys", readOnly: true },
            { name: "root", mountPath: "/host/root", readOnly: true },
          ],
        },
        {
          name: "kube-rbac-proxy",
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
      volumes: [hostMount("proc", "/proc"), hostMount("sys", "/sys"), hostMount("root", "/")],
    };
    expect(evaluatePod("restricted", LATEST, {}, spec).message).toBe(
      'violates PodSecurity "restricted:latest": host namespaces (hostNetwork=true, hostPID=true), probe or lifecycle host (container "node-exporter" uses probe or lifecycle host "127.0.0.1"), restricted volume types (volumes "proc", "sys", "root" use restricted volume type "hostPath"), seccompProfile (pod or containers "node-exporter", "kube-rbac-proxy" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });
});

describe("admitPodSpec", () => {
  const policy = (labels: Record<string, string>) => policyToEvaluate(labels).policy;
  const hostPid: PodSpec = { hostPID: true, containers: [{ name: "c" }] };
  const plain: PodSpec = { containers: [{ name: "c" }] };

  it("a pod enforce denies gets the enforce message and no warning, even when warn would say more", () => {
    const verdict = admitPodSpec(
      policy({
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "restricted",
      }),
      {},
      hostPid,
    );
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toBe('violates PodSecurity "baseline:latest": host namespaces (hostPID=true)');
    expect(verdict.warnings).toEqual([]);
  });

  it("a pod enforce allows gets warn's violations, worded `would violate`, at warn's own version", () => {
    const verdict = admitPodSpec(
      policy({
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "v1.0",
      }),
      {},
      plain,
    );
    expect(verdict).toEqual({
      allowed: true,
      message: "",
      warnings: [
        'would violate PodSecurity "restricted:v1.0": runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true)',
      ],
      audit: "",
    });
  });

  it("audit is recorded whether or not enforce denies, and never warns", () => {
    const verdict = admitPodSpec(
      policy({
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/audit": "baseline",
      }),
      {},
      hostPid,
    );
    expect(verdict.audit).toBe('would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)');
    expect(admitPodSpec(policy({ "pod-security.kubernetes.io/audit": "baseline" }), {}, hostPid)).toEqual({
      allowed: true,
      message: "",
      warnings: [],
      audit: 'would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)',
    });
  });

  it("warningMessage words a violation as the warn and audit modes do", () => {
    expect(
      warningMessage({ level: "baseline", version: majorMinor(1, 30) }, [
        { reason: "privileged", detail: "" },
      ]),
    ).toBe('would violate PodSecurity "baseline:v1.30": privileged');
  });
});
