/**
 * Mapping keys as kubectl reads them. kubectl turns YAML into JSON with sigs.k8s.io/yaml, which decodes with
 * go.yaml.in/yaml/v2 (YAML 1.1 resolution) into `map[interface{}]interface{}` and then makes every key a
 * string (`convertToJSONableObject`):
 *
 * - a key that is a sequence or a mapping fails the decoding: `yaml: invalid map key: %#v` (v2 decode.go);
 * - a string key is itself; an int key is its decimal text (`strconv.Itoa`); a float key is
 *   `strconv.FormatFloat(key, 'g', -1, 32)`, with `.inf`, `-.inf` and `.nan` for the infinities and NaN; a
 *   boolean key is `true` or `false` (and YAML 1.1 reads `yes`, `on`, `y`, … as booleans, `0b101`, `017`,
 *   `1_000` as ints);
 * - any other key (`null`, `~`, an int past int64 that fits uint64) fails: `unsupported map key of type: %s,
 *   key: %+#v, value: %+#v`.
 *
 * The `yaml` library reads YAML 1.2 and stringifies keys its own way (a collection key with a warning on
 * stderr), so the keys of a parsed document are rewritten here, before anything turns it into values; and
 * its plain scalar values are read again as kubectl reads them (plainValue).
 */
import { type Alias, type Document, isAlias, isMap, isScalar, isSeq, type Node, Scalar } from "yaml";
import { goQuote } from "../model/go-format.js";

/** A value as go-yaml v2 decodes it into `interface{}`. */
type GoValue =
  | { type: "nil" }
  | { type: "string"; value: string }
  | { type: "int"; value: bigint }
  | { type: "uint64"; value: bigint }
  | { type: "float64"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "slice"; items: GoValue[] }
  | { type: "map"; pairs: [GoValue, GoValue][] };

/** Thrown inside the walk with kubectl's message and the key's node; never escapes convertKeys. */
class KeyError {
  constructor(
    readonly message: string,
    readonly key: Node | null,
  ) {}
}

/**
 * Rewrites every mapping key of `doc` to the string kubectl makes of it, or returns kubectl's error for the
 * document (`error converting YAML to JSON: …`) and where the key starts. Keys are checked in go-yaml's
 * decoding order, so the key an `invalid map key` error names is the one go-yaml names. sigs.k8s.io/yaml then
 * converts keys in Go's random map order: of a document with several unsupported keys kubectl names one, here
 * the first in the text.
 */
export function convertKeys(doc: Document): { message: string; offset: number | undefined } | undefined {
  if (doc.contents === null) return undefined;
  try {
    decode(doc.contents as Node, doc, new Set());
    rewrite(doc.contents as Node, doc, new Set());
    resolveValues(doc.contents as Node);
    return undefined;
  } catch (error) {
    if (error instanceof KeyError)
      return { message: `error converting YAML to JSON: ${error.message}`, offset: error.key?.range?.[0] };
    throw error;
  }
}

/** The key go-yaml's decoding fails on (a collection), walking as it does: each key, then its value. */
function decode(node: Node | null, doc: Document, seen: Set<Node>): void {
  if (node === null || seen.has(node)) return; // a node an alias repeats is walked once
  seen.add(node);
  if (isAlias(node)) decode(resolveAlias(node, doc), doc, seen);
  else if (isSeq(node)) for (const item of node.items) decode(item as Node, doc, seen);
  else if (isMap(node))
    for (const pair of node.items) {
      const key = resolveAlias(pair.key as Node | null, doc);
      decode(key, doc, seen);
      if (isMap(key) || isSeq(key)) {
        // Go's %#v of the key. Where its map keys mix types, Go sorts them by type in an order that is not
        // reproducible here (the address of each type): they are printed in the text's order.
        const value = goValue(key, doc, { left: MAX_PRINTED });
        throw new KeyError(`yaml: invalid map key: ${goSyntax(value)}`, pair.key as Node | null);
      }
      decode(pair.value as Node | null, doc, seen);
    }
}

/** The key strings of every mapping, as sigs.k8s.io/yaml makes them (after decode() found no collection key). */
function rewrite(node: Node | null, doc: Document, seen: Set<Node>): void {
  if (node === null || seen.has(node) || isAlias(node)) return; // an alias's target is rewritten where it is
  seen.add(node);
  if (isSeq(node)) for (const item of node.items) rewrite(item as Node, doc, seen);
  else if (isMap(node))
    for (const pair of node.items) {
      const key = resolveAlias(pair.key as Node | null, doc);
      const go = goValue(key, doc, { left: 1 });
      const name = jsonKey(go);
      if (name === undefined) {
        const type = go.type === "nil" ? "%!s(<nil>)" : go.type;
        const value = goValue(pair.value as Node | null, doc, { left: MAX_PRINTED });
        throw new KeyError(
          `unsupported map key of type: ${type}, key: ${goTopSyntax(go)}, value: ${goTopSyntax(value)}`,
          pair.key as Node | null,
        );
      }
      // A string key that is already its JSON text stays as it is (the `yaml` library reads it alike).
      if (!(isScalar(pair.key) && pair.key.value === name)) {
        const scalar = new Scalar(name);
        scalar.range = (pair.key as Node | null)?.range;
        pair.key = scalar;
      }
      rewrite(pair.value as Node | null, doc, seen);
    }
}

/**
 * Every plain scalar value read as kubectl reads it (plainValue: YAML 1.1's booleans, octal ints, …), and a
 * tagged one (taggedValue); quoted and block scalars keep the `yaml` library's value. A value JSON cannot write fails as in kubectl.
 * An alias's target is resolved where it is.
 */
function resolveValues(node: Node | null): void {
  if (node === null || isAlias(node)) return;
  if (isSeq(node)) for (const item of node.items) resolveValues(item as Node);
  else if (isMap(node)) for (const pair of node.items) resolveValues(pair.value as Node | null);
  else if (isScalar(node)) {
    if (node.type === "PLAIN" && node.tag === undefined && typeof node.source === "string")
      node.value = plainValue(node.source);
    else if (node.tag !== undefined && typeof node.source === "string") node.value = taggedValue(node);
    const refused = unsupportedValue(node.value);
    if (refused !== undefined) throw new KeyError(refused, node);
  }
}

/** The types go-yaml v2 accepts for a scalar with each resolvable tag (the resolved type of its text). */
const TAGGED: Record<string, { name: string; accepts: GoValue["type"][] }> = {
  "tag:yaml.org,2002:bool": { name: "!!bool", accepts: ["bool"] },
  "tag:yaml.org,2002:int": { name: "!!int", accepts: ["int", "uint64"] },
  "tag:yaml.org,2002:float": { name: "!!float", accepts: ["float64", "int"] },
  "tag:yaml.org,2002:null": { name: "!!null", accepts: ["nil"] },
};
const SHORT_TAG: Partial<Record<GoValue["type"], string>> = {
  nil: "!!null",
  string: "!!str",
  int: "!!int",
  uint64: "!!int",
  float64: "!!float",
  bool: "!!bool",
};

/**
 * A scalar with an explicit tag as go-yaml v2 reads it: `!!bool`, `!!int`, `!!float`, `!!null` resolve its text
 * (quoted or not) and fail when it is not of the tag's type (`!!float` takes an int); `!!timestamp` stays its
 * text, `!!binary` is its decoded bytes as a string. Other tags keep the `yaml` library's value.
 */
function taggedValue(node: Scalar): unknown {
  const text = node.source as string;
  // prototype-safe: an own key of the table, or no tag of it
  const tag = Object.hasOwn(TAGGED, node.tag!) ? TAGGED[node.tag!] : undefined;
  if (tag !== undefined) {
    const go = resolvePlain(text);
    if (!tag.accepts.includes(go.type))
      throw new KeyError(`yaml: cannot decode ${SHORT_TAG[go.type]} \`${text}\` as a ${tag.name}`, node);
    return plainValue(text);
  }
  if (node.value instanceof Date) return text;
  if (node.value instanceof Uint8Array) return Buffer.from(node.value).toString("utf8");
  return node.value;
}

function resolveAlias(node: Node | null, doc: Document): Node | null {
  if (node !== null && isAlias(node)) return ((node as Alias).resolve(doc) as Node | undefined) ?? null;
  return node;
}

/** The JSON key sigs.k8s.io/yaml makes of a decoded key, or undefined for a type it refuses. */
function jsonKey(key: GoValue): string | undefined {
  switch (key.type) {
    case "string":
      return key.value;
    case "int":
      return key.value.toString();
    case "float64": {
      const s = formatFloat(key.value, 32);
      return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
    }
    case "bool":
      return key.value ? "true" : "false";
    default:
      return undefined;
  }
}

/**
 * Nodes printed at most in a message: an alias bomb in a key would print exponentially many (kubectl's
 * go-yaml refuses such a document first; past the budget, nodes print as nil).
 */
const MAX_PRINTED = 10_000;

/** A node as go-yaml v2 decodes it into `interface{}`; `budget`: how many more nodes may be read. */
function goValue(node: Node | null, doc: Document, budget: { left: number }): GoValue {
  node = resolveAlias(node, doc);
  if (node === null || budget.left-- <= 0) return { type: "nil" };
  if (isSeq(node))
    return { type: "slice", items: node.items.map((item) => goValue(item as Node, doc, budget)) };
  if (isMap(node))
    return {
      type: "map",
      pairs: node.items.map((pair) => [
        goValue(pair.key as Node | null, doc, budget),
        goValue(pair.value as Node | null, doc, budget),
      ]),
    };
  if (!isScalar(node)) return { type: "nil" };
  if (node.type === "PLAIN" && node.tag === undefined && typeof node.source === "string")
    return resolvePlain(node.source);
  // Quoted and block scalars are strings in both readers; a tagged scalar (rare in a key) is taken as the
  // `yaml` library resolved it.
  const value: unknown = node.value;
  if (typeof value === "string") return { type: "string", value };
  if (typeof value === "boolean") return { type: "bool", value };
  if (typeof value === "bigint") return { type: "int", value };
  if (typeof value === "number")
    return Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
      ? { type: "int", value: BigInt(value) }
      : { type: "float64", value };
  if (value === null || value === undefined) return { type: "nil" };
  return { type: "string", value: String(value) };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** go-yaml v2's yamlStyleFloat. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
const FALSE = new Set(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);
const NULL = new Set(["", "~", "null", "Null", "NULL"]);
const INFINITY = new Set([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]);
const MINUS_INFINITY = new Set(["-.inf", "-.Inf", "-.INF"]);
const NAN = new Set([".nan", ".NaN", ".NAN"]);

/**
 * A plain scalar value as kubectl reads it: go-yaml v2's resolve() (resolvePlain), then sigs.k8s.io/yaml's
 * json.Marshal and kubectl's JSON decoding, so every number is a JavaScript number (`1.0` is 1, an int past
 * int64 the nearest float64). A float that is infinite or NaN is returned as such: kubectl refuses the
 * document (`json: unsupported value: NaN`, see unsupportedValue).
 */
export function plainValue(text: string): unknown {
  const go = resolvePlain(text);
  switch (go.type) {
    case "nil":
      return null;
    case "int":
    case "uint64":
      return Number(go.value);
    case "float64":
      return Object.is(go.value, -0) ? 0 : go.value; // json.Marshal writes -0, which kubectl decodes as int 0
    case "bool":
    case "string":
      return go.value;
    default:
      return text; // not reached: a scalar is never a collection
  }
}

/** encoding/json's refusal of a float JSON cannot write (`+Inf`, `-Inf`, `NaN`), or undefined. */
export function unsupportedValue(value: unknown): string | undefined {
  if (typeof value !== "number" || Number.isFinite(value)) return undefined;
  return `json: unsupported value: ${formatFloat(value, 64)}`;
}

/** A plain scalar as go-yaml v2's resolve() reads it (its resolve table, then ParseInt/ParseUint/ParseFloat). */
export function resolvePlain(text: string): GoValue {
  if (TRUE.has(text)) return { type: "bool", value: true };
  if (FALSE.has(text)) return { type: "bool", value: false };
  if (NULL.has(text)) return { type: "nil" };
  if (INFINITY.has(text)) return { type: "float64", value: Number.POSITIVE_INFINITY };
  if (MINUS_INFINITY.has(text)) return { type: "float64", value: Number.NEGATIVE_INFINITY };
  if (NAN.has(text)) return { type: "float64", value: Number.NaN };
  const first = text[0]!;
  if (first === ".") {
    // Not in the table: strconv.ParseFloat of the text (decimal forms only: `.5`, `.5e3`).
    const float = /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
    // ParseFloat fails past float64's range (`.5e400`): the text stays a string.
    return Number.isFinite(float) ? { type: "float64", value: float } : { type: "string", value: text };
  }
  if (!/[-+0-9]/.test(first)) return { type: "string", value: text };
  // A timestamp (`2001-12-14`) stays a string when decoded into interface{}, and no number starts `dddd-`.
  const plain = text.replaceAll("_", "");
  const int = parseGoInt(plain, true);
  if (int !== undefined && int >= INT64_MIN && int <= INT64_MAX) return { type: "int", value: int };
  const uint = parseGoInt(plain, false);
  if (uint !== undefined && uint >= 0n && uint <= UINT64_MAX) return { type: "uint64", value: uint };
  if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain)))
    return { type: "float64", value: Number(plain) };
  for (const [prefix, sign] of [
    ["0b", 1n],
    ["-0b", -1n],
  ] as const)
    if (plain.startsWith(prefix) && /^[01]+$/.test(plain.slice(prefix.length))) {
      const value = sign * BigInt(`0b${plain.slice(prefix.length)}`);
      if (value >= INT64_MIN && value <= INT64_MAX) return { type: "int", value };
      if (value <= UINT64_MAX && sign > 0n) return { type: "uint64", value };
    }
  return { type: "string", value: text };
}

/**
 * strconv.ParseInt (signed) or ParseUint (no sign) with base 0 — `0x`, `0o`, `0b` prefixes, a leading `0`
 * for octal — without its range check; undefined when the text is not such a number.
 */
function parseGoInt(text: string, signed: boolean): bigint | undefined {
  let s = text;
  let negative = false;
  if (signed && (s[0] === "+" || s[0] === "-")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  let digits: RegExp;
  let prefix: string;
  if (/^0[xX]/.test(s)) [digits, prefix, s] = [/^[0-9a-fA-F]+$/, "0x", s.slice(2)];
  else if (/^0[oO]/.test(s)) [digits, prefix, s] = [/^[0-7]+$/, "0o", s.slice(2)];
  else if (/^0[bB]/.test(s)) [digits, prefix, s] = [/^[01]+$/, "0b", s.slice(2)];
  else if (s.length > 1 && s[0] === "0") [digits, prefix, s] = [/^[0-7]+$/, "0o", s.slice(1)];
  else [digits, prefix] = [/^[0-9]+$/, ""];
  if (!digits.test(s)) return undefined;
  const value = BigInt(`${prefix}${s}`);
  return negative ? -value : value;
}

/** Go's `%+#v` of a value passed as a plain argument: a nil interface prints `<nil>`. */
function goTopSyntax(value: GoValue): string {
  return value.type === "nil" ? "<nil>" : goSyntax(value);
}

/** Go's `%#v` of a decoded value, as an element of an `interface{}` collection. */
function goSyntax(value: GoValue): string {
  switch (value.type) {
    case "nil":
      return "interface {}(nil)";
    case "string":
      return goQuote(value.value);
    case "int":
      return value.value.toString();
    case "uint64":
      return `0x${value.value.toString(16)}`;
    case "float64":
      return formatFloat(value.value, 64);
    case "bool":
      return String(value.value);
    case "slice":
      return `[]interface {}{${value.items.map(goSyntax).join(", ")}}`;
    case "map": {
      // fmt prints map keys sorted: strings by bytes, numbers by value (mixed types: see decode()).
      const pairs = [...value.pairs];
      const kinds = new Set(pairs.map(([k]) => k.type));
      if (kinds.size === 1 && kinds.has("string"))
        pairs.sort(([a], [b]) =>
          compareBytes((a as { value: string }).value, (b as { value: string }).value),
        );
      else if (kinds.size === 1 && (kinds.has("int") || kinds.has("uint64")))
        pairs.sort(([a], [b]) => {
          const x = (a as { value: bigint }).value;
          const y = (b as { value: bigint }).value;
          return x < y ? -1 : x > y ? 1 : 0;
        });
      else if (kinds.size === 1 && kinds.has("float64"))
        pairs.sort(([a], [b]) => (a as { value: number }).value - (b as { value: number }).value);
      return `map[interface {}]interface {}{${pairs.map(([k, v]) => `${goSyntax(k)}:${goSyntax(v)}`).join(", ")}}`;
    }
  }
}

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return Buffer.compare(x, y);
}

/** strconv.FormatFloat(value, 'g', -1, bits): the shortest decimal that reads back as the same float32 or float64. */
export function formatFloat(value: number, bits: 32 | 64): string {
  if (bits === 32) value = Math.fround(value);
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  let shortest = value.toExponential(); // JavaScript's shortest round trip of a float64
  if (bits === 32)
    for (let precision = 1; precision <= 9; precision++) {
      const candidate = value.toExponential(precision - 1);
      if (Math.fround(Number(candidate)) === value) {
        shortest = candidate;
        break;
      }
    }
  const [mantissa, exponentText] = shortest.split("e") as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  // %g with the shortest precision: %e when the exponent is < -4 or >= 6 (strconv's eprec for shortest).
  if (exponent < -4 || exponent >= 6) {
    const e = Math.abs(exponent).toString().padStart(2, "0");
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}
