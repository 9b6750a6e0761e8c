/** `kubefence controller`: wiring only — the watch, judgment, reports and lease live in src/controller. */
import { hostname } from "node:os";
import { Command } from "commander";
import { UsageError } from "./errors.js";
import { addTenantOptions, readTenantSource, type TenantOptions } from "./tenant-options.js";

interface ControllerCliOptions extends TenantOptions {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  identity?: string;
  port: string;
  bindAddress: string;
  debounce: string;
  resyncInterval: string;
  leaderElect: boolean;
  leaseName: string;
  leaseDuration: string;
  renewDeadline: string;
  retryPeriod: string;
  reports: boolean;
  events: boolean;
  maxEventsPerJudgment: string;
  metricsPairs?: boolean;
}

export function controllerCommand(): Command {
  const command = new Command("controller")
    .description(
      "watch the cluster and keep its isolation judged: PolicyReports per tenant namespace, Events on new breaches, /metrics",
    )
    .option(
      "--kubeconfig <path>",
      "kubeconfig for the cluster (default: $KUBECONFIG, ~/.kube/config, else in-cluster)",
    )
    .option("--context <name>", "kubeconfig context to use (default: the current context)")
    .option(
      "-n, --namespace <namespace>",
      "namespace of the Lease the replicas elect a leader with",
      process.env.POD_NAMESPACE || "kubefence-system",
    )
    .option("--identity <id>", "this replica's name in the Lease (default: the host name and process id)")
    .option("--port <port>", "HTTP port for /metrics, /healthz and /readyz (0: any free port)", "8080")
    .option("--bind-address <ip>", "address to listen on (127.0.0.1 to stay on loopback)", "0.0.0.0")
    .option("--debounce <ms>", "gather changes this long before judging them", "200")
    .option("--resync-interval <seconds>", "judge everything again this often, reusing nothing", "300")
    .option("--no-leader-elect", "write without holding the Lease (only with a single replica)")
    .option(
      "--lease-name <name>",
      "the coordination.k8s.io/v1 Lease replicas elect a leader with",
      "kubefence-controller",
    )
    .option("--lease-duration <seconds>", "how long a leader's Lease holds without renewal", "15")
    .option("--renew-deadline <seconds>", "a leader that could not renew for this long steps down", "10")
    .option("--retry-period <seconds>", "how often to try to acquire or renew the Lease", "2")
    .option("--no-reports", "write no PolicyReports")
    .option("--no-events", "write no Events")
    .option("--max-events-per-judgment <n>", "Events written per judgment at most (the rest follow)", "100")
    .option(
      "--metrics-pairs",
      "a /metrics series per breaching tenant pair and plane (as many as there are breaches)",
    )
    .addHelpText(
      "after",
      `
Watches every kind the audit reads (those the cluster serves) and judges again shortly after each change; a
change that cannot touch the network analysis (RBAC, ServiceAccounts, admission configuration) reuses it, the
findings of unchanged bindings are kept, and only PolicyReports whose results changed are made again.
Only the replica holding the Lease writes PolicyReports (wgpolicyk8s.io/v1alpha2; the CRDs must be installed:
the chart installs them) and Events; every replica serves /metrics.
Logs: one JSON object per line on stderr. SIGTERM releases the Lease, then exits.

Examples:
  # In a cluster: the chart's controller.enabled=true runs this
  kubefence controller --tenants /etc/kubefence/tenants.yaml

  # From a workstation against the current context, metrics on loopback
  kubefence controller --bind-address 127.0.0.1 --port 9090 --no-leader-elect`,
    )
    .action(run);
  return addTenantOptions(command);
}

function positive(flag: string, text: string, min = 0): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    throw new UsageError(`${flag} must be a number ≥ ${min} (got "${text}")`);
  return value;
}

function writeLog(entry: object): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

async function run(options: ControllerCliOptions): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (got "${options.port}")`);
  const leaseDuration = positive("--lease-duration", options.leaseDuration, 1);
  const renewDeadline = positive("--renew-deadline", options.renewDeadline, 0.1);
  const retryPeriod = positive("--retry-period", options.retryPeriod, 0.01);
  // client-go's checks (leaderelection.NewLeaderElector).
  if (leaseDuration <= renewDeadline)
    throw new UsageError("--lease-duration must be greater than --renew-deadline");
  if (renewDeadline <= 1.2 * retryPeriod)
    throw new UsageError("--renew-deadline must be greater than 1.2 × --retry-period");
  const tenants = readTenantSource(options);
  const { connect } = await import("../sources/kube-client.js");
  const { startController } = await import("../controller/controller.js");
  const client = await connect({ kubeconfig: options.kubeconfig, context: options.context });
  const controller = await startController({
    client,
    kubeconfig: client.kubeConfig!,
    tenants,
    audit: { accepted: tenants.from === "file" ? tenants.config.accepted : [] },
    namespace: options.namespace,
    identity: options.identity ?? `${hostname()}_${process.pid}`,
    leaseName: options.leaderElect ? options.leaseName : null,
    leaseDurationSeconds: leaseDuration,
    renewDeadlineMs: renewDeadline * 1000,
    retryPeriodMs: retryPeriod * 1000,
    debounceMs: positive("--debounce", options.debounce),
    resyncMs: positive("--resync-interval", options.resyncInterval, 1) * 1000,
    reports: options.reports,
    events: options.events,
    maxEventsPerJudgment: positive("--max-events-per-judgment", options.maxEventsPerJudgment, 1),
    metricsPairs: options.metricsPairs,
    http: { host: options.bindAddress, port },
    log: writeLog,
  }).catch((error: unknown) => {
    throw new UsageError(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  });
  writeLog({ level: "info", msg: "serving", port: controller.port() });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      writeLog({ level: "info", msg: `received ${signal}; shutting down` });
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      controller.stop().then(() => resolve());
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
}
