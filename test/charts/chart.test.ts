/**
 * The Helm chart (charts/kubefence) and `kubefence webhook manifests` are one set of objects: `helm template`
 * with given values equals webhookManifests() with the matching options, apart from what only Helm can do
 * (the generated certificate Secrets, the pre-delete hook that removes the configuration first). And the
 * chart's output passes kubefence's own audit and Pod Security restricted. helm is the real one, built from
 * the Go module pinned in test/helm/go.mod (scripts/install-helm.sh).
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { GUARDRAIL_IDS } from "../../src/webhook/guardrails/index.js";
import { CACHE_ACCEPT_REASON, type ManifestOptions, webhookManifests } from "../../src/webhook/manifests.js";
import { runBuiltCli } from "../support/built-cli.js";
import { helmBinary, renderChart } from "../support/chart.js";

// biome-ignore lint/suspicious/noExplicitAny: walking plain manifest JSON in assertions
type Doc = Record<string, any>;

const root = fileURLToPath(new URL("../..", import.meta.url));
const chart = join(root, "charts/kubefence");
const helm = helmBinary();
const dir = mkdtempSync(join(tmpdir(), "kubefence-chart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TENANTS = readFileSync(join(root, "test/charts/fixtures/platform.yaml"), "utf8");

const template = (args: string[]) => renderChart(args) as Doc[];

const isRemoval = (d: Doc) => d.metadata.annotations?.["helm.sh/hook"] === "pre-delete";
const BRIDGE = "kubefence-upgrade-bridge";
/** Helm-only: the copy of the configuration that covers its re-creation during an upgrade. */
const isBridge = (d: Doc) => d.metadata.name === BRIDGE;
/** The chart's objects `webhook manifests` also writes, without the caBundle (a fresh CA every render). */
function comparable(docs: Doc[]): Doc[] {
  return docs
    .filter((d) => d.kind !== "Secret" && !isRemoval(d) && !isBridge(d))
    .map((d) => {
      if (d.kind !== "ValidatingWebhookConfiguration") return d;
      const copy = structuredClone(d);
      for (const webhook of copy.webhooks) delete webhook.clientConfig.caBundle;
      return copy;
    });
}
const key = (d: Doc) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`;
const byKey = (docs: Doc[]) => new Map(docs.map((d) => [key(d), d]));

const cases: { name: string; args: string[]; options: ManifestOptions }[] = [
  {
    name: "defaults",
    args: [],
    options: { namespace: "kubefence-system", image: "ghcr.io/kubefence/kubefence:0.1.0" },
  },
  {
    name: "tenants file, API server addresses, guardrail modes, another namespace, image by digest",
    args: [
      "--set",
      "namespace.name=guard",
      "--set",
      `image.digest=sha256:${"a".repeat(64)}`,
      "--set-file",
      `tenants=${join(root, "test/charts/fixtures/platform.yaml")}`,
      "--set",
      "apiServerCidrs={192.0.2.10/32,2001:db8::1/128}",
      "--set",
      "guardrails.service-exposure=warn",
      "--set",
      "guardrails.rbac-aggregation=audit",
    ],
    options: {
      namespace: "guard",
      image: `ghcr.io/kubefence/kubefence@sha256:${"a".repeat(64)}`,
      tenantsFile: TENANTS,
      apiServerCidrs: ["192.0.2.10/32", "2001:db8::1/128"],
      guardrailModes: new Map([
        ["service-exposure", "warn"],
        ["rbac-aggregation", "audit"],
      ]),
    },
  },
  {
    name: "cert-manager",
    args: ["--set", "certManager.issuer=selfsigned"],
    options: {
      namespace: "kubefence-system",
      image: "ghcr.io/kubefence/kubefence:0.1.0",
      certManagerIssuer: "selfsigned",
    },
  },
];

describe("helm template equals kubefence webhook manifests", () => {
  for (const c of cases)
    it(c.name, () => {
      const rendered = byKey(comparable(template(c.args)));
      const written = byKey(webhookManifests(c.options) as Doc[]);
      expect([...rendered.keys()].sort()).toEqual([...written.keys()].sort());
      for (const [k, doc] of written) expect(rendered.get(k), k).toEqual(doc);
    });

  it("the chart's guardrail values are the registry's guardrails, each enforcing by default", () => {
    const values = parseYaml(readFileSync(join(chart, "values.yaml"), "utf8")) as Doc;
    expect(Object.keys(values.guardrails).sort()).toEqual([...GUARDRAIL_IDS].sort());
    expect(new Set(Object.values(values.guardrails))).toEqual(new Set(["enforce"]));
  });
});

describe("the chart's certificate and install order", () => {
  const docs = template([]);
  const secret = (name: string) => docs.find((d) => d.kind === "Secret" && d.metadata.name === name)!;
  const pem = (s: Doc, field: string) => Buffer.from(s.data[field], "base64").toString("utf8");

  it("serves a certificate for the Service's names, signed by the CA in the caBundle", () => {
    const configuration = docs.find((d) => d.kind === "ValidatingWebhookConfiguration" && !isRemoval(d))!;
    const ca = new X509Certificate(
      Buffer.from(configuration.webhooks[0].clientConfig.caBundle, "base64").toString("utf8"),
    );
    const serving = new X509Certificate(pem(secret("kubefence-webhook-tls"), "tls.crt"));
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.subjectAltName).toBe(
      "DNS:kubefence-webhook.kubefence-system.svc, DNS:kubefence-webhook.kubefence-system.svc.cluster.local",
    );
    expect(pem(secret("kubefence-webhook-tls"), "ca.crt")).toBe(ca.toString());
    expect(new X509Certificate(pem(secret("kubefence-webhook-ca"), "tls.crt")).toString()).toBe(
      ca.toString(),
    );
    // The pods mount the serving Secret only, never the CA's key.
    const volumes = docs.find((d) => d.kind === "Deployment")!.spec.template.spec.volumes as Doc[];
    expect(volumes.map((v) => v.secret?.secretName).filter(Boolean)).toEqual(["kubefence-webhook-tls"]);
  });

  it("creates the configuration only after the readiness Job, and removes it before anything else on uninstall", () => {
    const job = docs.find((d) => d.kind === "Job")!;
    const configuration = docs.find(
      (d) => d.kind === "ValidatingWebhookConfiguration" && !isRemoval(d) && !isBridge(d),
    )!;
    const removal = docs.find((d) => isRemoval(d) && !isBridge(d))!;
    const hook = (d: Doc) => d.metadata.annotations["helm.sh/hook"];
    const weight = (d: Doc) => Number(d.metadata.annotations["helm.sh/hook-weight"]);
    expect(hook(job)).toBe("post-install,post-upgrade,post-rollback");
    expect(hook(configuration)).toBe(hook(job));
    expect(weight(job)).toBeLessThan(weight(configuration));
    expect(job.spec.template.spec.containers[0].args).toEqual([
      "webhook",
      "wait",
      "--url=https://$(KUBEFENCE_WEBHOOK_SERVICE_HOST):$(KUBEFENCE_WEBHOOK_SERVICE_PORT)/readyz",
      "--timeout=300",
    ]);
    expect(removal).toMatchObject({
      kind: "ValidatingWebhookConfiguration",
      metadata: { name: configuration.metadata.name },
      webhooks: [],
    });
    expect(removal.metadata.annotations["helm.sh/hook-delete-policy"]).toBe(
      "before-hook-creation,hook-succeeded",
    );
  });

  it("covers the configuration's re-creation on upgrade and rollback with a bridge, deleted once every hook succeeded", () => {
    const job = docs.find((d) => d.kind === "Job")!;
    const [bridge, bridgeRemoval] = [false, true].map(
      (removal) => docs.find((d) => isBridge(d) && isRemoval(d) === removal)!,
    );
    const configuration = docs.find(
      (d) => d.kind === "ValidatingWebhookConfiguration" && !isRemoval(d) && !isBridge(d),
    )!;
    const annotation = (d: Doc, name: string) => d.metadata.annotations[`helm.sh/${name}`];
    // Not on install: there is no configuration to cover yet.
    expect(annotation(bridge!, "hook")).toBe("post-upgrade,post-rollback");
    // After the readiness Job (its pods answer), before the configuration is deleted and created again.
    expect(Number(annotation(job, "hook-weight"))).toBeLessThan(Number(annotation(bridge!, "hook-weight")));
    expect(Number(annotation(bridge!, "hook-weight"))).toBeLessThan(
      Number(annotation(configuration, "hook-weight")),
    );
    expect(annotation(bridge!, "hook-delete-policy")).toBe("before-hook-creation,hook-succeeded");
    // The same webhooks, the same CA: whichever the API server calls answers the same.
    expect(bridge!.webhooks).toEqual(configuration.webhooks);
    // And removed on uninstall, should a failed upgrade have left it.
    expect(bridgeRemoval).toMatchObject({ webhooks: [] });
  });
});

describe("dogfooding: kubefence judges its own chart", () => {
  const rendered = join(dir, "rendered.yaml");
  writeFileSync(
    rendered,
    execFileSync(helm, ["template", "kubefence", chart, "--set", "apiServerCidrs={192.0.2.10/32}"], {
      encoding: "utf8",
    }),
  );

  it("every kubefence pod meets Pod Security restricted", () => {
    const result = runBuiltCli(["podsec", "--level", "restricted", "-f", rendered, "-o", "json"]);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Doc[];
    expect(rows.map((r) => `${r.kind}/${r.name}`).sort()).toEqual([
      "Deployment/kubefence-webhook",
      "Job/kubefence-webhook-ready",
    ]);
    for (const row of rows) expect(row, row.name).toMatchObject({ allowed: true, reasons: [] });
  });

  it("audit finds nothing against kubefence's own objects but its read-only cluster-wide cache, which the chart accepts", () => {
    const result = runBuiltCli([
      "audit",
      "-f",
      rendered,
      "-f",
      join(root, "test/charts/fixtures/cluster-dns.yaml"),
      "--tenants",
      join(root, "test/charts/fixtures/platform.yaml"),
      "-o",
      "json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    const all = report.findings as Doc[];
    // Against kubefence: a finding located in the chart's output, or on an object in kubefence's namespace.
    const own = all.filter(
      (f) => f.origin?.file === rendered || f.resource?.namespace === "kubefence-system",
    );
    // The cache must list and watch Roles, RoleBindings and NetworkPolicies everywhere to judge a request
    // against the rest of the cluster: read-only (medium, not high), and nothing else. The chart's
    // ClusterRoleBinding accepts exactly that finding, with its reason: shown, marked accepted.
    expect(own.map((f) => [f.id, f.severity, f.subject, f.object, f.acceptance?.status])).toEqual([
      [
        "rbac.cluster-wide-namespaced-access",
        "medium",
        "ServiceAccount:kubefence-system/kubefence-webhook",
        "every namespace",
        "accepted",
      ],
    ]);
    expect(own[0]!.acceptance).toEqual({
      status: "accepted",
      reason: CACHE_ACCEPT_REASON,
      owner: "kubefence",
      source: {
        kind: "annotation",
        object: { kind: "ClusterRoleBinding", name: "kubefence-webhook" },
        origin: own[0]!.origin,
      },
    });
    expect(report.acceptances.map((a: Doc) => [a.id, a.status, a.findings])).toEqual([
      ["rbac.cluster-wide-namespaced-access", "accepted", 1],
    ]);
    // As a gate at medium the accepted finding passes; without the annotation the same finding trips it too.
    const gate = (file: string) => {
      const run = runBuiltCli([
        "audit",
        "-f",
        file,
        "-f",
        join(root, "test/charts/fixtures/cluster-dns.yaml"),
        "--tenants",
        join(root, "test/charts/fixtures/platform.yaml"),
        "--fail-on",
        "medium",
        "-o",
        "json",
      ]);
      expect(run.code, run.stderr).toBe(1);
      return Number(/--fail-on medium: (\d+) findings? at or above medium/.exec(run.stderr)?.[1]);
    };
    const text = readFileSync(rendered, "utf8");
    const unaccepted = join(dir, "unaccepted.yaml");
    writeFileSync(unaccepted, text.replace(/^ {4}kubefence\.io\/accept: .*\n/m, ""));
    expect(readFileSync(unaccepted, "utf8")).not.toBe(text);
    const atMedium = all.filter((f) => f.severity !== "low" && f.severity !== "info").length;
    expect(gate(rendered)).toBe(atMedium - 1);
    expect(gate(unaccepted)).toBe(atMedium);
    expect(own[0]!.message).toBe(
      "ServiceAccount kubefence-system/kubefence-webhook can get, list, watch networkpolicies.networking.k8s.io; get, list, watch rolebindings.rbac.authorization.k8s.io; get, list, watch roles.rbac.authorization.k8s.io in every namespace, kube-system and every tenant's included (ClusterRoleBinding kubefence-webhook)",
    );
    // The rest is about the fixture's kube-system (no NetworkPolicy there), not about kubefence.
    expect(
      new Set(all.filter((f) => !own.includes(f)).map((f) => f.resource?.namespace ?? f.resource?.name)),
    ).toEqual(new Set(["kube-system"]));
  });
});

describe("the controller (controller.enabled)", () => {
  const own = (docs: Doc[]) =>
    docs.filter(
      (d) =>
        d.metadata.labels?.["app.kubernetes.io/name"] === "kubefence-controller" ||
        d.kind === "CustomResourceDefinition",
    );
  const enabled = template(["--set", "controller.enabled=true"]);

  it("is off by default: no controller object, no CRD", () => {
    expect(own(template([]))).toEqual([]);
  });

  it("runs `kubefence controller` with its own ServiceAccount, RBAC, metrics Service and NetworkPolicy, and the PolicyReport CRDs", () => {
    expect(own(enabled).map(key).sort()).toEqual([
      "ClusterRole//kubefence-controller",
      "ClusterRoleBinding//kubefence-controller",
      "CustomResourceDefinition//clusterpolicyreports.wgpolicyk8s.io",
      "CustomResourceDefinition//policyreports.wgpolicyk8s.io",
      "Deployment/kubefence-system/kubefence-controller",
      "NetworkPolicy/kubefence-system/kubefence-controller",
      "Role/kubefence-system/kubefence-controller-lease",
      "RoleBinding/kubefence-system/kubefence-controller-lease",
      "Service/kubefence-system/kubefence-controller-metrics",
      "ServiceAccount/kubefence-system/kubefence-controller",
    ]);
    const deployment = enabled.find(
      (d) => d.kind === "Deployment" && d.metadata.name === "kubefence-controller",
    )!;
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe("kubefence-controller");
    expect(pod.containers[0].args).toEqual([
      "controller",
      "--namespace=kubefence-system",
      "--identity=$(POD_NAME)",
      "--port=8080",
      "--resync-interval=300",
    ]);
    expect(pod.containers[0].readinessProbe.httpGet).toEqual({ path: "/readyz", port: 8080 });
    // The webhook's selectors never pick the controller's pods.
    const webhook = enabled.find((d) => d.kind === "Deployment" && d.metadata.name === "kubefence-webhook")!;
    expect(webhook.spec.selector.matchLabels).not.toEqual(deployment.spec.selector.matchLabels);
    // The tenants file, when given, is the webhook's ConfigMap.
    const withTenants = template([
      "--set",
      "controller.enabled=true",
      "--set-file",
      `tenants=${join(root, "test/charts/fixtures/platform.yaml")}`,
    ]);
    const args = withTenants.find(
      (d) => d.kind === "Deployment" && d.metadata.name === "kubefence-controller",
    )!.spec.template.spec.containers[0].args as string[];
    expect(args).toContain("--tenants=/etc/kubefence/tenants/tenants.yaml");
  });

  it("its ClusterRole reads exactly the kinds the audit reads (Cilium's and Calico's too), read-only, and writes only its reports and Events", async () => {
    const { KINDS, UNMODELLED_POLICY_KINDS } = await import("../../src/model/kinds.js");
    const role = enabled.find((d) => d.kind === "ClusterRole" && d.metadata.name === "kubefence-controller")!;
    const read = new Map<string, string[]>();
    const write: string[] = [];
    for (const rule of role.rules as Doc[])
      for (const group of rule.apiGroups as string[])
        for (const resource of rule.resources as string[]) {
          if ((rule.verbs as string[]).join() === "get,list,watch")
            read.set(group, [...(read.get(group) ?? []), resource].sort());
          else write.push(`${group}/${resource}: ${(rule.verbs as string[]).join(",")}`);
        }
    const expected = new Map<string, string[]>();
    for (const k of [...KINDS, ...UNMODELLED_POLICY_KINDS])
      expected.set(k.group, [...(expected.get(k.group) ?? []), k.plural].sort());
    expect(read).toEqual(expected);
    expect(write.sort()).toEqual([
      "/events: list,create",
      "wgpolicyk8s.io/clusterpolicyreports: get,list,create,update,delete",
      "wgpolicyk8s.io/policyreports: get,list,create,update,delete",
    ]);
    const lease = enabled.find((d) => d.kind === "Role" && d.metadata.name === "kubefence-controller-lease")!;
    expect(lease.rules).toEqual([
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
    ]);
  });

  it("installs the CRDs from files/ (what the live tests install), or not, as asked", () => {
    for (const file of ["wgpolicyk8s.io_policyreports.yaml", "wgpolicyk8s.io_clusterpolicyreports.yaml"]) {
      const crd = parseYaml(readFileSync(join(chart, "files", file), "utf8")) as Doc;
      expect(
        enabled.find((d) => d.kind === "CustomResourceDefinition" && d.metadata.name === crd.metadata.name),
      ).toEqual(crd);
      expect(crd.spec.versions.map((v: Doc) => v.name)).toEqual(["v1alpha2"]);
      expect(crd.metadata.annotations["helm.sh/resource-policy"]).toBe("keep");
    }
    const without = template([
      "--set",
      "controller.enabled=true",
      "--set",
      "controller.installPolicyReportCRDs=false",
    ]);
    expect(without.filter((d) => d.kind === "CustomResourceDefinition")).toEqual([]);
  });

  it("metrics are closed to other namespaces unless controller.metricsFrom admits them", () => {
    const policy = (docs: Doc[]) =>
      docs.find((d) => d.kind === "NetworkPolicy" && d.metadata.name === "kubefence-controller")!;
    expect(policy(enabled).spec.ingress).toBeUndefined();
    const peer = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } };
    const open = template([
      "--set",
      "controller.enabled=true",
      "--set",
      "controller.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring",
    ]);
    expect(policy(open).spec.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 8080 }], from: [peer] }]);
  });

  it("dogfooding: the controller pod meets Pod Security restricted, and the audit's only finding against it is its accepted read access", () => {
    const file = join(dir, "controller.yaml");
    writeFileSync(
      file,
      execFileSync(
        helm,
        [
          "template",
          "kubefence",
          chart,
          "--set",
          "controller.enabled=true",
          "--set",
          "apiServerCidrs={192.0.2.10/32}",
        ],
        {
          encoding: "utf8",
        },
      ),
    );
    const podsec = runBuiltCli(["podsec", "--level", "restricted", "-f", file, "-o", "json"]);
    expect(podsec.code, podsec.stderr).toBe(0);
    const row = (JSON.parse(podsec.stdout) as Doc[]).find((r) => r.name === "kubefence-controller")!;
    expect(row).toMatchObject({ allowed: true, reasons: [] });
    const result = runBuiltCli([
      "audit",
      "-f",
      file,
      "-f",
      join(root, "test/charts/fixtures/cluster-dns.yaml"),
      "--tenants",
      join(root, "test/charts/fixtures/platform.yaml"),
      "-o",
      "json",
    ]);
    const findings = (JSON.parse(result.stdout).findings as Doc[]).filter(
      (f) =>
        f.resource?.namespace === "kubefence-system" || String(f.resource?.name).startsWith("kubefence-"),
    );
    expect(findings.map((f) => [f.id, f.subject, f.acceptance?.status])).toEqual([
      [
        "rbac.cluster-wide-namespaced-access",
        "ServiceAccount:kubefence-system/kubefence-controller",
        "accepted",
      ],
      [
        "rbac.cluster-wide-namespaced-access",
        "ServiceAccount:kubefence-system/kubefence-webhook",
        "accepted",
      ],
    ]);
  });
});
