import { describe, expect, it } from "vitest";
import { kindInfo } from "../../src/model/kinds.js";
import { LATEST } from "../../src/podsecurity/api.js";
import { evaluatePod } from "../../src/podsecurity/evaluate.js";
import { GUARDRAILS } from "../../src/webhook/guardrails/index.js";
import { webhookManifests } from "../../src/webhook/manifests.js";
import { allowed, model } from "../network/support.js";

// biome-ignore lint/suspicious/noExplicitAny: walking plain manifest JSON in assertions
type Doc = Record<string, any>;
const find = (docs: Doc[], kind: string) => docs.find((d) => d.kind === kind)!;

describe("webhook manifests", () => {
  const docs = webhookManifests({
    namespace: "guard",
    image: "example/kubefence:1",
    caBundle: "PEM",
    tenantsFile: "kind: TenantConfig\n",
  }) as Doc[];

  it("runs two replicas under a PodDisruptionBudget", () => {
    expect(find(docs, "Deployment").spec.replicas).toBe(2);
    expect(find(docs, "PodDisruptionBudget").spec).toMatchObject({
      minAvailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "kubefence-webhook" } },
    });
  });

  it("gives the webhook pod a securityContext that passes Pod Security restricted", () => {
    const template = find(docs, "Deployment").spec.template;
    expect(evaluatePod("restricted", LATEST, template.metadata, template.spec)).toMatchObject({
      allowed: true,
    });
    expect(template.spec.containers[0].resources.requests).toEqual({ cpu: "100m", memory: "128Mi" });
  });

  it("registers a fail-closed webhook without side effects that excludes kube-system and its own namespace", () => {
    const webhook = find(docs, "ValidatingWebhookConfiguration").webhooks[0];
    expect(webhook).toMatchObject({
      failurePolicy: "Fail",
      sideEffects: "None",
      admissionReviewVersions: ["v1"],
    });
    expect(webhook.namespaceSelector.matchExpressions).toEqual([
      { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "guard"] },
    ]);
    expect(webhook.clientConfig).toEqual({
      service: { name: "kubefence-webhook", namespace: "guard", path: "/validate", port: 443 },
      caBundle: Buffer.from("PEM").toString("base64"),
    });
  });

  it("webhook selector escape: Namespace writes go to a second webhook with no namespaceSelector, so relabelling cannot hide them", () => {
    const [main, namespaces] = find(docs, "ValidatingWebhookConfiguration").webhooks as Doc[];
    expect(namespaces).toMatchObject({
      name: "namespaces.validate.kubefence.io",
      failurePolicy: "Fail",
      sideEffects: "None",
      clientConfig: main!.clientConfig,
      rules: [
        {
          apiGroups: [""],
          apiVersions: ["*"],
          operations: ["CREATE", "UPDATE"],
          resources: ["namespaces"],
          scope: "*",
        },
      ],
    });
    expect(namespaces).not.toHaveProperty("namespaceSelector");
    expect(namespaces).not.toHaveProperty("objectSelector");
    expect(main).not.toHaveProperty("objectSelector");
    expect((main!.rules as Doc[]).some((r) => r.resources.includes("namespaces"))).toBe(false);
  });

  it("routes every kind and operation some guardrail looks at to the webhook", () => {
    const rules = find(docs, "ValidatingWebhookConfiguration").webhooks.flatMap((w: Doc) => w.rules) as Doc[];
    for (const guardrail of GUARDRAILS)
      for (const kind of guardrail.kinds) {
        const info = kindInfo(kind)!;
        for (const operation of guardrail.operations)
          expect(
            rules.some(
              (r) =>
                r.apiGroups.includes(info.group) &&
                r.resources.includes(info.plural) &&
                r.operations.includes(operation),
            ),
            `${guardrail.id}: ${operation} ${info.plural}`,
          ).toBe(true);
      }
  });

  it("grants the cache only get, list and watch", () => {
    const role = find(docs, "ClusterRole");
    expect(role.rules.flatMap((r: Doc) => r.verbs)).toEqual(expect.arrayContaining(["get", "list", "watch"]));
    expect(new Set(role.rules.flatMap((r: Doc) => r.verbs))).toEqual(new Set(["get", "list", "watch"]));
    expect(find(docs, "ClusterRoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "kubefence-webhook", namespace: "guard" },
    ]);
  });

  it("with no API server address, the NetworkPolicy opens only the webhook port, to any source, and says so", () => {
    const policy = docs.find((d) => d.kind === "NetworkPolicy" && d.metadata.name === "kubefence-webhook")!;
    expect(policy.metadata).toMatchObject({ name: "kubefence-webhook", namespace: "guard" });
    expect(policy.metadata.annotations["kubefence.io/warning"]).toMatch(/^no API server address given/);
    expect(policy.spec).toMatchObject({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "kubefence-webhook" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ ports: [{ protocol: "TCP", port: 8443 }] }],
    });
    // The port is the container's: a NetworkPolicy sees pod ports, not the Service's 443.
    expect(find(docs, "Deployment").spec.template.spec.containers[0].ports[0].containerPort).toBe(8443);
  });

  it("a pod elsewhere in the cluster cannot reach the webhook once the API server's range is given (judged by the NetworkPolicy engine)", () => {
    const objects = webhookManifests({
      namespace: "guard",
      image: "x",
      apiServerCidrs: ["192.0.2.10/32"],
    }) as Doc[];
    const policy = objects.find(
      (d) => d.kind === "NetworkPolicy" && d.metadata.name === "kubefence-webhook",
    )!;
    expect(policy.metadata.annotations).toBeUndefined();
    expect(policy.spec.ingress).toEqual([
      {
        ports: [{ protocol: "TCP", port: 8443 }],
        from: [
          { ipBlock: { cidr: "192.0.2.10/32" } },
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "kubefence-webhook-ready" } } },
        ],
      },
    ]);
    const attacker = { apiVersion: "v1", kind: "Pod", metadata: { name: "attacker", namespace: "team-a" } };
    const withPolicy = model([...objects, attacker]);
    const webhook = "guard/deployment/kubefence-webhook";
    expect(allowed(withPolicy, "team-a/attacker", webhook, 8443)).toBe(false);
    expect(allowed(withPolicy, "192.0.2.10", webhook, 8443)).toBe(true);
    expect(allowed(withPolicy, "192.0.2.10", webhook, 9090)).toBe(false);
    const open = model([...docs, attacker]);
    expect(allowed(open, "team-a/attacker", "guard/deployment/kubefence-webhook", 8443)).toBe(true);
  });

  it("mounts the tenants file from a ConfigMap and passes it to serve", () => {
    expect(find(docs, "ConfigMap").data).toEqual({ "tenants.yaml": "kind: TenantConfig\n" });
    expect(find(docs, "Deployment").spec.template.spec.containers[0].args).toContain(
      "--tenants=/etc/kubefence/tenants/tenants.yaml",
    );
  });

  it("with a cert-manager issuer, requests a Certificate and asks cert-manager to inject the CA", () => {
    const managed = webhookManifests({
      namespace: "guard",
      image: "x",
      certManagerIssuer: "selfsigned",
    }) as Doc[];
    expect(find(managed, "Certificate").spec).toMatchObject({
      secretName: "kubefence-webhook-tls",
      dnsNames: ["kubefence-webhook.guard.svc", "kubefence-webhook.guard.svc.cluster.local"],
      issuerRef: { kind: "Issuer", name: "selfsigned" },
    });
    const configuration = find(managed, "ValidatingWebhookConfiguration");
    expect(configuration.metadata.annotations).toMatchObject({
      "cert-manager.io/inject-ca-from": "guard/kubefence-webhook",
    });
    expect(configuration.webhooks[0].clientConfig.caBundle).toBeUndefined();
    expect(managed.some((d) => d.kind === "ConfigMap")).toBe(false);
  });
});
