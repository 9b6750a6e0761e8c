/** `kubefence podsec`, run from source as a user runs it: output, exit codes, usage errors. */

import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { podsecCommand } from "../../src/cli/podsec.js";
import type { NamespaceEntry, SubjectEntry } from "../../src/podsecurity/report.js";
import { type Run, runCommand } from "../support/run-command.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

const podsec = (args: string[]) => runCommand(podsecCommand, args);

/** Runs the real binary from source: proves the command is wired into main.ts. */
function kubefence(args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      { env },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
    );
    child.stdin?.end();
  });
}

describe("kubefence podsec", () => {
  it("judges each pod against its namespace's enforce level: on the demo nothing is enforced, exit 0", async () => {
    const { stdout, code } = await podsec(["--demo"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^NAMESPACE\s+KIND\s+NAME\s+POLICY\s+ALLOWED\s+MEETS\s+REASONS$/m);
    expect(stdout).toMatch(/^default\s+Pod\s+busybox\s+privileged:latest\s+yes\s+privileged$/m);
  });

  it("--level baseline is a CI gate: exit 1 and the exact PodSecurity message", async () => {
    const { stdout, code } = await podsec(["--demo", "--level", "baseline"]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "host-root"), privileged (container "shell" must not set securityContext.privileged=true)',
    );
  });

  it("-n limits the namespaces judged; a clean namespace passes the gate", async () => {
    const { stdout, code } = await podsec(["--demo", "-n", "network", "--level", "baseline"]);
    expect(code).toBe(0);
    expect(stdout).not.toContain("default");
  });

  it("-o json gives one entry per pod/workload with level, version, allowed and the upstream reasons", async () => {
    const { stdout, code } = await podsec([
      "--demo",
      "--level",
      "restricted",
      "--version",
      "v1.30",
      "-o",
      "json",
    ]);
    expect(code).toBe(1);
    const entries = JSON.parse(stdout) as SubjectEntry[];
    expect(entries).toHaveLength(8);
    const busybox = entries.find((e) => e.name === "busybox")!;
    expect(busybox).toMatchObject({
      kind: "Pod",
      namespace: "default",
      level: "restricted",
      version: "v1.30",
      allowed: false,
    });
    expect(busybox.reasons[0]).toEqual({
      reason: "host namespaces",
      detail: "hostNetwork=true, hostPID=true",
    });
    expect(busybox.message.startsWith('violates PodSecurity "restricted:v1.30": host namespaces')).toBe(true);
    expect(busybox.origin).toMatch(/20-workloads\.yaml:76:1$/);
  });

  it("--namespaces reports policies and the strictest safe level per namespace", async () => {
    const { stdout, code } = await podsec(["--demo", "--namespaces", "-o", "json"]);
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as NamespaceEntry[];
    expect(entries.map((e) => [e.name, e.enforce.level, e.enforceLabelled, e.strictestSafeLevel])).toEqual([
      ["default", "privileged", false, "privileged"],
      ["kube-system", "privileged", false, "privileged"],
      ["network", "privileged", false, "baseline"],
      ["test-namespace", "privileged", false, "baseline"],
    ]);
    expect(entries[0]!.blockers[0]).toEqual({ level: "baseline", names: ["default/busybox[Pod]"] });
  });

  it("--namespaces --level baseline fails the gate when anything violates baseline", async () => {
    const { stdout, code } = await podsec(["--demo", "--namespaces", "--level", "baseline"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^default\s+privileged:latest \(unset\)\s+privileged:latest\s+privileged:latest\s+3\s+0\/0\/0\s+privileged\s+1$/m,
    );
  });

  it("--admission-config exemptions are honoured", async () => {
    const dir = mkdtempSync(join(tmpdir(), "podsec-"));
    const file = join(dir, "admission.yaml");
    writeFileSync(
      file,
      `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults: {enforce: baseline}
      exemptions: {namespaces: [default]}
`,
    );
    const { stdout, code } = await podsec(["--demo", "-n", "default", "--admission-config", file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^default\s+Pod\s+busybox\s+baseline:latest\s+exempt \(namespace\)/m);
  });

  it.each([
    [
      ["--level", "strict"],
      'error: invalid --level "strict": must be one of privileged, baseline, restricted',
    ],
    [
      ["--level", "baseline", "--version", "1.30"],
      'error: invalid --version "1.30": must be "latest" or "v1.x"',
    ],
    [["--version", "v1.30"], "error: --version needs --level"],
    [["-o", "wide"], 'error: unable to match a printer suitable for the output format "wide"'],
    [
      ["--admission-config", "/nonexistent.yaml"],
      'error: --admission-config: cannot read "/nonexistent.yaml"',
    ],
    [["-n", "default", "-A"], "error: -n/--namespace and -A/--all-namespaces cannot be used together"],
  ])("rejects %j with exit 2", async (args, message) => {
    const { stderr, code } = await podsec(["--demo", ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("--help has an Examples section", async () => {
    const { stdout, code } = await podsec(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Examples:");
  });
});

describe("kubefence podsec, end to end", () => {
  it.concurrent("is wired into the CLI: the baseline gate exits 1 on the demo", async () => {
    const { stdout, code } = await kubefence(["podsec", "--demo", "--level", "baseline"]);
    expect(code).toBe(1);
    expect(stdout).toContain("default/busybox[Pod]");
  });
  it.concurrent("usage errors exit 2 with error: on stderr", async () => {
    const { stderr, code } = await kubefence(["podsec", "--demo", "--level", "strict"]);
    expect(code).toBe(2);
    expect(stderr).toContain('error: invalid --level "strict"');
  });
});
