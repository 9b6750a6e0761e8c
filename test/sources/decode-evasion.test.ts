/**
 * Issue 12's evasion: a privileged pod that mounts the node's `/` written with `hostPath.type: null` (and
 * Helm's empty `imagePullPolicy:`) is a pod the API server admits; kubefence used to skip it for its nulls, so
 * the gates judged it not at all. Now it is read, and judged.
 */
import { describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";

const run = runBuiltCli;

const INPUT = `apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: Pod
metadata: {name: root, namespace: team-a}
spec:
  containers:
  - name: c
    image: busybox
    imagePullPolicy:
    securityContext: {privileged: true}
    volumeMounts: [{name: host, mountPath: /host}]
  volumes:
  - name: host
    hostPath: {path: /, type: null}
`;

describe("a host-root pod written with nulls cannot slip past the gates", () => {
  it("audit -f reports the node takeover (critical), and --fail-on critical exits 1 for it", () => {
    const audit = run(["audit", "-f", "-", "--fail-on", "critical"], INPUT);
    expect(audit.stderr).not.toContain("skipped");
    expect(audit.stdout).toContain(
      "CRITICAL node.takeover  team-a/root[Pod] -> its node\n         team-a/root[Pod] can take over its node and every tenant on it: privileged, hostPath /",
    );
    expect(audit.stderr).toBe("kubefence audit: --fail-on critical: 1 finding at or above critical\n");
    expect(audit.code).toBe(1);
  });

  it("podsec --level baseline judges it: hostPath volumes and privileged, exit 1", () => {
    const podsec = run(["podsec", "-f", "-", "--level", "baseline"], INPUT);
    expect(podsec.stderr).toBe("");
    expect(podsec.stdout).toContain(
      'violates PodSecurity "baseline:latest": hostPath volumes (volume "host"), privileged (container "c" must not set securityContext.privileged=true)',
    );
    expect(podsec.code).toBe(1);
  });
});
