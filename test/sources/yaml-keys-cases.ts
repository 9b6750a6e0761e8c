import fc from "fast-check";

/**
 * Mapping keys kubectl reads in its own way, each the `data:` entries of a ConfigMap: what kubectl v1.37
 * makes of them (`kubectl label --local -f FILE -o json`, whose reading of files is `create`'s and `apply`'s):
 * the JSON keys, or its error (after `error: error parsing FILE: `). yaml-keys.test.ts holds kubefence to the
 * table, yaml-keys-kubectl.test.ts holds the table to the real kubectl.
 */
export const KEY_CASES: { reason: string; data: string; expected: Record<string, unknown> | string }[] = [
  {
    reason: "a flow sequence as a key: go-yaml refuses it while decoding",
    data: "? [a, b]\n  : x",
    expected: 'error converting YAML to JSON: yaml: invalid map key: []interface {}{"a", "b"}',
  },
  {
    reason: "a block sequence as a key",
    data: "? - a\n  : x",
    expected: 'error converting YAML to JSON: yaml: invalid map key: []interface {}{"a"}',
  },
  {
    reason: "a mapping as a key: Go prints it with its string keys sorted",
    data: "? {b: 1, a: [c]}\n  : x",
    expected:
      'error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{"a":[]interface {}{"c"}, "b":1}',
  },
  {
    reason: "an empty sequence and an empty mapping as keys",
    data: "? []\n  : x",
    expected: "error converting YAML to JSON: yaml: invalid map key: []interface {}{}",
  },
  {
    reason: "a collection key inside a nested mapping",
    data: "a: [{? {b: c}: 1}]",
    expected: 'error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{"b":"c"}',
  },
  {
    reason: "an alias of a sequence as a key",
    data: "a: &x [1]\n  ? *x\n  : y",
    expected: "error converting YAML to JSON: yaml: invalid map key: []interface {}{1}",
  },
  {
    reason:
      "Go's %#v of each scalar type inside a key: nil, float, bool, quoted string, uint64, YAML 1.1's yes",
    data: '? [null, 1.5, true, "q\\"", 18446744073709551615, 1e20, 1.0, .inf, yes, ~, 1234567.0, 0.00001, -0.0]\n  : x',
    expected:
      'error converting YAML to JSON: yaml: invalid map key: []interface {}{interface {}(nil), 1.5, true, "q\\"", 0xffffffffffffffff, 1e+20, 1, +Inf, true, interface {}(nil), 1.234567e+06, 1e-05, -0}',
  },
  {
    reason: "integer keys of a mapping key sorted by value, not as text",
    data: "? {10: b, 2: a}\n  : x",
    expected:
      'error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{2:"a", 10:"b"}',
  },
  {
    reason: "a null key: sigs.k8s.io/yaml refuses it while converting",
    data: "~: x",
    expected:
      'error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: "x"',
  },
  {
    reason: "`null` is a null key too, and the value is printed as go-yaml decoded it",
    data: "null: {a: 1}",
    expected:
      'error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: map[interface {}]interface {}{"a":1}',
  },
  {
    reason: "an integer past int64 is a uint64 key, which sigs.k8s.io/yaml refuses",
    data: "18446744073709551615: x",
    expected:
      'error converting YAML to JSON: unsupported map key of type: uint64, key: 0xffffffffffffffff, value: "x"',
  },
  {
    reason: "integer keys: their decimal text, whatever base YAML 1.1 wrote them in",
    data: "1: a\n  +12: b\n  -0: c\n  0x1F: d\n  0o17: e\n  010: f\n  0b101: g\n  -0b11: h\n  1_000: i",
    expected: {
      "1": "a",
      "12": "b",
      "0": "c",
      "31": "d",
      "15": "e",
      "8": "f",
      "5": "g",
      "-3": "h",
      "1000": "i",
    },
  },
  {
    reason: "float keys: the shortest text of the float32 nearest them, %g style",
    data: "1.5: a\n  3.14159265358979: b\n  1e3: c\n  1234567.0: d\n  123456.0: e\n  0.00001: f\n  .5: g\n  -0.0: h\n  08: i",
    expected: {
      "1.5": "a",
      "3.1415927": "b",
      "1000": "c",
      "1.234567e+06": "d",
      "123456": "e",
      "1e-05": "f",
      "0.5": "g",
      "-0": "h",
      "8": "i",
    },
  },
  {
    reason: "float keys past float32's range, and an integer past uint64's, which is a float",
    data: "1.0e+40: a\n  99999999999999999999: b",
    expected: { ".inf": "a", "1e+20": "b" },
  },
  {
    reason: "infinities and NaN: YAML's own spellings",
    data: ".inf: a\n  -.Inf: b\n  .NaN: c",
    expected: { ".inf": "a", "-.inf": "b", ".nan": "c" },
  },
  {
    reason: "YAML 1.1's booleans are booleans as keys: `true` and `false`",
    data: "yes: a\n  off: b\n  Y: c\n  NO: d",
    expected: { true: "c", false: "d" },
  },
  {
    reason: "quoted keys and keys that only look like numbers stay as written",
    data: '"1.50": a\n  \'yes\': b\n  2001-12-14: c\n  1.2.3: d\n  _1: e\n  "~": f',
    expected: { "1.50": "a", yes: "b", "2001-12-14": "c", "1.2.3": "d", _1: "e", "~": "f" },
  },
];

export function configMap(data: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n  ${data}\n`;
}

/** Plain keys that go-yaml may read as numbers: signs, digits, base prefixes, points, exponents, underscores. */
export const numberLikeKey = fc
  .array(
    fc.constantFrom(
      "0",
      "1",
      "7",
      "8",
      "9",
      "00",
      "12",
      "-",
      "+",
      ".",
      "e",
      "E",
      "e-",
      "x",
      "o",
      "b",
      "_",
      "f",
      "inf",
      "nan",
      "999999999999",
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(""))
  // Plain scalars only (a leading `-` then space, or `-`/`+` alone, are not keys), and not a comment.
  .filter((key) => /^[-+.0-9][-+._0-9a-zA-Z]*$/.test(key) && key !== "-");
