/**
 * `--validate=warn` against the real kube-apiserver (v1.37.2, dryRun=All): every document kubefence
 * analyses despite an error is one the server rejects, and the warning carries the server's own message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admit } from "../../src/model/admission/admit.js";
import { kindInfo } from "../../src/model/kinds.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

type Manifest = { apiVersion: string; kind: string; metadata: Record<string, unknown>; [k: string]: unknown };

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(() => cluster?.stop());

const NS = "default";
const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Manifest => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", ...metadata },
  spec,
});
const owner = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", controller: true };

const CASES: [string, Manifest][] = [
  ["a container without a name", pod({ containers: [{ image: "nginx" }] })],
  [
    "an init container without a name",
    pod({ initContainers: [{ image: "a" }], containers: [{ name: "c", image: "b" }] }),
  ],
  [
    "a container port without containerPort",
    pod({ containers: [{ name: "c", image: "a", ports: [{ name: "http" }] }] }),
  ],
  [
    "an ownerReference without uid",
    pod({ containers: [{ name: "c", image: "a" }] }, { ownerReferences: [owner] }),
  ],
  [
    "an invalid label value",
    pod({ containers: [{ name: "c", image: "a" }] }, { labels: { app: "not valid!" } }),
  ],
  [
    "several at once, in the server's order",
    pod(
      { containers: [{ image: "a", ports: [{ protocol: "TCP" }] }, { image: "b" }] },
      { labels: { "bad key!": "x" }, ownerReferences: [owner] },
    ),
  ],
  [
    "a Deployment's template container without a name",
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: {
        selector: { matchLabels: { app: "d" } },
        template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ image: "a" }] } },
      },
    },
  ],
];

function collection(object: Manifest): string {
  const info = kindInfo(object.kind)!;
  const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  return `${base}/${info.namespaced ? `namespaces/${NS}/` : ""}${info.plural}?dryRun=All`;
}

describe("documents analysed as written are the ones the API server rejects, in its words", () => {
  it.each(CASES)("%s", async (_why, manifest) => {
    const { status, body } = await cluster.request<{ message: string }>(
      "POST",
      collection(manifest),
      manifest,
    );
    expect(status, JSON.stringify(body)).toBe(422);
    // A parsed JSON document is admitted in place (it is its reader's alone): a fresh one for each mode.
    const parsed = () => parseDocuments(JSON.stringify(manifest), "test.json").documents[0]!;
    const warned = admit(parsed(), { defaultNamespace: NS, validate: "warn" });
    expect(warned.type).toBe("object");
    if (warned.type !== "object") return;
    expect(warned.diagnostics.map((d) => [d.severity, d.message, d.analysedAsWritten])).toEqual([
      ["warning", `${body.message}; analysed as written`, true],
    ]);
    const ignored = admit(parsed(), { defaultNamespace: NS, validate: "ignore" });
    expect(ignored.type === "object" && ignored.diagnostics).toEqual([]);
    expect(admit(parsed(), { defaultNamespace: NS, validate: "strict" }).type).toBe("rejected");
  });
});
