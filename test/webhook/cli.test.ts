import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(ROOT, "src", "cli", "main.ts");
const dir = mkdtempSync(join(tmpdir(), "kubefence-webhook-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI from source (tsx) with stdin closed. */
function kubefence(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      { cwd: ROOT },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
    );
    child.stdin?.end();
  });
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("kubefence webhook manifests", () => {
  it("writes the objects to apply as YAML, and warns when nothing supplies a caBundle", async () => {
    const { stdout, stderr, code } = await kubefence(["webhook", "manifests"]);
    expect(code).toBe(0);
    const kinds = parseAllDocuments(stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toEqual([
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Deployment",
      "PodDisruptionBudget",
      "Service",
      "NetworkPolicy",
      "ValidatingWebhookConfiguration",
    ]);
    expect(stdout).toContain("namespace: kubefence-system");
    expect(stderr).toContain("warning: no --ca-file or --cert-manager-issuer");
    expect(stderr).toContain(
      "warning: no --api-server-cidr: the NetworkPolicy admits any source to the webhook port (8443)",
    );
  });

  it("admits only the --api-server-cidr ranges to the webhook port, without a warning", async () => {
    const { stdout, stderr, code } = await kubefence([
      "webhook",
      "manifests",
      "--api-server-cidr",
      "172.18.0.2/32",
      "--api-server-cidr",
      "fd00::/64",
      "-o",
      "json",
    ]);
    expect(code).toBe(0);
    expect(stderr).not.toContain("--api-server-cidr");
    const policy = (JSON.parse(stdout) as { items: { kind: string; spec: unknown }[] }).items.find(
      (i) => i.kind === "NetworkPolicy",
    );
    expect(policy?.spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "kubefence-webhook" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          ports: [{ protocol: "TCP", port: 8443 }],
          from: [{ ipBlock: { cidr: "172.18.0.2/32" } }, { ipBlock: { cidr: "fd00::/64" } }],
        },
      ],
    });
  });

  it("puts the CA file in caBundle and the tenants file in a ConfigMap (-o json)", async () => {
    const ca = file("ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const tenants = file(
      "tenants.yaml",
      "apiVersion: kubefence.io/v1alpha1\nkind: TenantConfig\ntenants: []\n",
    );
    const { stdout, code } = await kubefence([
      "webhook",
      "manifests",
      "-n",
      "guard",
      "--ca-file",
      ca,
      "--tenants",
      tenants,
      "-o",
      "json",
    ]);
    expect(code).toBe(0);
    const list = JSON.parse(stdout) as {
      items: {
        kind: string;
        data?: Record<string, string>;
        webhooks?: { clientConfig: { caBundle?: string } }[];
      }[];
    };
    expect(list.items.find((i) => i.kind === "ConfigMap")?.data?.["tenants.yaml"]).toContain(
      "kind: TenantConfig",
    );
    const caBundle = list.items.find((i) => i.kind === "ValidatingWebhookConfiguration")?.webhooks?.[0]
      ?.clientConfig.caBundle;
    expect(Buffer.from(caBundle ?? "", "base64").toString()).toContain("BEGIN CERTIFICATE");
  });

  it.each([
    [
      ["--ca-file", "x", "--cert-manager-issuer", "y"],
      "error: --ca-file and --cert-manager-issuer cannot be used together",
    ],
    [["--ca-file", "/nonexistent/ca.crt"], "error: cannot read CA file /nonexistent/ca.crt: ENOENT"],
    [["-o", "xml"], 'error: unable to match a printer suitable for the output format "xml"'],
    [
      ["--api-server-cidr", "10.0.0.0/33"],
      'error: --api-server-cidr "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  ])("refuses bad input %j with exit code 2", async (args, message) => {
    const { stderr, code } = await kubefence(["webhook", "manifests", ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("refuses a tenants file with errors, naming file and line", async () => {
    const tenants = file(
      "bad.yaml",
      "apiVersion: kubefence.io/v1alpha1\nkind: TenantConfig\nguardrails:\n  pod-security: sometimes\n",
    );
    const { stderr, code } = await kubefence(["webhook", "manifests", "--tenants", tenants]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `error: ${tenants}:4:17: guardrail "pod-security": mode must be enforce, warn, audit (got "sometimes")`,
    );
    expect(stderr).toContain(`error: invalid tenants file ${tenants} (see above)`);
  });
});

describe("kubefence webhook serve", () => {
  it("requires the serving certificate (exit code 2)", async () => {
    const { stderr, code } = await kubefence(["webhook", "serve"]);
    expect(code).toBe(2);
    expect(stderr).toContain("error: --tls-cert-file and --tls-private-key-file are required");
  });

  it("lists the guardrails in --help", async () => {
    const { stdout, code } = await kubefence(["webhook", "serve", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}pod-security {16}pods and pod templates meet/m);
    expect(stdout).toContain("Examples:");
  });

  it.each([
    ["--max-requests-per-client", "0"],
    ["--max-requests", "many"],
    ["--max-queue-wait", "1.5"],
  ])("refuses %s %s with exit code 2", async (flag, value) => {
    const { stderr, code } = await kubefence([
      "webhook",
      "serve",
      "--tls-cert-file",
      "c",
      "--tls-private-key-file",
      "k",
      flag,
      value,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(`error: ${flag} must be a whole number ≥ 1 (got "${value}")`);
  });
});
