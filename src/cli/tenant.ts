import { Command } from "commander";
import { isDNS1123Label } from "../model/validation.js";
import { toYaml } from "../model/yaml-text.js";
import { type PodSecurityLevel, parseSubject, type SubjectRef } from "../tenancy/config.js";
import { DEFAULT_QUOTA, manifestErrors, TENANT_LABEL, tenantManifests } from "../tenancy/guardrails.js";
import { UsageError } from "./errors.js";
import { validateOutput } from "./output.js";

const collect = (value: string, previous: string[]) => [...previous, value];

interface InitOptions {
  namespace: string[];
  owner: string[];
  level: string;
  podSecurityVersion: string;
  quota?: string;
  tenantLabel: string;
  isolation: string;
  output: string;
}

export function tenantCommand(): Command {
  const tenant = new Command("tenant").description("write the manifests that isolate a tenant");
  tenant
    .command("init")
    .argument("<name>", "tenant name (a DNS label)")
    .description(
      "write Namespaces, RBAC, NetworkPolicies, quota and Pod Security labels for an isolated tenant",
    )
    .option(
      "--namespace <ns>",
      "a namespace of the tenant (repeatable; default: the tenant name)",
      collect,
      [],
    )
    .option(
      "--owner <subject>",
      "owner, as User:alice, Group:team-a or ServiceAccount:ns/name (repeatable)",
      collect,
      [],
    )
    .option(
      "--level <level>",
      "Pod Security level to enforce: restricted, baseline or privileged",
      "baseline",
    )
    .option("--pod-security-version <version>", "Pod Security version to pin: latest or v1.NN", "latest")
    .option(
      "--quota <list>",
      "ResourceQuota hard limits, e.g. cpu=4,memory=8Gi,pods=50 (cpu/memory mean requests)",
    )
    .option("--tenant-label <key>", "namespace label that names the tenant", TENANT_LABEL)
    .option(
      "--isolation <kind>",
      "network-policy (NetworkPolicies in each namespace, its owners may edit them) or cluster-policy (one Admin ClusterNetworkPolicy no namespace owner can override; needs the policy.networking.k8s.io CRDs)",
      "network-policy",
    )
    .option("-o, --output <format>", "yaml or json", "yaml")
    .addHelpText(
      "after",
      `
Examples:
  # Tenant team-a in two namespaces, owned by alice, at Pod Security restricted
  kubefence tenant init team-a --namespace team-a --namespace team-a-dev --owner User:alice --level restricted

  # Review, then apply
  kubefence tenant init team-b --owner Group:team-b | kubectl apply -f -`,
    )
    .action((name: string, options: InitOptions) => {
      validateOutput(options.output, ["yaml", "json"]);
      if (options.isolation !== "network-policy" && options.isolation !== "cluster-policy")
        throw new UsageError(
          `--isolation must be network-policy or cluster-policy (got "${options.isolation}")`,
        );
      // The name, level and version are judged where they land, in the manifests, as the API server would.
      const owners: SubjectRef[] = options.owner.map((text) => {
        const subject = parseSubject(text);
        if (!subject)
          throw new UsageError(
            `--owner "${text}": expected User:NAME, Group:NAME or ServiceAccount:NAMESPACE:NAME`,
          );
        // RBAC itself takes any subject namespace, but a ServiceAccount can only live in a valid one.
        const badNamespace = subject.namespace === undefined ? [] : isDNS1123Label(subject.namespace);
        if (badNamespace.length > 0)
          throw new UsageError(
            `--owner "${text}": namespace ${JSON.stringify(subject.namespace)}: ${badNamespace.join(", ")}`,
          );
        return subject;
      });
      const manifests = tenantManifests({
        name,
        namespaces: options.namespace.length > 0 ? options.namespace : [name],
        owners,
        level: options.level as PodSecurityLevel,
        version: options.podSecurityVersion,
        quota: { ...DEFAULT_QUOTA, ...parseQuota(options.quota) },
        tenantLabel: options.tenantLabel,
        isolation: options.isolation as "network-policy" | "cluster-policy",
      });
      // Nothing is written unless the API server would take every object.
      const rejected = manifestErrors(manifests);
      if (rejected.length > 0) throw new UsageError(rejected.join("\nerror: "));
      process.stdout.write(
        options.output === "json"
          ? `${JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests }, null, 2)}\n`
          : manifests.map((m) => toYaml(m)).join("---\n"),
      );
    });
  return tenant;
}

function parseQuota(text: string | undefined): Record<string, string> {
  if (!text) return {};
  const out: Record<string, string> = Object.create(null); // keyed by resource names from the command line
  for (const pair of text.split(",")) {
    const [key, value] = pair.split("=").map((s) => s.trim());
    if (!key || !value)
      throw new UsageError(
        `--quota "${text}": expected KEY=VALUE[,KEY=VALUE…], e.g. cpu=4,memory=8Gi,pods=50`,
      );
    // prototype-safe: out is a null-prototype object
    out[key === "cpu" || key === "memory" ? `requests.${key}` : key] = value;
  }
  return out;
}
