import { describe, expect, it } from "vitest";
import { readBlockYaml } from "../../src/sources/block-yaml.js";
import { type ParseOptions, parseDocuments } from "../../src/sources/documents.js";
import { TAGGED_CASES, VALUE_CASES, valueConfigMap } from "./yaml-values-cases.js";

/** The table's value read through each path: `data.v` of the one document, or its one error. */
function read(text: string, options: ParseOptions, pick: (doc: unknown) => unknown): unknown {
  const { documents, diagnostics } = parseDocuments(text, "values.yaml", options);
  if (documents.length === 1) {
    expect(diagnostics, text).toEqual([]);
    return pick(documents[0]!.value);
  }
  expect(documents, text).toEqual([]);
  expect(diagnostics, text).toHaveLength(1);
  return diagnostics[0]!.message.replace(/; document skipped$/, "");
}

const data = (doc: unknown) => (doc as { data: { v: unknown } }).data.v;
const firstItem = (doc: unknown) => data((doc as { items: unknown[] }).items[0]);
const GENERAL: ParseOptions = { blockFastPath: false, listFastPath: false };

/** A List holding the ConfigMap, read by the List reader (item by item). */
function list(value: string): string {
  return `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: values\n  data:\n    v: ${value}\n`;
}

describe("plain values as kubectl reads them (YAML 1.1), through every reader", () => {
  it.each(VALUE_CASES)("$value", ({ value, expected }) => {
    const refused = typeof expected === "string" && expected.startsWith("error converting YAML to JSON");
    const block = valueConfigMap(value);
    // The fast reader answers unless kubectl refuses the document (then the general reader reports it).
    const fast = readBlockYaml(block, 0, block.length);
    if (refused) expect(fast, value).toBeUndefined();
    else expect(data(fast?.value), value).toEqual(expected);
    expect(read(block, {}, data)).toEqual(expected);
    expect(read(block, GENERAL, data)).toEqual(expected);
    expect(read(list(value), {}, firstItem)).toEqual(expected);
    expect(read(list(value), GENERAL, firstItem)).toEqual(expected);
    // In a flow sequence (the fast reader's flow scalars, or the general reader's).
    const flow = valueConfigMap(`[${value}]`);
    const inFlow = refused ? expected : [expected];
    expect(read(flow, {}, data)).toEqual(inFlow);
    expect(read(flow, GENERAL, data)).toEqual(inFlow);
  });

  it.each(TAGGED_CASES)("$value (tagged: the general reader)", ({ value, expected }) => {
    const block = valueConfigMap(value);
    expect(readBlockYaml(block, 0, block.length)).toBeUndefined();
    expect(read(block, {}, data)).toEqual(expected);
    expect(read(list(value), {}, firstItem)).toEqual(expected);
  });

  it("an anchored plain scalar is read as kubectl does, and so is its alias", () => {
    const text = valueConfigMap("{a: !!str yes, b: !!int 010, c: &x on, d: *x, e: 'no'}");
    expect(read(text, {}, data)).toEqual({ a: "yes", b: 8, c: true, d: true, e: "no" });
  });

  it("a privileged pod written with YAML 1.1's booleans is read as one", () => {
    const pod =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: yes\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      privileged: on\n";
    for (const options of [{}, GENERAL]) {
      const value = read(pod, options, (doc) => doc) as {
        spec: { hostPID: unknown; containers: { securityContext: { privileged: unknown } }[] };
      };
      expect(value.spec.hostPID).toBe(true);
      expect(value.spec.containers[0]!.securityContext.privileged).toBe(true);
    }
  });
});
