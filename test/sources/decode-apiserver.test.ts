/**
 * The proof for null and empty values: every case of null-cases.ts is created on the real kube-apiserver
 * (v1.37.2) with dryRun=All, as the admin. What the server accepts kubefence reads, and the fields the
 * analysis reads are the same in kubefence's object as in the object the server returns; what the server
 * rejects kubefence rejects, and the server says it as the case records.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admit } from "../../src/model/admission/admit.js";
import { kindInfo } from "../../src/model/kinds.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { type Json, type Manifest, NULL_CASES } from "./null-cases.js";

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(() => cluster?.stop());

const NS = "default";

/** The collection a manifest is created in (dry run: nothing is stored). */
function collection(object: Manifest): string {
  const info = kindInfo(object.kind)!;
  const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  return `${base}/${info.namespaced ? `namespaces/${NS}/` : ""}${info.plural}?dryRun=All`;
}

describe("null and empty values agree with the API server", () => {
  it.each(NULL_CASES.map((c) => [c.why, c] as const))("%s", async (_why, c) => {
    const { status, body } = await cluster.request<Json>("POST", collection(c.manifest), c.manifest);
    const { documents } = parseDocuments(JSON.stringify(c.manifest), "test.json");
    const admission = admit(documents[0]!, { defaultNamespace: NS, validate: "strict" });
    if (c.rejected) {
      expect(status, JSON.stringify(body)).toBe(422);
      expect(body.message).toBe(c.rejected);
      expect(admission.type).toBe("rejected");
      if (admission.type !== "rejected") return;
      expect(admission.diagnostics.map((d) => d.message)).toEqual([`${body.message}; document skipped`]);
      return;
    }
    expect(status, JSON.stringify(body)).toBe(201);
    expect(admission.type === "rejected" ? admission.diagnostics : admission.type).toBe("object");
    if (admission.type !== "object") return;
    expect(c.read!(body)).toEqual(c.expected);
    expect(c.read!(admission.object as unknown as Record<string, unknown>)).toEqual(c.read!(body));
  });
});
