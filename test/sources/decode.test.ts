/**
 * `null` and `""` read as the API server reads them (src/model/admission/decode.ts, src/model/defaults.ts), one case
 * per shape of field (test/sources/null-cases.ts; each is checked against the real API server in
 * decode-apiserver.test.ts). A document the server accepts is never skipped for its nulls.
 */
import { describe, expect, it } from "vitest";
import { admit } from "../../src/model/admission/admit.js";
import type { Pod } from "../../src/model/objects.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { loadManifests } from "../../src/sources/manifests.js";
import { NULL_CASES } from "./null-cases.js";

function load(text: string) {
  const { documents, diagnostics } = parseDocuments(text, "test.yaml");
  expect(diagnostics).toEqual([]);
  expect(documents).toHaveLength(1);
  return { document: documents[0]!, admission: admit(documents[0]!, { validate: "strict" }) };
}

describe("null and empty values, as the API server decodes and defaults them", () => {
  it.each(NULL_CASES.map((c) => [c.why, c] as const))("%s", (_why, c) => {
    const { document, admission } = load(JSON.stringify(c.manifest));
    const before = structuredClone(document.value);
    if (c.rejected) {
      // In the API server's words (decode-apiserver.test.ts proves they are its words).
      expect(admission.type === "rejected" && admission.diagnostics.map((d) => d.message)).toEqual([
        `${c.rejected}; document skipped`,
      ]);
      return;
    }
    expect(admission.type === "rejected" ? admission.diagnostics : admission.type).toBe("object");
    if (admission.type !== "object") return;
    expect(c.read!(admission.object as unknown as Record<string, unknown>)).toEqual(c.expected);
    // No null is left for the analysis to trip on.
    expect(JSON.stringify(admission.object)).not.toContain("null");
    // Decoding copies what it changes: the parsed document (whose positions diagnostics use) is as written.
    expect(document.value).toEqual(before);
  });

  it("Helm's empty `imagePullPolicy:` (a YAML null) and `type:` of a hostPath / are read, not skipped", () => {
    const { admission } = load(`
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: "n"}
spec:
  containers:
  - name: c
    image: nginx
    imagePullPolicy:
    securityContext: {privileged: true}
  volumes:
  - name: root
    hostPath:
      path: /
      type:
`);
    expect(admission.type).toBe("object");
    const pod = (admission as { object: Pod }).object;
    expect(pod.spec?.containers[0]).toEqual({
      name: "c",
      image: "nginx",
      securityContext: { privileged: true },
    });
    expect(pod.spec?.volumes).toEqual([{ name: "root", hostPath: { path: "/" } }]);
  });

  it("a __proto__ key holding a null stays an own key, decoded like any other, and sets no prototype", () => {
    const { admission } = load(
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n","annotations":{"__proto__":null}},"spec":{"containers":[{"name":"c","image":"x"}]}}',
    );
    expect(admission.type).toBe("object");
    const annotations = (admission as { object: Pod }).object.metadata.annotations!;
    expect(Object.getPrototypeOf(annotations)).toBe(Object.prototype);
    expect(Object.hasOwn(annotations, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(annotations, "__proto__")?.value).toBe("");
  });

  it("the README's corpus: the host-root pod and the podSelector: null policy load, containers: null does not", () => {
    const { snapshot, diagnostics } = loadManifests(["test/sources/corpus/nulls.yaml"]);
    expect(snapshot.pods.map((p) => p.metadata.name)).toEqual(["root"]);
    expect(snapshot.pods[0]!.spec?.volumes).toEqual([{ name: "host", hostPath: { path: "/" } }]);
    expect(snapshot.networkPolicies[0]!.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      'Pod "web" is invalid: spec.containers: Required value; document skipped',
    ]);
  });

  it("a List with items: null is an empty list; its items' nulls are decoded one by one", () => {
    expect(load("apiVersion: v1\nkind: List\nitems: null\n").admission).toEqual({ type: "list", items: [] });
  });

  it("kind: null and metadata: null are no kind and no metadata", () => {
    const kind = load("apiVersion: v1\nkind: null\nmetadata: {name: p}\n").admission;
    expect(kind.type === "rejected" && kind.diagnostics[0]!.message).toBe(
      "document has no kind; document skipped",
    );
    const metadata = load("apiVersion: v1\nkind: Pod\nmetadata: null\n").admission;
    expect(metadata.type === "rejected" && metadata.diagnostics[0]!.message).toBe(
      "Pod has no metadata; document skipped",
    );
  });
});
