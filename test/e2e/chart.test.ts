/**
 * The Helm chart for real, on a one-node cluster (test/support/node.ts): the image `npm run image` built,
 * imported into the node's containerd; `helm install` of charts/kubefence; the API server calling the webhook
 * through its Service (kube-proxy's rules) to the pods, which read the cluster with their ServiceAccount
 * token. Then what a user of the chart counts on: a tenant's privileged pod denied with kubefence's message and
 * a benign one admitted; fail closed with no pods; `helm upgrade` answering every review in flight; and
 * `helm uninstall` leaving nothing behind.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART, ensureImage, helm, IMAGE, imageValues } from "../support/chart.js";
import { exec, type NodeCluster, startNodeCluster } from "../support/node.js";
import { busyboxPod } from "./support.js";

const NS = "kubefence-system";
const TENANT_NS = "tenant-a";
const WEBHOOK = "validate.kubefence.io";
const SELECTOR = "app.kubernetes.io/name=kubefence-webhook";
const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/** The article's node-owning pod: privileged, the host's PID and network namespaces, the host's / mounted. */
const privileged = busyboxPod(TENANT_NS, "owner", "exec sleep 1000000", {
  spec: { hostNetwork: true, hostPID: true, volumes: [{ name: "host-root", hostPath: { path: "/" } }] },
  container: {
    securityContext: { privileged: true },
    volumeMounts: [{ name: "host-root", mountPath: "/host" }],
  },
});
const benign = (name: string) => busyboxPod(TENANT_NS, name, "exec sleep 1000000");

const TENANTS_V2 = `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - name: team-a
    namespaces: [${TENANT_NS}]
    owners: [{kind: User, name: alice}]
    podSecurity: restricted
`;

/** Watches the ValidatingWebhookConfiguration `kubefence`: stop() returns each interval it was absent. */
function watchConfiguration(cluster: NodeCluster): { stop(): { from: number; to: number }[] } {
  const gaps: { from: number; to: number }[] = [];
  let deleted: number | undefined;
  let buffered = "";
  const req = request(
    `${cluster.server}/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations?watch=1&fieldSelector=metadata.name%3Dkubefence`,
    { ca: readFileSync(cluster.caFile), headers: { Authorization: `Bearer ${cluster.token}` } },
    (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffered += chunk;
        let end = buffered.indexOf("\n");
        while (end >= 0) {
          const event = JSON.parse(buffered.slice(0, end)) as { type: string };
          buffered = buffered.slice(end + 1);
          if (event.type === "DELETED") deleted = Date.now();
          else if (event.type === "ADDED" && deleted !== undefined) {
            gaps.push({ from: deleted, to: Date.now() });
            deleted = undefined;
          }
          end = buffered.indexOf("\n");
        }
      });
    },
  );
  req.on("error", () => {});
  req.end();
  return {
    stop() {
      req.destroy();
      return gaps;
    },
  };
}

interface PodList {
  items: {
    metadata: { name: string };
    spec: {
      nodeName?: string;
      containers: { image: string; imagePullPolicy?: string }[];
      volumes?: { name: string; projected?: { sources: { serviceAccountToken?: unknown }[] } }[];
    };
    status: { conditions?: { type: string; status: string }[] };
  }[];
}

describe("the Helm chart on a real node", () => {
  let cluster: NodeCluster;
  const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
  const run = (args: string[]) => helm(cluster.kubeconfig, cluster.dir, args);
  const kubectl = async (args: string[], input?: string) => {
    const result = await cluster.kubectl(args, input);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  /** A create as alice, the tenant (`kubectl --as`): through the API server's admission chain. */
  const asAlice = (object: object, dryRun = false) =>
    cluster.kubectl(
      ["create", "--as", "alice", "-f", "-", ...(dryRun ? ["--dry-run=server"] : [])],
      JSON.stringify(object),
    );
  const webhookPods = async () =>
    JSON.parse(await kubectl(["get", "pods", "-n", NS, "-l", SELECTOR, "-o", "json"])) as PodList;

  beforeAll(async () => {
    let started = Date.now();
    const archive = ensureImage(); // before the node's lock: a build (about 40 s) holds no one up
    console.log(`chart: image ready in ${seconds(started)}`);
    started = Date.now();
    cluster = await startNodeCluster();
    console.log(`chart: node cluster up in ${seconds(started)}`);
    started = Date.now();
    await cluster.importImage(archive);
    console.log(`chart: image imported in ${seconds(started)}`);
    await kubectl(["create", "namespace", TENANT_NS]);
    await kubectl([
      "create",
      "rolebinding",
      "alice-admin",
      "-n",
      TENANT_NS,
      "--clusterrole=admin",
      "--user=alice",
    ]);
  });

  afterAll(async () => {
    // Stopping the node removes every container it ran; the control plane goes with its directory.
    await cluster?.stop();
  });

  it("keeps the image's name in the node's containerd", async () => {
    const listed = await exec("ctr", [
      "--address",
      cluster.containerdSocket,
      "-n",
      "k8s.io",
      "images",
      "ls",
      "-q",
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split("\n")).toContain(`${IMAGE}:${VERSION}`);
  });

  it("helm install: both webhook pods ready on the one node, with tokens, then the configuration", async () => {
    const started = Date.now();
    const installed = await run([
      "install",
      "kubefence",
      CHART,
      ...imageValues(),
      "--wait",
      "--timeout",
      "4m",
    ]);
    console.log(`chart: helm install (pods ready, readiness Job, configuration) in ${seconds(started)}`);
    expect(installed.code, installed.stderr).toBe(0);

    const pods = await webhookPods();
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      // Preferred anti-affinity: both replicas schedule on the only node.
      expect(pod.spec.nodeName).toBe(cluster.nodeName);
      expect(pod.status.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
      // Never pulled: the tag is not `latest`, so the kubelet uses the imported image.
      expect(pod.spec.containers[0]).toMatchObject({
        image: `${IMAGE}:${VERSION}`,
        imagePullPolicy: "IfNotPresent",
      });
      // The ServiceAccount admission plugin gave it a projected token (its cache lists the cluster with it).
      const token = pod.spec.volumes?.some((v) => v.projected?.sources.some((s) => s.serviceAccountToken));
      expect(token, pod.metadata.name).toBe(true);
    }
    const configuration = JSON.parse(
      await kubectl(["get", "validatingwebhookconfiguration", "kubefence", "-o", "json"]),
    ) as { webhooks: { name: string; clientConfig: { service?: { name: string; namespace: string } } }[] };
    expect(configuration.webhooks.map((w) => [w.name, w.clientConfig.service])).toEqual([
      [WEBHOOK, { name: "kubefence-webhook", namespace: NS, path: "/validate", port: 443 }],
      [
        "namespaces.validate.kubefence.io",
        { name: "kubefence-webhook", namespace: NS, path: "/validate", port: 443 },
      ],
    ]);
    // The readiness Job succeeded and was removed (hook-succeeded).
    const jobs = await kubectl(["get", "jobs", "-n", NS, "-o", "name"]);
    expect(jobs.trim()).toBe("");
  });

  it("as a tenant: the article's privileged pod is denied with kubefence's message, a benign pod admitted", async () => {
    // The API server picks a new configuration up asynchronously: wait (dry runs) until it reviews.
    let answer = await asAlice(privileged, true);
    for (let i = 0; i < 40 && answer.code === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await asAlice(privileged, true);
    }
    const denied = await asAlice(privileged);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      new RegExp(
        `^Error from server \\(Forbidden\\): error when creating "STDIN": admission webhook "${WEBHOOK.replaceAll(".", "\\.")}" denied the request: `,
      ),
    );
    for (const what of ["privileged", "hostPID", "hostNetwork", "hostPath"])
      expect(denied.stderr, what).toContain(what);
    const missing = await cluster.kubectl(["get", "pod", "-n", TENANT_NS, "owner"]);
    expect(missing.stderr).toMatch(/\(NotFound\)/);

    const admitted = await asAlice(benign("plain"));
    expect(admitted.code, admitted.stderr).toBe(0);
  });

  it("with the webhook's pods gone: guarded creates fail closed, other writes still work", async () => {
    await kubectl(["scale", "deployment", "kubefence-webhook", "-n", NS, "--replicas=0"]);
    await kubectl(["wait", "--for=delete", "pods", "-n", NS, "-l", SELECTOR, "--timeout=60s"]);
    try {
      const refused = await asAlice(benign("while-down"));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`failed calling webhook "${WEBHOOK}"`);
      const configMap = await cluster.kubectl([
        "create",
        "configmap",
        "while-down",
        "-n",
        TENANT_NS,
        "--from-literal=a=b",
        "--as",
        "alice",
      ]);
      expect(configMap.code, configMap.stderr).toBe(0);
      // kube-system is never reviewed: the platform cannot lock itself out.
      const platform = await cluster.kubectl(
        ["create", "-f", "-", "--dry-run=server"],
        JSON.stringify(busyboxPod("kube-system", "while-down", "true")),
      );
      expect(platform.code, platform.stderr).toBe(0);
    } finally {
      await kubectl(["scale", "deployment", "kubefence-webhook", "-n", NS, "--replicas=2"]);
      await kubectl(["rollout", "status", "deployment/kubefence-webhook", "-n", NS, "--timeout=120s"]);
    }
    // Back: reviewed again (kube-proxy has the new endpoints once a create is denied, not refused).
    let back = await asAlice(privileged, true);
    for (let i = 0; i < 40 && !back.stderr.includes("denied the request"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      back = await asAlice(privileged, true);
    }
    expect(back.stderr).toContain(`admission webhook "${WEBHOOK}" denied the request`);
  });

  it("helm upgrade with a new tenants file answers every review in flight", async () => {
    const tenants = join(cluster.dir, "tenants-v2.yaml");
    writeFileSync(tenants, TENANTS_V2);
    const path = `/api/v1/namespaces/${TENANT_NS}/pods?dryRun=All`;
    const answers: {
      pod: "privileged" | "benign";
      status: number;
      message: string;
      sent: number;
      at: number;
    }[] = [];
    // When the configuration is deleted and created again (Helm re-creates its hooks): a watch, not a poll.
    const events = watchConfiguration(cluster);
    let upgrading = true;
    let n = 0;
    const loop = async () => {
      while (upgrading && answers.length < 5000) {
        const started = Date.now();
        const pod = n % 2 === 0 ? "privileged" : "benign";
        const object = pod === "privileged" ? privileged : benign(`probe-${n}`);
        n++;
        const reply = await cluster
          .request<{ message?: string }>("POST", path, object, {
            "Impersonate-User": "alice",
          })
          .catch((error: Error) => ({ status: 0, body: { message: error.message } }));
        answers.push({
          pod,
          status: reply.status,
          message: reply.body.message ?? "",
          sent: started,
          at: Date.now(),
        });
        // Bounded: one review at a time per worker, at most every 50 ms.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - (Date.now() - started))));
      }
    };
    const workers = [loop(), loop(), loop(), loop()];
    const started = Date.now();
    const upgraded = await run([
      "upgrade",
      "kubefence",
      CHART,
      ...imageValues(),
      "--set-file",
      `tenants=${tenants}`,
      "--wait",
      "--timeout",
      "4m",
    ]);
    const took = seconds(started);
    // A little longer: the old pods' termination outlasts helm's wait.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    upgrading = false;
    await Promise.all(workers);
    const gaps = events.stop();
    const statuses = new Map<string, number>();
    for (const a of answers)
      statuses.set(`${a.pod} ${a.status}`, (statuses.get(`${a.pod} ${a.status}`) ?? 0) + 1);
    console.log(
      `chart: helm upgrade in ${took}; ${answers.length} reviews in flight: ${JSON.stringify([...statuses])}`,
    );
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(answers.length).toBeGreaterThan(20);
    // Every review answered by kubefence: the privileged pod denied under both tenants files (an admission
    // would mean a request went unreviewed), the benign one admitted (baseline, the old file) or denied
    // (restricted, the new); never a failed call (refused, reset, timed out).
    const denied = (a: { status: number; message: string }) =>
      a.status === 403 && a.message.includes(`admission webhook "${WEBHOOK}" denied the request`);
    const failed = answers.filter((a) => !(denied(a) || (a.pod === "benign" && a.status === 201)));
    expect(failed.filter((a) => a.status !== 201).slice(0, 5)).toEqual([]);
    // Helm re-creates the configuration (a hook) on upgrade: deleted, then created again. The bridge (the same
    // webhooks under another name, created before and deleted after) covers that moment: no privileged pod is
    // ever admitted unreviewed, and the bridge is gone once the upgrade is done.
    const unreviewed = failed.filter((a) => a.status === 201);
    console.log(
      `chart: configuration re-created ${gaps.length} time(s), absent ${gaps.map((g) => `${g.to - g.from} ms`).join(", ")}, covered by the bridge; ${unreviewed.length} privileged pods admitted unreviewed`,
    );
    expect(gaps.length).toBe(1);
    expect(unreviewed.slice(0, 5)).toEqual([]);
    const bridge = await cluster.request(
      "GET",
      "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/kubefence-upgrade-bridge",
    );
    expect(bridge.status).toBe(404);
    // The new tenants file is in force: team-a is held to restricted, which the busybox pod does not meet.
    const now = await asAlice(benign("after-upgrade"), true);
    expect(now.stderr).toContain(`admission webhook "${WEBHOOK}" denied the request`);
    expect(now.stderr).toContain("restricted");
  });

  it("helm uninstall leaves nothing behind", async () => {
    const clusterScoped = async () =>
      (
        await kubectl([
          "get",
          "validatingwebhookconfigurations,clusterroles,clusterrolebindings",
          "-o",
          "name",
        ])
      )
        .split("\n")
        .filter((name) => name.includes("kubefence"));
    expect((await clusterScoped()).sort()).toEqual([
      "clusterrole.rbac.authorization.k8s.io/kubefence-webhook",
      "clusterrolebinding.rbac.authorization.k8s.io/kubefence-webhook",
      "validatingwebhookconfiguration.admissionregistration.k8s.io/kubefence",
    ]);
    const started = Date.now();
    const uninstalled = await run(["uninstall", "kubefence", "--wait", "--timeout", "2m"]);
    console.log(`chart: helm uninstall in ${seconds(started)}`);
    expect(uninstalled.code, uninstalled.stderr).toBe(0);
    expect(await clusterScoped()).toEqual([]);
    // The namespace the chart made goes, with everything in it (the namespace controller empties it).
    await kubectl(["wait", "--for=delete", `namespace/${NS}`, "--timeout=120s"]);
    const labelled = await kubectl([
      "get",
      "all,configmaps,secrets,serviceaccounts,roles,rolebindings,networkpolicies,poddisruptionbudgets",
      "-A",
      "-l",
      "app.kubernetes.io/part-of=kubefence",
      "-o",
      "name",
    ]);
    expect(labelled.trim()).toBe("");
    const releases = await kubectl(["get", "secrets", "-A", "-l", "owner=helm", "-o", "name"]);
    expect(releases.trim()).toBe("");
    // Nothing reviews any more: the privileged pod is admitted (dry run).
    const unguarded = await asAlice(privileged, true);
    expect(unguarded.code, unguarded.stderr).toBe(0);
  });
});
