/**
 * resource.Quantity parsing and printing, on the cases of upstream's own tests
 * (k8s.io/apimachinery v0.37.2 pkg/api/resource/quantity_test.go: TestQuantityParse, TestQuantityString,
 * TestQuantityParseEmit).
 */
import { describe, expect, it } from "vitest";
import {
  ERR_FORMAT_WRONG,
  ERR_NUMERIC,
  ERR_SUFFIX,
  parseQuantity,
  type Quantity,
  type QuantityFormat,
  quantityMilliValue,
  quantityString,
} from "../../src/model/quantity.js";

const MAX = "MAX";
/** TestQuantityParse's table: input, expected unscaled value, scale, format (MAX: 2^63-1, BinarySI's cap). */
const PARSE: [string, number | typeof MAX, number, QuantityFormat][] = [
  ["0", 0, 0, "DecimalSI"],
  ["0n", 0, 0, "DecimalSI"],
  ["0u", 0, 0, "DecimalSI"],
  ["0m", 0, 0, "DecimalSI"],
  ["0Ki", 0, 0, "BinarySI"],
  ["0k", 0, 0, "DecimalSI"],
  ["0Mi", 0, 0, "BinarySI"],
  ["0M", 0, 0, "DecimalSI"],
  ["0Gi", 0, 0, "BinarySI"],
  ["0G", 0, 0, "DecimalSI"],
  ["0Ti", 0, 0, "BinarySI"],
  ["0T", 0, 0, "DecimalSI"],
  ["1", 1, 0, "DecimalSI"],
  ["1Ki", 1024, 0, "BinarySI"],
  ["8Ki", 8 * 1024, 0, "BinarySI"],
  ["7Mi", 7 * 1024 * 1024, 0, "BinarySI"],
  ["6Gi", 6 * 1024 * 1024 * 1024, 0, "BinarySI"],
  ["5Ti", 5 * 1024 * 1024 * 1024 * 1024, 0, "BinarySI"],
  ["4Pi", 4 * 1024 * 1024 * 1024 * 1024 * 1024, 0, "BinarySI"],
  ["3Ei", 3 * 1024 * 1024 * 1024 * 1024 * 1024 * 1024, 0, "BinarySI"],
  ["10Ti", 10 * 1024 * 1024 * 1024 * 1024, 0, "BinarySI"],
  ["100Ti", 100 * 1024 * 1024 * 1024 * 1024, 0, "BinarySI"],
  ["5n", 5, -9, "DecimalSI"],
  ["4u", 4, -6, "DecimalSI"],
  ["3m", 3, -3, "DecimalSI"],
  ["9", 9, 0, "DecimalSI"],
  ["8k", 8, 3, "DecimalSI"],
  ["50k", 5, 4, "DecimalSI"],
  ["7M", 7, 6, "DecimalSI"],
  ["6G", 6, 9, "DecimalSI"],
  ["5T", 5, 12, "DecimalSI"],
  ["40T", 4, 13, "DecimalSI"],
  ["300T", 3, 14, "DecimalSI"],
  ["2P", 2, 15, "DecimalSI"],
  ["1E", 1, 18, "DecimalSI"],
  ["1E-3", 1, -3, "DecimalExponent"],
  ["1e3", 1, 3, "DecimalExponent"],
  ["1E6", 1, 6, "DecimalExponent"],
  ["1e9", 1, 9, "DecimalExponent"],
  ["1E12", 1, 12, "DecimalExponent"],
  ["1e15", 1, 15, "DecimalExponent"],
  ["1E18", 1, 18, "DecimalExponent"],
  ["1e14", 1, 14, "DecimalExponent"],
  ["1e13", 1, 13, "DecimalExponent"],
  ["1e3", 1, 3, "DecimalExponent"],
  ["100.035k", 100035, 0, "DecimalSI"],
  ["0.001", 1, -3, "DecimalSI"],
  ["0.0005k", 5, -1, "DecimalSI"],
  ["0.005", 5, -3, "DecimalSI"],
  ["0.05", 5, -2, "DecimalSI"],
  ["0.5", 5, -1, "DecimalSI"],
  ["0.00050k", 5, -1, "DecimalSI"],
  ["0.00500", 5, -3, "DecimalSI"],
  ["0.05000", 5, -2, "DecimalSI"],
  ["0.50000", 5, -1, "DecimalSI"],
  ["0.5e0", 5, -1, "DecimalExponent"],
  ["0.5e-1", 5, -2, "DecimalExponent"],
  ["0.5e-2", 5, -3, "DecimalExponent"],
  ["0.5e0", 5, -1, "DecimalExponent"],
  ["10.035M", 10035, 3, "DecimalSI"],
  ["1.2e3", 12, 2, "DecimalExponent"],
  ["1.3E+6", 13, 5, "DecimalExponent"],
  ["1.40e9", 14, 8, "DecimalExponent"],
  ["1.53E12", 153, 10, "DecimalExponent"],
  ["1.6e15", 16, 14, "DecimalExponent"],
  ["1.7E18", 17, 17, "DecimalExponent"],
  ["9.01", 901, -2, "DecimalSI"],
  ["8.1k", 81, 2, "DecimalSI"],
  ["7.123456M", 7123456, 0, "DecimalSI"],
  ["6.987654321G", 6987654321, 0, "DecimalSI"],
  ["5.444T", 5444, 9, "DecimalSI"],
  ["40.1T", 401, 11, "DecimalSI"],
  ["300.2T", 3002, 11, "DecimalSI"],
  ["2.5P", 25, 14, "DecimalSI"],
  ["1.01E", 101, 16, "DecimalSI"],
  ["3.001n", 4, -9, "DecimalSI"],
  ["1.1E-9", 2, -9, "DecimalExponent"],
  ["0.0000000001", 1, -9, "DecimalSI"],
  ["0.0000000005", 1, -9, "DecimalSI"],
  ["0.00000000050", 1, -9, "DecimalSI"],
  ["0.5e-9", 1, -9, "DecimalExponent"],
  ["0.9n", 1, -9, "DecimalSI"],
  ["0.00000012345", 124, -9, "DecimalSI"],
  ["0.00000012354", 124, -9, "DecimalSI"],
  ["9Ei", MAX, 0, "BinarySI"],
  ["9223372036854775807Ki", MAX, 0, "BinarySI"],
  ["12E", 12, 18, "DecimalSI"],
];

/** TestQuantityString's table: value, scale, format, canonical string, an alternate spelling of it. */
const STRING: [number, number, QuantityFormat, string, string][] = [
  [1024 * 1024 * 1024, 0, "BinarySI", "1Gi", "1024Mi"],
  [300 * 1024 * 1024, 0, "BinarySI", "300Mi", "307200Ki"],
  [6 * 1024, 0, "BinarySI", "6Ki", ""],
  [1001 * 1024 * 1024 * 1024, 0, "BinarySI", "1001Gi", "1025024Mi"],
  [1024 * 1024 * 1024 * 1024, 0, "BinarySI", "1Ti", "1024Gi"],
  [5, 0, "BinarySI", "5", "5000m"],
  [500, -3, "BinarySI", "500m", "0.5"],
  [1, 9, "DecimalSI", "1G", "1000M"],
  [1000, 6, "DecimalSI", "1G", "0.001T"],
  [1000000, 3, "DecimalSI", "1G", ""],
  [1000000000, 0, "DecimalSI", "1G", ""],
  [1, -3, "DecimalSI", "1m", "1000u"],
  [80, -3, "DecimalSI", "80m", ""],
  [1080, -3, "DecimalSI", "1080m", "1.08"],
  [108, -2, "DecimalSI", "1080m", "1080000000n"],
  [10800, -4, "DecimalSI", "1080m", ""],
  [300, 6, "DecimalSI", "300M", ""],
  [1, 12, "DecimalSI", "1T", ""],
  [1234567, 6, "DecimalSI", "1234567M", ""],
  [1234567, -3, "BinarySI", "1234567m", ""],
  [3, 3, "DecimalSI", "3k", ""],
  [1025, 0, "BinarySI", "1025", ""],
  [0, 0, "DecimalSI", "0", ""],
  [0, 0, "BinarySI", "0", ""],
  [1, 9, "DecimalExponent", "1e9", ".001e12"],
  [1, -3, "DecimalExponent", "1e-3", "0.001e0"],
  [1, -9, "DecimalExponent", "1e-9", "1000e-12"],
  [80, -3, "DecimalExponent", "80e-3", ""],
  [300, 6, "DecimalExponent", "300e6", ""],
  [1, 12, "DecimalExponent", "1e12", ""],
  [1, 3, "DecimalExponent", "1e3", ""],
  [3, 3, "DecimalExponent", "3e3", ""],
  [3, 3, "DecimalSI", "3k", ""],
  [0, 0, "DecimalExponent", "0", "00"],
  [1, -9, "DecimalSI", "1n", ""],
  [80, -9, "DecimalSI", "80n", ""],
  [1080, -9, "DecimalSI", "1080n", ""],
  [108, -8, "DecimalSI", "1080n", ""],
  [10800, -10, "DecimalSI", "1080n", ""],
  [1, -6, "DecimalSI", "1u", ""],
  [80, -6, "DecimalSI", "80u", ""],
  [1080, -6, "DecimalSI", "1080u", ""],
];

/** The value as an exact decimal string, to compare quantities whatever their scale. */
function decimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale >= 0) digits += "0".repeat(scale);
  else {
    digits = digits.padStart(-scale + 1, "0");
    digits = `${digits.slice(0, scale)}.${digits.slice(scale)}`.replace(/\.?0+$/, "");
  }
  return unscaled === 0n ? "0" : `${negative ? "-" : ""}${digits}`;
}

function parsed(input: string): Quantity {
  const q = parseQuantity(input);
  if (typeof q === "string") throw new Error(`${input}: ${q}`);
  return q;
}

describe("parseQuantity accepts what ParseQuantity accepts, with its value and format", () => {
  for (const [input, value, scale, format] of PARSE) {
    const expected = value === MAX ? decimal((1n << 63n) - 1n, 0) : decimal(BigInt(value), scale);
    it(`${input}, -${input} and +${input}`, () => {
      const q = parsed(input);
      expect([decimal(q.unscaled, q.scale), q.format]).toEqual([expected, format]);
      const negative = parsed(`-${input}`);
      expect([decimal(negative.unscaled, negative.scale), negative.format]).toEqual([
        expected === "0" ? "0" : `-${expected}`,
        format,
      ]);
      const plus = parsed(`+${input}`);
      expect([decimal(plus.unscaled, plus.scale), plus.format]).toEqual([expected, format]);
    });
  }

  it("rejects the empty string and upstream's invalid cases, with the decoder's message", () => {
    const invalid = [
      "",
      "1.1.M",
      "1+1.0M",
      "0.1mi",
      "0.1am",
      "aoeu",
      ".5i",
      "1i",
      "-3.01i",
      "-3.01e-",
      " 1",
      "1 ",
    ];
    for (const input of invalid) expect(typeof parseQuantity(input), input).toBe("string");
    expect(parseQuantity("lots")).toBe(ERR_FORMAT_WRONG);
    expect(ERR_FORMAT_WRONG).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(parseQuantity("1i")).toBe(ERR_SUFFIX);
    expect(parseQuantity("1e")).toBe(ERR_SUFFIX);
    expect(parseQuantity(".e-10")).toBe(ERR_NUMERIC);
  });

  it("lets through what upstream lets through: a lone sign, a trailing point", () => {
    expect(decimal(parsed("-").unscaled, 0)).toBe("0");
    // Upstream keeps the input as the canonical string here (scale 9, digits "1"), point and all.
    expect(quantityString(parsed("1.G"))).toBe("1.G");
  });
});

describe("quantityString prints Quantity.String()", () => {
  for (const [value, scale, format, canonical, alternate] of STRING) {
    it(`${canonical}${alternate ? ` (and ${alternate})` : ""}`, () => {
      const q: Quantity = { unscaled: BigInt(value), scale, format };
      expect(quantityString(q)).toBe(canonical);
      expect(parsed(canonical).original).toBe(canonical);
      if (alternate) {
        expect(parsed(alternate).original).toBeUndefined();
        expect(quantityString(parsed(alternate))).toBe(canonical);
      }
      if (value !== 0) expect(quantityString({ ...q, unscaled: -BigInt(value) })).toBe(`-${canonical}`);
    });
  }

  it("emits TestQuantityParseEmit's canonical forms", () => {
    const table = [
      ["1Ki", "1Ki"],
      ["1Mi", "1Mi"],
      ["1Gi", "1Gi"],
      ["1024Mi", "1Gi"],
      ["1000M", "1G"],
      [".001Ki", "1024m"],
      [".000001Ki", "1024u"],
      [".000000001Ki", "1024n"],
      [".000000000001Ki", "2n"],
    ];
    for (const [input, canonical] of table) {
      expect(quantityString(parsed(input!))).toBe(canonical);
      expect(quantityString(parsed(`-${input}`))).toBe(`-${canonical}`);
    }
  });
});

describe("quantityMilliValue", () => {
  it("rounds up to the thousandth as MilliValue does", () => {
    expect(quantityMilliValue(parsed("1.5"))).toBe(1500n);
    expect(quantityMilliValue(parsed("1n"))).toBe(1n);
    expect(quantityMilliValue(parsed("2Ki"))).toBe(2048000n);
  });
});
