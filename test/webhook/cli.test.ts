import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
      "NetworkPolicy",
      "NetworkPolicy",
      "Job",
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
    const policy = (
      JSON.parse(stdout) as { items: { kind: string; metadata: { name: string }; spec: unknown }[] }
    ).items.find((i) => i.kind === "NetworkPolicy" && i.metadata.name === "kubefence-webhook");
    expect(policy?.spec).toMatchObject({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "kubefence-webhook" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          ports: [{ protocol: "TCP", port: 8443 }],
          from: [
            { ipBlock: { cidr: "172.18.0.2/32" } },
            { ipBlock: { cidr: "fd00::/64" } },
            { podSelector: { matchLabels: { "app.kubernetes.io/name": "kubefence-webhook-ready" } } },
          ],
        },
      ],
      egress: [{ to: [{ ipBlock: { cidr: "172.18.0.2/32" } }, { ipBlock: { cidr: "fd00::/64" } }] }, {}],
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

  it("passes every guardrail's mode to serve: the tenants file's guardrails: section, then --guardrail-mode", async () => {
    const tenants = file(
      "modes.yaml",
      "apiVersion: kubefence.io/v1alpha1\nkind: TenantConfig\ntenants: []\nguardrails:\n  service-exposure: warn\n  node-escape: audit\n",
    );
    const { stdout, code } = await kubefence([
      "webhook",
      "manifests",
      "--tenants",
      tenants,
      "--guardrail-mode",
      "node-escape=warn",
      "-o",
      "json",
    ]);
    expect(code).toBe(0);
    const deployment = (
      JSON.parse(stdout) as {
        items: { kind: string; spec: { template: { spec: { containers: { args: string[] }[] } } } }[];
      }
    ).items.find((i) => i.kind === "Deployment")!;
    const modes = deployment.spec.template.spec.containers[0]!.args.filter((a) =>
      a.startsWith("--guardrail-mode="),
    );
    expect(modes).toHaveLength(10);
    expect(modes).toContain("--guardrail-mode=service-exposure=warn");
    expect(modes).toContain("--guardrail-mode=node-escape=warn");
    expect(modes).toContain("--guardrail-mode=pod-security=enforce");
  });

  it.each([
    ["pod-security=sometimes", 'mode must be enforce, warn, audit (got "sometimes")'],
    ["no-such=warn", 'unknown guardrail "no-such"; known: pod-security, node-escape'],
    ["pod-security", 'mode must be enforce, warn, audit (got "")'],
  ])("refuses --guardrail-mode %s with exit code 2", async (value, message) => {
    for (const command of [["manifests"], ["serve", "--tls-cert-file", "x", "--tls-private-key-file", "y"]]) {
      const { stderr, code } = await kubefence(["webhook", ...command, "--guardrail-mode", value]);
      expect(code, command[0]).toBe(2);
      expect(stderr).toContain(`error: --guardrail-mode ${JSON.stringify(value)}: ${message}`);
    }
  });

  it("--part splits the configuration from the rest, so kubectl users can register it once a pod is ready", async () => {
    const kinds = async (part: string) =>
      parseAllDocuments((await kubefence(["webhook", "manifests", "--part", part])).stdout).map(
        (d) => (d.toJS() as { kind: string }).kind,
      );
    const [all, workload, configuration] = (await Promise.all(
      ["all", "workload", "configuration"].map(kinds),
    )) as [string[], string[], string[]];
    expect(configuration).toEqual(["ValidatingWebhookConfiguration"]);
    expect(workload).not.toContain("ValidatingWebhookConfiguration");
    expect([...workload, ...configuration]).toEqual(all);
    const refused = await kubefence(["webhook", "manifests", "--part", "webhook"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error: --part must be all, workload, configuration (got "webhook")');
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

describe("kubefence webhook wait", () => {
  it("waits until the URL answers 200, then exits 0", async () => {
    const { createServer } = await import("node:https");
    const { makeCertificates } = await import("./certs.js");
    const certs = makeCertificates();
    let calls = 0;
    const server = createServer(
      { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) },
      (_req, res) => {
        calls++;
        res.writeHead(calls < 3 ? 503 : 200).end(calls < 3 ? "cache not synced" : "ok");
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await kubefence([
        "webhook",
        "wait",
        "--url",
        `https://127.0.0.1:${port}/readyz`,
        "--interval",
        "50",
        "--timeout",
        "20",
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`https://127.0.0.1:${port}/readyz: ready\n`);
      expect(calls).toBe(3);
    } finally {
      server.close();
    }
  });

  it("gives up after --timeout with exit code 1 and the last answer", async () => {
    const { createServer } = await import("node:net");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await kubefence([
      "webhook",
      "wait",
      "--url",
      `https://127.0.0.1:${port}/readyz`,
      "--interval",
      "100",
      "--timeout",
      "0.5",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: https://127.0.0.1:${port}/readyz not ready after 0.5 s (last answer: connect ECONNREFUSED`,
    );
  });

  it("refuses a URL that is not https (exit code 2)", async () => {
    const result = await kubefence(["webhook", "wait", "--url", "http://x/readyz"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: --url must be https:// (got http:)");
  });
});
