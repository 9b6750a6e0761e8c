import { describe, expect, it } from "vitest";
import { aggregateErrors, goList, goQuote, goTrimSpace } from "../../src/model/go-format.js";

describe("goQuote (Go %q)", () => {
  it.each([
    ["alice", '"alice"'],
    ["", '""'],
    ['a"b', '"a\\"b"'],
    ["a\\b", '"a\\\\b"'],
    ["tab\there", '"tab\\there"'],
    ["nl\n", '"nl\\n"'],
    ["\x01", '"\\x01"'],
    ["\x7f", '"\\x7f"'],
    ["é✓", '"é✓"'],
    ["\u200b", '"\\u200b"'],
    ["a b", '"a b"'],
  ])("%j → %s", (input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });
});

describe("goList (Go %v of []string)", () => {
  it("prints space-separated in brackets, and [] for nil, empty and the empty group", () => {
    expect(goList(["get", "list"])).toBe("[get list]");
    expect(goList(undefined)).toBe("[]");
    expect(goList([""])).toBe("[]");
  });
});

describe("aggregateErrors (apimachinery aggregate)", () => {
  it("prints one error as-is and several de-duplicated in brackets", () => {
    expect(aggregateErrors(["a"])).toBe("a");
    expect(aggregateErrors(["a", "b"])).toBe("[a, b]");
    expect(aggregateErrors(["a", "a"])).toBe("a");
    expect(aggregateErrors(["a", "b", "a"])).toBe("[a, b]");
  });
});

describe("goTrimSpace (strings.TrimSpace)", () => {
  it.each([
    ["ASCII spaces", " \t\n\v\f\rx \r\n", "x"],
    ["NEL is a space in Go (not in JavaScript's trim)", "\u0085x\u0085", "x"],
    ["BOM is not a space in Go (it is in JavaScript's trim)", "\ufeffx\ufeff", "\ufeffx\ufeff"],
    ["category Z", "\u00a0\u2000\u3000x\u202f", "x"],
    ["inner spaces stay", " a b ", "a b"],
  ])("%s", (_, input, expected) => {
    expect(goTrimSpace(input)).toBe(expected);
  });
});
