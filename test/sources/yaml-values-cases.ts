/**
 * Plain scalar values kubectl reads in its own way (go-yaml v2's YAML 1.1 resolution, then JSON), each the
 * value of `data.v` in a ConfigMap: what kubectl v1.37 makes of it (`kubectl label --local -f FILE -o json`),
 * the JSON value, or its error (after `error: error parsing FILE: `). yaml-values.test.ts holds kubefence's
 * readers to the table, yaml-values-kubectl.test.ts holds the table to the real kubectl.
 */
export const VALUE_CASES: { value: string; expected: unknown }[] = [
  // booleans: YAML 1.1's spellings, in three cases each
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((value) => ({
    value,
    expected: true,
  })),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map((value) => ({
    value,
    expected: false,
  })),
  // other spellings are strings
  ...["yEs", "oN", "nO", "tRUE", "YEs", "o", "t", "f", "yes!", "no-op"].map((value) => ({
    value,
    expected: value,
  })),
  // nulls
  ...["~", "null", "Null", "NULL"].map((value) => ({ value, expected: null })),
  { value: "nULL", expected: "nULL" },
  // ints: decimal, octal with a leading 0 or 0o, hex, binary, signs, underscores
  { value: "12", expected: 12 },
  { value: "+12", expected: 12 },
  { value: "-12", expected: -12 },
  { value: "010", expected: 8 },
  { value: "-010", expected: -8 },
  { value: "0o17", expected: 15 },
  { value: "0O17", expected: 15 },
  { value: "0x1F", expected: 31 },
  { value: "0X1f", expected: 31 },
  { value: "-0x1F", expected: -31 },
  { value: "0b101", expected: 5 },
  { value: "0B11", expected: 3 },
  { value: "-0b11", expected: -3 },
  { value: "1_000", expected: 1000 },
  { value: "1__0", expected: 10 },
  { value: "_1", expected: "_1" },
  { value: "-0", expected: 0 },
  { value: "00", expected: 0 },
  // not octal: ParseInt fails, yamlStyleFloat then reads it as a float
  { value: "08", expected: 8 },
  { value: "09.5", expected: 9.5 },
  // int64's largest (JSON keeps it, a JavaScript number does not: 2^63); past int64 a uint64, then a
  // float64 through JSON; past uint64 a float64
  { value: "9223372036854775807", expected: 2 ** 63 },
  { value: "9223372036854775808", expected: 2 ** 63 },
  { value: "18446744073709551616", expected: 2 ** 64 },
  // floats (JSON writes 1.0 as 1)
  { value: "1.0", expected: 1 },
  { value: "1.5", expected: 1.5 },
  { value: "1.", expected: 1 },
  { value: ".5", expected: 0.5 },
  { value: "+.5", expected: 0.5 },
  { value: "-0.0", expected: 0 },
  { value: "1e3", expected: 1000 },
  { value: "1E-2", expected: 0.01 },
  { value: "1e21", expected: 1e21 },
  { value: "1e-7", expected: 1e-7 },
  { value: "0.1", expected: 0.1 },
  { value: "1_0.5", expected: 10.5 },
  // out of float64's range: ParseFloat fails, a string
  { value: "1e400", expected: "1e400" },
  { value: ".5e400", expected: ".5e400" },
  // strings that look like numbers
  { value: "12e", expected: "12e" },
  { value: "1.2.3", expected: "1.2.3" },
  { value: "0x", expected: "0x" },
  { value: "0b2", expected: "0b2" },
  { value: "1:20", expected: "1:20" }, // YAML 1.1's sexagesimal, which go-yaml v2 does not read
  { value: "190:20:30", expected: "190:20:30" },
  { value: "+", expected: "+" },
  { value: "-a", expected: "-a" },
  { value: "10m", expected: "10m" },
  { value: "1Gi", expected: "1Gi" },
  { value: "v1", expected: "v1" },
  { value: "0x1p-2", expected: "0x1p-2" },
  { value: "inf", expected: "inf" },
  { value: "Infinity", expected: "Infinity" },
  { value: "NaN", expected: "NaN" },
  // timestamps stay their text (go-yaml keeps a timestamp decoded into interface{} a string)
  { value: "2001-12-14", expected: "2001-12-14" },
  { value: "2001-12-14t21:59:43.10-05:00", expected: "2001-12-14t21:59:43.10-05:00" },
  { value: "2001-12-14 21:59:43.10", expected: "2001-12-14 21:59:43.10" },
  // quoted scalars are strings
  { value: '"yes"', expected: "yes" },
  { value: "'on'", expected: "on" },
  { value: '"010"', expected: "010" },
  { value: "'1.0'", expected: "1.0" },
  { value: '"~"', expected: "~" },
  // floats JSON cannot write: kubectl refuses the document
  { value: ".inf", expected: "error converting YAML to JSON: json: unsupported value: +Inf" },
  { value: "-.Inf", expected: "error converting YAML to JSON: json: unsupported value: -Inf" },
  { value: "+.INF", expected: "error converting YAML to JSON: json: unsupported value: +Inf" },
  { value: ".nan", expected: "error converting YAML to JSON: json: unsupported value: NaN" },
  { value: ".NaN", expected: "error converting YAML to JSON: json: unsupported value: NaN" },
];

/** A ConfigMap whose `data.v` is `value` (written as is). */
export function valueConfigMap(value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: values\ndata:\n  v: ${value}\n`;
}

/** Scalars with an explicit tag (which the fast reader hands over): what kubectl makes of them, or its error. */
export const TAGGED_CASES: { value: string; expected: unknown }[] = [
  { value: "!!int 010", expected: 8 },
  { value: '!!int "010"', expected: 8 },
  { value: "!!int 0b11", expected: 3 },
  { value: "!!bool yes", expected: true },
  { value: "!!bool 'on'", expected: true },
  { value: "!!float 1", expected: 1 },
  { value: "!!null ~", expected: null },
  { value: '!!null ""', expected: null },
  { value: "!!str yes", expected: "yes" },
  { value: "!!str 010", expected: "010" },
  { value: "!!timestamp 2001-12-14", expected: "2001-12-14" },
  { value: "!!binary aGk=", expected: "hi" },
  {
    value: "!!bool yess",
    expected: "error converting YAML to JSON: yaml: cannot decode !!str `yess` as a !!bool",
  },
  {
    value: "!!int 1.5",
    expected: "error converting YAML to JSON: yaml: cannot decode !!float `1.5` as a !!int",
  },
  {
    value: "!!float 18446744073709551615",
    expected: "error converting YAML to JSON: yaml: cannot decode !!int `18446744073709551615` as a !!float",
  },
  { value: "!!null x", expected: "error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!null" },
  { value: "!!float .nan", expected: "error converting YAML to JSON: json: unsupported value: NaN" },
];
