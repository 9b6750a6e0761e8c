/**
 * `kubefence fix` against a real kube-apiserver (v1.37): the demo's cluster (the article's alice, bob, the
 * nginx in `network`, the privileged host pod), plus what makes a fix hard to apply — alice may relabel her
 * namespace, a privileged Deployment created without kubectl apply (no last-applied annotation), a privileged
 * Job (its template is immutable) — is loaded into the server; `fix` reads it live, and its output is applied
 * exactly as its header says, command by command, with kubectl. Then the cluster is read again and audited:
 * every breach is closed, no finding is about an object the fix wrote, and the server itself refuses what
 * the breaches were (alice relabelling her namespace, a privileged pod).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { fixCommand } from "../../src/cli/fix.js";
import { allObjects } from "../../src/model/snapshot.js";
import { loadDemo } from "../../src/sources/demo.js";
import { loadLive } from "../../src/sources/live.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { runCommand } from "../support/run-command.js";

const PRIVILEGED_SPEC = {
  hostNetwork: true,
  containers: [
    {
      name: "c",
      image: "busybox:1.36",
      securityContext: { privileged: true },
      ports: [{ containerPort: 8080, hostPort: 8080 }],
      volumeMounts: [{ name: "host", mountPath: "/host" }],
    },
  ],
  volumes: [{ name: "host", hostPath: { path: "/" } }],
};

const EXTRA: object[] = [
  {
    // alice may relabel her own namespace (a RoleBinding in it grants patch on that Namespace object) and run pods.
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "namespace-editor", namespace: "test-namespace" },
    rules: [
      { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "patch", "update"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["create"] },
    ],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "namespace-editor", namespace: "test-namespace" },
    subjects: [{ kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" }],
    roleRef: { kind: "Role", name: "namespace-editor", apiGroup: "rbac.authorization.k8s.io" },
  },
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "agent", namespace: "network" },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: { metadata: { labels: { app: "agent" } }, spec: PRIVILEGED_SPEC },
    },
  },
  {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "migrate", namespace: "test-namespace" },
    spec: { template: { spec: { ...PRIVILEGED_SPEC, restartPolicy: "Never" } } },
  },
];

type Ref = { kind: string; metadata: { name: string; namespace?: string } };
const key = (o: { kind: string; name: string; namespace?: string }) =>
  `${o.kind}/${o.namespace ?? ""}/${o.name}`;

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.apply([...allObjects(loadDemo().snapshot), ...EXTRA]);
}, 120_000);
afterAll(() => cluster?.stop());

async function audit() {
  const { snapshot } = await loadLive({ kubeconfig: cluster.kubeconfig });
  const tenancy = resolveTenants(snapshot, { from: "namespace", byTenantLabel: true }).tenancy;
  const report = runAudit(snapshot, tenancy, { kubeVersion: snapshot.serverVersion, now: new Date() });
  return { report, keys: new Set(allObjects(snapshot).map((o) => key({ kind: o.kind, ...o.metadata }))) };
}

/** What the header says to run, in order: `kubectl …` lines between "in this order:" and the objects. */
function commandsOf(yaml: string): string[][] {
  const header = yaml.slice(0, yaml.indexOf("\n---\n"));
  return [...header.matchAll(/^# {3}kubectl (\S.*?)(?: {4}\(.*\))?$/gm)].map((m) => m[1]!.split(" "));
}

describe("fix applied to a live cluster", () => {
  let yaml = "";
  let existing = new Set<string>();

  it("before: the demo's breaches, and alice's way out through her namespace's labels", async () => {
    const { report, keys } = await audit();
    existing = keys;
    const breaches = report.matrix.list().filter((c) => c.verdict === "breach");
    expect(breaches.map((c) => c.plane).sort()).toEqual(expect.arrayContaining(["api", "network", "node"]));
    const alice = breaches.find((c) => c.plane === "node" && c.from === "test-namespace")!;
    expect(alice.evidence.join("\n")).toMatch(/can patch namespace test-namespace/);
  });

  it("writes a stream kubectl takes, its header in the order to run it, and the same objects as -o json's List", async () => {
    const run = await runCommand(fixCommand, ["--kubeconfig", cluster.kubeconfig]);
    expect(run.code, run.stderr).toBe(0);
    yaml = run.stdout;
    expect(commandsOf(yaml)).toEqual([
      ["delete", "pod", "busybox", "-n", "default"],
      ["delete", "job", "migrate", "-n", "test-namespace"],
      ["apply", "-f", "<this", "file>"],
      ["delete", "clusterrolebinding", "pod-reader-binding"],
    ]);
    expect(yaml).not.toMatch(/Still open/);
    const json = await runCommand(fixCommand, ["--kubeconfig", cluster.kubeconfig, "-o", "json"]);
    const list = JSON.parse(json.stdout) as {
      apiVersion: string;
      kind: string;
      items: Ref[];
      kubefence: { deleteBeforeApply: object[]; deleteAfterApply: object[]; remaining: object[] };
    };
    expect([list.apiVersion, list.kind]).toEqual(["v1", "List"]);
    const documents = parseAllDocuments(yaml).map((d) => d.toJS() as Ref);
    expect(list.items).toEqual(documents);
    expect(list.kubefence.deleteBeforeApply).toEqual([
      { kind: "Pod", namespace: "default", name: "busybox" },
      { kind: "Job", namespace: "test-namespace", name: "migrate" },
    ]);
    expect(list.kubefence.deleteAfterApply).toEqual([
      { kind: "ClusterRoleBinding", name: "pod-reader-binding" },
    ]);
    expect(list.kubefence.remaining).toEqual([]);
    // The List as kubectl reads it (its own `kubefence` field aside): every object accepted by the server.
    const dryRun = await cluster.kubectl(["create", "--dry-run=server", "-f", "-"], json.stdout);
    const refused = dryRun.stderr.split("\n").filter((l) => /^Error from server/.test(l));
    // Only what exists already may be refused by a create (the apply updates those).
    expect(refused.every((l) => /AlreadyExists|already exists/.test(l))).toBe(true);
  });

  it("every command of the header runs, in its order, and the apply takes every object", async () => {
    for (const command of commandsOf(yaml)) {
      if (command[0] === "apply") {
        const applied = await cluster.kubectl(["apply", "-f", "-"], yaml);
        expect(applied.code, applied.stderr).toBe(0);
        continue;
      }
      const [, kind, name, , namespace] = command;
      // No kubelet here: a Pod bound to a node only goes once its kubelet confirms; the test confirms for it.
      const deleted = await cluster.kubectl(kind === "pod" ? [...command, "--wait=false"] : command);
      expect(deleted.code, deleted.stderr).toBe(0);
      if (kind === "pod")
        await cluster.kubectl(["delete", "pod", name!, "-n", namespace!, "--grace-period=0", "--force"]);
    }
    // The Deployment created without kubectl apply lost every field the fix removed.
    const agent = await cluster.kubectl([
      "get",
      "deployment",
      "agent",
      "-n",
      "network",
      "-o",
      "jsonpath={.spec.template.spec}",
    ]);
    const spec = JSON.parse(agent.stdout) as typeof PRIVILEGED_SPEC;
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.containers[0]!.securityContext.privileged).toBeUndefined();
    expect(spec.containers[0]!.ports[0]!.hostPort).toBeUndefined();
    expect(spec.volumes).toEqual([{ name: "host", emptyDir: {} }]);
    // The Job came back, rewritten, under a selector the server generated for it anew.
    const job = await cluster.kubectl(["get", "job", "migrate", "-n", "test-namespace", "-o", "json"]);
    const migrate = JSON.parse(job.stdout) as {
      metadata: { uid: string };
      spec: { selector: { matchLabels: Record<string, string> }; template: { spec: typeof PRIVILEGED_SPEC } };
    };
    expect(migrate.spec.template.spec.hostNetwork).toBeUndefined();
    expect(migrate.spec.selector.matchLabels["batch.kubernetes.io/controller-uid"]).toBe(
      migrate.metadata.uid,
    );
  });

  it("after: every breach closed, and no finding about an object the fix wrote", async () => {
    const { report } = await audit();
    expect(report.matrix.list().filter((c) => c.verdict === "breach")).toEqual([]);
    const created = parseAllDocuments(yaml)
      .map((d) => d.toJS() as Ref)
      .map((o) => key({ kind: o.kind, ...o.metadata }))
      .filter((k) => !existing.has(k));
    expect(created.length).toBeGreaterThan(0);
    const aboutFix = report.findings.filter(
      (f) => f.resource && created.includes(key(f.resource)) && f.id !== "node.admission-enforced",
    );
    expect(aboutFix).toEqual([]);
    // What the audit credits, it credits to the fix's policies.
    expect(report.findings.find((f) => f.id === "node.admission-enforced")?.subject).toBe(
      'ValidatingAdmissionPolicy "kubefence-namespace-pod-security" (binding "kubefence-namespace-pod-security", Deny)',
    );
  });

  it("the server refuses what the breaches were: alice lifting Pod Security, a privileged pod in her namespace", async () => {
    const relabel = (dryRun: string[]) =>
      cluster.kubectl([
        "--as",
        "alice",
        "label",
        "namespace",
        "test-namespace",
        "pod-security.kubernetes.io/enforce=privileged",
        "--overwrite",
        ...dryRun,
      ]);
    // The API server loads a new policy asynchronously: wait (bounded) until it answers for it.
    const deadline = Date.now() + 30_000;
    while ((await relabel(["--dry-run=server"])).code === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    const refused = await relabel([]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/ValidatingAdmissionPolicy 'kubefence-namespace-pod-security'/);
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "escape", namespace: "test-namespace" },
      spec: PRIVILEGED_SPEC,
    };
    const created = await cluster.kubectl(["--as", "alice", "create", "-f", "-"], JSON.stringify(pod));
    expect(created.code).not.toBe(0);
    expect(created.stderr).toMatch(/violates PodSecurity "baseline:latest"/);
  });

  it("fix again: nothing to fix, every tenant pair is isolated", async () => {
    const run = await runCommand(fixCommand, ["--kubeconfig", cluster.kubeconfig]);
    expect([run.code, run.stdout]).toEqual([
      0,
      "# kubefence fix: nothing to fix, every tenant pair is isolated\n",
    ]);
  });
});
