/**
 * resource.Quantity as k8s.io/apimachinery/pkg/api/resource parses and prints it (quantity.go
 * ParseQuantity and parseQuantityString, suffix.go, amount.go): which strings the API server accepts, the
 * value they stand for (rounded up to the nanounit, BinarySI capped at 2^63-1) and the canonical form it
 * prints in field errors (`value.String()`), so a quota kubefence writes is one the server takes.
 */

export type QuantityFormat = "DecimalExponent" | "BinarySI" | "DecimalSI";

/** The value is `unscaled × 10^scale` (scale ≥ -9 once parsed). */
export interface Quantity {
  unscaled: bigint;
  scale: number;
  format: QuantityFormat;
  /** The input, when ParseQuantity keeps it as the canonical form (String() then returns it as is). */
  original?: string;
}

const SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
export const ERR_NUMERIC = "unable to parse numeric part of quantity";
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const BINARY: ReadonlyMap<string, number> = new Map([
  ["Ki", 10],
  ["Mi", 20],
  ["Gi", 30],
  ["Ti", 40],
  ["Pi", 50],
  ["Ei", 60],
]);
const DECIMAL: ReadonlyMap<string, number> = new Map([
  ["n", -9],
  ["u", -6],
  ["m", -3],
  ["", 0],
  ["k", 3],
  ["M", 6],
  ["G", 9],
  ["T", 12],
  ["P", 15],
  ["E", 18],
]);
const MAX_INT64 = (1n << 63n) - 1n;
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

interface Parts {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString, step for step (including what it lets through, such as `1.G` or a lone `-`). */
function parseQuantityString(str: string): Parts | string {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === "-") {
    positive = false;
    pos++;
  } else if (str[0] === "+") pos++;
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: "", suffix: "" };
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = "0";
  let denom = "";
  if (str[pos] === ".") {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: "" };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && "eEinumkKMGTP".includes(str[i]!)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === "-" || str[pos] === "+") pos++;
  for (i = pos; i < end; i++) if (!isDigit(str[i])) return ERR_FORMAT_WRONG;
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

/** suffixHandler.interpret: the tables first, then `e`/`E` with an int64 exponent (kept as Go's int32). */
function interpret(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  const decimal = DECIMAL.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: "DecimalSI" };
  const binary = BINARY.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary, format: "BinarySI" };
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E")) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed > MAX_INT64 || parsed < -MAX_INT64 - 1n) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: "DecimalExponent" };
  }
  return undefined;
}

/** ParseQuantity: the quantity, or the error message the API server's decoder reports. */
export function parseQuantity(str: string): Quantity | string {
  if (str.length === 0) return ERR_FORMAT_WRONG;
  if (str === "0") return { unscaled: 0n, scale: 0, format: "DecimalSI", original: str };
  const parts = parseQuantityString(str);
  if (typeof parts === "string") return parts;
  const { positive, value, num, denom, suffix } = parts;
  const interpreted = interpret(suffix);
  if (!interpreted) return ERR_SUFFIX;
  const { base, exponent } = interpreted;
  let format = interpreted.format;

  // The int64 fast path: exact, and keeps the input as the canonical string when it already is one.
  let precision: number;
  if (format === "BinarySI")
    precision =
      exponent >= 0 && denom.length === 0
        ? 15 - num.length - Math.trunc(Math.fround((exponent * 3) / 10)) - 1
        : -1;
  else precision = 18 - (num.length + denom.length);
  if (precision >= 0) {
    const scale = (format === "BinarySI" ? 0 : exponent) - denom.length;
    if (scale >= -9) {
      const shifted = num + denom;
      const unsigned = BigInt(shifted);
      const magnitude = format === "BinarySI" ? unsigned << BigInt(exponent) : unsigned;
      if (magnitude <= MAX_INT64) {
        const unscaled = positive ? magnitude : -magnitude;
        const canonical =
          format === "BinarySI"
            ? exponent % 10 === 0 && (unsigned & 7n) !== 0n
            : scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
        return canonical ? { unscaled, scale, format, original: str } : { unscaled, scale, format };
      }
    }
  }

  // The inf.Dec path: the digits of `value` (sign, leading zeros and point included) must form a decimal.
  const decimal = /^[+-]?([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!decimal || `${decimal[1]}${decimal[2] ?? ""}`.length === 0) return ERR_NUMERIC;
  let magnitude = BigInt(`${decimal[1]}${decimal[2] ?? ""}` || "0");
  let scale = -(decimal[2]?.length ?? 0);
  if (base === 10) scale += exponent;
  else magnitude <<= BigInt(exponent);
  // Round a non-zero magnitude up to the nanounit.
  if (magnitude !== 0n && scale < -9) {
    const shift = -9 - scale;
    const digits = magnitude.toString().length;
    if (shift > digits) magnitude = 1n;
    else {
      const divisor = 10n ** BigInt(shift);
      magnitude = magnitude / divisor + (magnitude % divisor === 0n ? 0n : 1n);
    }
    scale = -9;
  }
  if (format === "BinarySI" && compare(magnitude, scale, MAX_INT64, 0) > 0) {
    magnitude = MAX_INT64;
    scale = 0;
  }
  if (format === "BinarySI" && magnitude !== 0n && compare(magnitude, scale, 1n, 0) < 0) format = "DecimalSI";
  const negative = !positive && magnitude !== 0n;
  return { unscaled: negative ? -magnitude : magnitude, scale, format };
}

/** Compare a×10^as with b×10^bs (both non-negative). */
function compare(a: bigint, as: number, b: bigint, bs: number): number {
  const s = Math.min(as, bs);
  const x = as - s > 400 ? 1n << 1400n : a * 10n ** BigInt(as - s);
  const y = bs - s > 400 ? 1n << 1400n : b * 10n ** BigInt(bs - s);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Quantity.String(): the kept input, else CanonicalizeBytes. */
export function quantityString(q: Quantity): string {
  if (q.original !== undefined) return q.original;
  if (q.unscaled === 0n) return "0";
  let format = q.format;
  const negative = q.unscaled < 0n;
  const magnitude = negative ? -q.unscaled : q.unscaled;
  let integer: bigint | undefined;
  if (format === "BinarySI") {
    if (compare(magnitude, q.scale, 1024n, 0) < 0) format = "DecimalSI";
    else if (q.scale >= 0) integer = magnitude * 10n ** BigInt(q.scale);
    else {
      const divisor = 10n ** BigInt(-q.scale);
      if (magnitude % divisor === 0n) integer = magnitude / divisor;
      else format = "DecimalSI";
    }
  }
  const sign = negative ? "-" : "";
  if (format === "BinarySI" && integer !== undefined) {
    let times = 0;
    while (integer >= 1024n && integer % 1024n === 0n) {
      integer /= 1024n;
      times++;
    }
    const suffix = [...BINARY].find(([, e]) => e === times * 10)?.[0] ?? "";
    return `${sign}${integer}${suffix}`;
  }
  // AsCanonicalBytes: trailing zeros into the exponent, then the exponent down to a multiple of 3.
  let amount = magnitude;
  let exponent = q.scale;
  while (amount >= 10n && amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  const down = ((exponent % 3) + 3) % 3;
  amount *= 10n ** BigInt(down);
  exponent -= down;
  let suffix: string;
  if (format === "DecimalExponent") suffix = exponent === 0 ? "" : `e${exponent}`;
  else suffix = [...DECIMAL].find(([, e]) => e === exponent)?.[0] ?? "";
  return `${sign}${amount}${suffix}`;
}

/** Quantity.Sign(). */
export const quantitySign = (q: Quantity): number => (q.unscaled === 0n ? 0 : q.unscaled < 0n ? -1 : 1);

/** Quantity.MilliValue(): the value in thousandths, rounded up (away from zero). */
export function quantityMilliValue(q: Quantity): bigint {
  const scale = q.scale + 3;
  if (scale >= 0) return q.unscaled * 10n ** BigInt(scale);
  const divisor = 10n ** BigInt(-scale);
  const negative = q.unscaled < 0n;
  const magnitude = negative ? -q.unscaled : q.unscaled;
  const rounded = magnitude / divisor + (magnitude % divisor === 0n ? 0n : 1n);
  return negative ? -rounded : rounded;
}
