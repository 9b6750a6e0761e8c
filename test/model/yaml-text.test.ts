import { describe, expect, it } from "vitest";
import { toYaml } from "../../src/model/yaml-text.js";
import { parseDocuments } from "../../src/sources/documents.js";

describe("YAML as kubefence writes it", () => {
  it("reads back as the same strings under kubectl's YAML 1.1 rules (y, no, on, 010 stay strings)", () => {
    const object = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "y",
        labels: { a: "on", b: "no", c: "010", d: "0b101", e: "1_000", f: "~", g: "plain" },
      },
    };
    const text = toYaml(object);
    expect(text).toContain('name: "y"');
    expect(parseDocuments(text, "out.yaml").documents[0]!.value).toEqual(object);
  });
});
