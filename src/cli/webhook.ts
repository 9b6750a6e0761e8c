/** `kubefence webhook serve|manifests`: wiring only — the server, cache and guardrails live in src/webhook. */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { get as httpsGet } from "node:https";
import { Command } from "commander";
import { parseCIDR } from "../model/ip.js";
import { toYaml } from "../model/yaml-text.js";
import { parseWebhookSettings } from "../sources/tenants-file.js";
import { admissionContext } from "../webhook/context.js";
import { GUARDRAIL_IDS, GUARDRAILS } from "../webhook/guardrails/index.js";
import { DEFAULT_LOAD_LIMITS } from "../webhook/load.js";
import { webhookManifests } from "../webhook/manifests.js";
import { Gauge, webhookMetrics } from "../webhook/metrics.js";
import { isMode, MODES, type Mode } from "../webhook/mode.js";
import { type LogEntry, startWebhookServer } from "../webhook/server.js";
import { defaultSettings, type WebhookSettings } from "../webhook/settings.js";
import { admissionPolicies, noteLines } from "../webhook/vap/index.js";
import { EXIT_NO, UsageError } from "./errors.js";
import { validateOutput } from "./output.js";
import { formatDiagnostic } from "./source-options.js";
import { VERSION } from "./version.js";

interface ServeOptions {
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  port: string;
  bindAddress: string;
  tenants?: string;
  kubeconfig?: string;
  context?: string;
  certPollInterval: string;
  maxRequestsPerClient: string;
  maxRequests: string;
  maxQueueWait: string;
  logAllowedPerSecond: string;
  shutdownDelay: string;
  guardrailMode: string[];
}

interface ManifestsOptions {
  namespace: string;
  caFile?: string;
  certManagerIssuer?: string;
  tenants?: string;
  image: string;
  output: string;
  apiServerCidr: string[];
  engine: string;
  guardrailMode: string[];
  part: string;
}

const PARTS = ["all", "workload", "configuration"] as const;

const repeatable = (value: string, previous: string[]) => [...previous, value];
const GUARDRAIL_MODE_HELP = `a guardrail's mode, ID=MODE (${MODES.join(", ")}), repeatable; overrides the tenants file's guardrails: section`;

export function webhookCommand(): Command {
  const webhook = new Command("webhook").description(
    "the admission webhook that keeps tenants isolated as they deploy (serve it, or write its manifests)",
  );
  webhook
    .command("serve")
    .description("answer admission.k8s.io/v1 AdmissionReviews at /validate over HTTPS")
    .option("--tls-cert-file <file>", "serving certificate (PEM); reloaded when it changes")
    .option(
      "--tls-private-key-file <file>",
      "serving certificate's private key (PEM); reloaded when it changes",
    )
    .option("--port <port>", "port to listen on", "8443")
    .option("--bind-address <ip>", "address to listen on (127.0.0.1 to stay on loopback)", "0.0.0.0")
    .option(
      "--tenants <file>",
      "tenants file, re-read when it changes (default: every non-kube-* namespace is a tenant at Pod Security baseline)",
    )
    .option(
      "--kubeconfig <path>",
      "kubeconfig for the cluster cache (default: in-cluster, $KUBECONFIG or ~/.kube/config)",
    )
    .option("--context <name>", "kubeconfig context to use")
    .option(
      "--cert-poll-interval <ms>",
      "how often to check the certificate and tenants files for changes",
      "1000",
    )
    .option(
      "--max-requests-per-client <n>",
      "/validate requests at once from one remote address before 429",
      String(DEFAULT_LOAD_LIMITS.perClient),
    )
    .option(
      "--max-requests <n>",
      "/validate requests at once in all before 429",
      String(DEFAULT_LOAD_LIMITS.global),
    )
    .option(
      "--max-queue-wait <ms>",
      "a review not started this long after its connection arrived gets 429 (keep it below the webhook's timeoutSeconds)",
      String(DEFAULT_LOAD_LIMITS.maxWaitMs),
    )
    .option(
      "--log-allowed-per-second <n>",
      "allowed reviews logged per second; the rest are counted in a summary line every 10 s (denials, warnings and audit notes are always logged)",
      "10",
    )
    .option(
      "--shutdown-delay <seconds>",
      "after SIGTERM, keep answering this long (Connection: close, /readyz failing) before closing the port, while the Service drops the pod",
      "0",
    )
    .option("--guardrail-mode <id=mode>", GUARDRAIL_MODE_HELP, repeatable, [] as string[])
    .addHelpText(
      "after",
      `
Guardrails (mode per guardrail in the tenants file's "guardrails:" section: enforce, warn or audit):
${GUARDRAILS.map((g) => `  ${g.id.padEnd(28)}${g.summary}`).join("\n")}

Endpoints: POST /validate, GET /healthz, /readyz (ready after the cache's first sync), /metrics.
Overload: 429 with Retry-After: 1 (the API server retries it within its timeout).
Logs: one JSON object per line on stderr. SIGTERM waits --shutdown-delay, drains reviews in flight, then exits.

Examples:
  # In a cluster (see: kubefence webhook manifests)
  kubefence webhook serve --tls-cert-file /tls/tls.crt --tls-private-key-file /tls/tls.key --tenants tenants.yaml

  # On a workstation against the current kubeconfig context, loopback only
  kubefence webhook serve --bind-address 127.0.0.1 --tls-cert-file tls.crt --tls-private-key-file tls.key`,
    )
    .action(serve)
    .exitOverride();
  webhook
    .command("manifests")
    .description("write the Deployment, Service, ValidatingWebhookConfiguration, RBAC and ConfigMap to apply")
    .option("-n, --namespace <namespace>", "namespace to run the webhook in", "kubefence-system")
    .option("--ca-file <file>", "CA certificate (PEM) that signed the serving certificate, for the caBundle")
    .option(
      "--cert-manager-issuer <name>",
      "issue the serving certificate with this cert-manager Issuer and inject its CA",
    )
    .option("--tenants <file>", "tenants file to put in the ConfigMap")
    .option("--image <image>", "container image running kubefence", `ghcr.io/kubefence/kubefence:${VERSION}`)
    .option(
      "--api-server-cidr <cidr>",
      "the API server's source address range, repeatable: the NetworkPolicy admits only these to the webhook port",
      repeatable,
      [] as string[],
    )
    .option(
      "--engine <engine>",
      "webhook (the server and its registration) or vap (ValidatingAdmissionPolicies: nothing to run, for the guardrails CEL can express)",
      "webhook",
    )
    .option("--guardrail-mode <id=mode>", GUARDRAIL_MODE_HELP, repeatable, [] as string[])
    .option(
      "--part <part>",
      "all; workload (everything but the ValidatingWebhookConfiguration); configuration (only it, to apply once a pod is ready)",
      "all",
    )
    .option("-o, --output <format>", "yaml or json", "yaml")
    .addHelpText(
      "after",
      `
With --engine vap: one ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding per guardrail
(admissionregistration.k8s.io/v1, Kubernetes 1.30+), the tenants file baked into their CEL, each guardrail's
mode as the binding's validationActions (enforce: Deny, warn: Warn, audit: Audit), and the webhook's messages.
Where a policy checks less than the webhook, the output says what (comments, and on stderr); regenerate and
re-apply the policies when the tenants file changes.

Examples:
  # No webhook to run: the guardrails as admission policies
  kubefence webhook manifests --engine vap --tenants tenants.yaml | kubectl apply -f -

  # With cert-manager issuing the serving certificate
  kubefence webhook manifests --cert-manager-issuer selfsigned --tenants tenants.yaml | kubectl apply -f -

  # With your own CA (create the Secret kubefence-webhook-tls in the namespace yourself)
  kubefence webhook manifests --ca-file ca.crt --tenants tenants.yaml > webhook.yaml

  # kubeadm or kind: the API server runs on the control-plane nodes' host network
  kubefence webhook manifests --ca-file ca.crt --api-server-cidr 172.18.0.2/32

  # With kubectl, register the webhook only once a pod is ready (Helm does this by itself)
  kubefence webhook manifests --ca-file ca.crt --part workload | kubectl apply -f -
  kubectl -n kubefence-system wait --for=condition=complete job/kubefence-webhook-ready --timeout=5m
  kubefence webhook manifests --ca-file ca.crt --part configuration | kubectl apply -f -`,
    )
    .action(manifests)
    .exitOverride();
  webhook
    .command("wait")
    .description("wait until GET URL answers 200 (the chart's Job: a ready webhook pod behind the Service)")
    .requiredOption(
      "--url <url>",
      "the https:// URL to poll, e.g. https://kubefence-webhook.kubefence-system.svc/readyz",
    )
    .option("--timeout <seconds>", "give up after this long (exit 1)", "300")
    .option("--interval <ms>", "time between attempts", "2000")
    .addHelpText(
      "after",
      `
The certificate is not verified: the answer only says whether a pod is ready, and nothing is sent.

Examples:
  # What the chart's post-install Job runs before the ValidatingWebhookConfiguration is created
  kubefence webhook wait --url https://kubefence-webhook.kubefence-system.svc/readyz --timeout 300`,
    )
    .action(waitReady)
    .exitOverride();
  return webhook;
}

/** `--guardrail-mode ID=MODE` values → a map, refusing unknown ids and modes as the tenants file does. */
function guardrailModes(values: readonly string[]): Map<string, Mode> {
  const modes = new Map<string, Mode>();
  for (const value of values) {
    const at = value.indexOf("=");
    const id = at < 0 ? value : value.slice(0, at);
    const mode = at < 0 ? "" : value.slice(at + 1);
    if (!GUARDRAIL_IDS.includes(id))
      throw new UsageError(
        `--guardrail-mode ${JSON.stringify(value)}: unknown guardrail ${JSON.stringify(id)}; known: ${GUARDRAIL_IDS.join(", ")}`,
      );
    if (!isMode(mode))
      throw new UsageError(
        `--guardrail-mode ${JSON.stringify(value)}: mode must be ${MODES.join(", ")} (got ${JSON.stringify(mode)})`,
      );
    modes.set(id, mode);
  }
  return modes;
}

function withModes(settings: WebhookSettings, overrides: ReadonlyMap<string, Mode>): WebhookSettings {
  return overrides.size === 0 ? settings : { ...settings, modes: new Map([...settings.modes, ...overrides]) };
}

async function waitReady(options: { url: string; timeout: string; interval: string }): Promise<void> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(options.url)} is not a URL`);
  }
  if (url.protocol !== "https:") throw new UsageError(`--url must be https:// (got ${url.protocol})`);
  const timeout = Number(options.timeout);
  const interval = Number(options.interval);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(`--timeout must be a number of seconds > 0 (got "${options.timeout}")`);
  if (!Number.isFinite(interval) || interval < 10)
    throw new UsageError(`--interval must be a number of milliseconds ≥ 10 (got "${options.interval}")`);
  const deadline = Date.now() + timeout * 1000;
  const attempt = () =>
    new Promise<string>((resolve) => {
      const req = httpsGet(url, { rejectUnauthorized: false, timeout: 5_000 }, (res) => {
        res.resume();
        resolve(String(res.statusCode));
      });
      req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
      req.on("error", (error) => resolve(error.message));
    });
  let last = "";
  for (;;) {
    last = await attempt();
    if (last === "200") {
      process.stdout.write(`${url.href}: ready\n`);
      return;
    }
    if (Date.now() + interval > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  process.stderr.write(`error: ${url.href} not ready after ${timeout} s (last answer: ${last})\n`);
  process.exitCode = EXIT_NO;
}

function loadSettings(file: string | undefined): WebhookSettings {
  if (file === undefined) return defaultSettings();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read tenants file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const { settings, diagnostics } = parseWebhookSettings(text, file, GUARDRAIL_IDS);
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!settings) throw new UsageError(`invalid tenants file ${file} (see above)`);
  return settings;
}

function writeLog(entry: LogEntry): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

async function serve(options: ServeOptions): Promise<void> {
  if (!options.tlsCertFile || !options.tlsPrivateKeyFile)
    throw new UsageError(
      "--tls-cert-file and --tls-private-key-file are required (the API server only calls webhooks over HTTPS)",
    );
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (got "${options.port}")`);
  const certPollMs = Number(options.certPollInterval);
  if (!Number.isFinite(certPollMs) || certPollMs < 10)
    throw new UsageError(
      `--cert-poll-interval must be a number of milliseconds ≥ 10 (got "${options.certPollInterval}")`,
    );
  const count = (flag: string, text: string, min: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min)
      throw new UsageError(`${flag} must be a whole number ≥ ${min} (got "${text}")`);
    return value;
  };
  const load = {
    perClient: count("--max-requests-per-client", options.maxRequestsPerClient, 1),
    global: count("--max-requests", options.maxRequests, 1),
    maxWaitMs: count("--max-queue-wait", options.maxQueueWait, 1),
  };
  const logPerSecond = count("--log-allowed-per-second", options.logAllowedPerSecond, 0);
  const shutdownDelay = Number(options.shutdownDelay);
  if (!Number.isFinite(shutdownDelay) || shutdownDelay < 0 || shutdownDelay > 60)
    throw new UsageError(
      `--shutdown-delay must be a number of seconds from 0 to 60 (got "${options.shutdownDelay}")`,
    );
  const overrides = guardrailModes(options.guardrailMode);
  let settings = withModes(loadSettings(options.tenants), overrides);
  checkServingCertificate(options.tlsCertFile, options.tlsPrivateKeyFile);

  // Loaded here, not at the top: the Kubernetes client takes most of a second to import, and only serve needs it.
  const { KubeConfig } = await import("@kubernetes/client-node");
  const { startClusterCache } = await import("../webhook/cache.js");
  const kubeconfig = new KubeConfig();
  try {
    if (options.kubeconfig) kubeconfig.loadFromFile(options.kubeconfig);
    else kubeconfig.loadFromDefault();
    if (options.context) kubeconfig.setCurrentContext(options.context);
  } catch (error) {
    throw new UsageError(
      `cannot load the kubeconfig: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!kubeconfig.getCurrentCluster()) throw new UsageError("the kubeconfig names no current cluster");

  const cache = startClusterCache({ kubeconfig, log: writeLog });
  const metrics = webhookMetrics();
  metrics.gauges.push(
    new Gauge("kubefence_webhook_cache_synced", "1 once every cached kind has been listed.", () => [
      { labels: {}, value: cache.synced() ? 1 : 0 },
    ]),
    new Gauge("kubefence_webhook_cache_objects", "Objects in the cluster cache, by kind.", () =>
      Object.entries(cache.counts()).map(([kind, value]) => ({ labels: { kind }, value })),
    ),
  );
  let server: Awaited<ReturnType<typeof startWebhookServer>>;
  try {
    server = await startWebhookServer({
      host: options.bindAddress,
      port,
      certFile: options.tlsCertFile,
      keyFile: options.tlsPrivateKeyFile,
      certPollMs,
      load,
      logPerSecond,
      shutdownDelayMs: shutdownDelay * 1000,
      metrics,
      log: writeLog,
      context: () => {
        const snapshot = cache.snapshot();
        return snapshot && admissionContext(snapshot, settings);
      },
    });
  } catch (error) {
    await cache.stop();
    throw new UsageError(`cannot serve: ${error instanceof Error ? error.message : String(error)}`);
  }
  // A mounted ConfigMap changes in place: re-read the tenants file when it does, keep the old one if the new is invalid.
  const tenantsFile = options.tenants;
  const reloadTenants = () => {
    if (tenantsFile === undefined) return;
    try {
      const { settings: next, diagnostics } = parseWebhookSettings(
        readFileSync(tenantsFile, "utf8"),
        tenantsFile,
        GUARDRAIL_IDS,
      );
      if (next) {
        settings = withModes(next, overrides);
        writeLog({ level: "info", msg: "tenants file reloaded", file: tenantsFile });
      } else
        writeLog({
          level: "warn",
          msg: "tenants file not reloaded; keeping the previous one",
          file: tenantsFile,
          errors: diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic),
        });
    } catch (error) {
      writeLog({ level: "warn", msg: "tenants file not reloaded", file: tenantsFile, error: String(error) });
    }
  };
  if (tenantsFile !== undefined)
    watchFile(tenantsFile, { interval: certPollMs, persistent: false }, reloadTenants);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      if (tenantsFile !== undefined) unwatchFile(tenantsFile, reloadTenants);
      writeLog({ level: "info", msg: `received ${signal}; shutting down` });
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      Promise.all([server.close(), cache.stop()]).then(() => resolve());
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
}

/**
 * The serving certificate and key, checked before anything starts, so a wrong file is named in plain words
 * rather than by OpenSSL (`error:0480006C:PEM routines::no start line`). The server re-reads both on change.
 */
function checkServingCertificate(certFile: string, keyFile: string): void {
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(
        `${flag} ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String((error as Error).message)}`,
      );
    }
  };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(read(certFile, "--tls-cert-file"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--tls-cert-file ${certFile}: not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(read(keyFile, "--tls-private-key-file"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `--tls-private-key-file ${keyFile}: not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC)`,
    );
  }
  if (!certificate.checkPrivateKey(key))
    throw new UsageError(
      `--tls-private-key-file ${keyFile} is not the key of the certificate in --tls-cert-file ${certFile}`,
    );
  // Served anyway (a rotation may be on its way, and the file is re-read when it changes), but said.
  if (Date.parse(certificate.validTo) < Date.now())
    process.stderr.write(
      `warning: --tls-cert-file ${certFile}: the certificate expired on ${certificate.validTo}\n`,
    );
}

function manifests(options: ManifestsOptions): void {
  validateOutput(options.output, ["yaml", "json"]);
  if (options.engine === "vap") {
    if (options.part !== "all") throw new UsageError("--part is for --engine webhook");
    policies(options);
    return;
  }
  if (options.engine !== "webhook")
    throw new UsageError(`--engine must be webhook or vap (got "${options.engine}")`);
  if (!(PARTS as readonly string[]).includes(options.part))
    throw new UsageError(`--part must be ${PARTS.join(", ")} (got ${JSON.stringify(options.part)})`);
  if (options.caFile && options.certManagerIssuer)
    throw new UsageError("--ca-file and --cert-manager-issuer cannot be used together");
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(
        `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  };
  for (const cidr of options.apiServerCidr)
    if (!parseCIDR(cidr))
      throw new UsageError(
        `--api-server-cidr "${cidr}": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`,
      );
  const caBundle = options.caFile ? read(options.caFile, "CA file") : undefined;
  if (caBundle !== undefined && !caBundle.includes("-----BEGIN CERTIFICATE-----"))
    throw new UsageError(`--ca-file ${options.caFile} holds no PEM certificate`);
  let tenantsFile: string | undefined;
  // The tenants file's guardrails: section, then the flags, decide each mode: serve gets all of them as flags.
  let modes = guardrailModes(options.guardrailMode);
  if (options.tenants) {
    modes = withModes(loadSettings(options.tenants), modes).modes as Map<string, Mode>; // refuses a file serve would refuse
    tenantsFile = read(options.tenants, "tenants file");
  }
  const all = webhookManifests({
    namespace: options.namespace,
    image: options.image,
    caBundle,
    certManagerIssuer: options.certManagerIssuer,
    tenantsFile,
    apiServerCidrs: options.apiServerCidr,
    guardrailModes: modes,
  });
  const isConfiguration = (o: Record<string, unknown>) => o.kind === "ValidatingWebhookConfiguration";
  const objects =
    options.part === "all"
      ? all
      : all.filter((o) => isConfiguration(o) === (options.part === "configuration"));
  if (options.apiServerCidr.length === 0)
    process.stderr.write(
      "warning: no --api-server-cidr: the NetworkPolicy admits any source to the webhook port (8443); give the API server's source addresses to admit only them\n",
    );
  if (!caBundle && !options.certManagerIssuer)
    process.stderr.write(
      "warning: no --ca-file or --cert-manager-issuer: the ValidatingWebhookConfiguration has no caBundle, and the API server will not trust the webhook until one is set\n",
    );
  process.stdout.write(
    options.output === "json"
      ? `${JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }, null, 2)}\n`
      : objects.map((o) => toYaml(o, { aliasDuplicateObjects: false })).join("---\n"),
  );
}

function policies(options: ManifestsOptions): void {
  const webhookOnly = [
    ["--ca-file", options.caFile],
    ["--cert-manager-issuer", options.certManagerIssuer],
    ["--api-server-cidr", options.apiServerCidr.length > 0 ? "set" : undefined],
  ].filter(([, value]) => value !== undefined);
  if (webhookOnly.length > 0)
    throw new UsageError(`${webhookOnly.map(([flag]) => flag).join(", ")}: only for --engine webhook`);
  const { objects, notes } = admissionPolicies(
    withModes(loadSettings(options.tenants), guardrailModes(options.guardrailMode)),
  );
  const lines = noteLines(notes);
  for (const line of lines.filter((l) => l.startsWith(" ") || l.includes("no policy")))
    process.stderr.write(`note: ${line.trim()}\n`);
  process.stdout.write(
    options.output === "json"
      ? `${JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }, null, 2)}\n`
      : `${lines.map((l) => `# ${l}\n`).join("")}${objects.map((o) => toYaml(o, { aliasDuplicateObjects: false, lineWidth: 0 })).join("---\n")}`,
  );
}
