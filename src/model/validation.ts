/**
 * The API server's validation that more than one kind shares, worded as the API server words it, so a
 * manifest it would reject is reported with its own message. One home for: field errors as
 * apimachinery util/validation/field/errors.go prints them; label keys and values (api/validate/content
 * IsLabelKey, IsLabelValue over util/validation); label maps and selectors (apis/meta/v1/validation
 * ValidateLabels, ValidateLabelSelector; apis/meta/v1 LabelSelectorAsSelector); the rejection itself
 * (api/errors NewInvalid).
 *
 * The wording is v1.37's (the version the differential tests run), and v1.20's where the two differ by a
 * word, chosen by the version manifests are read as: label lengths in "bytes" (v1.20: "characters"), a key
 * with two slashes "a valid label key" (v1.20: "a qualified name") — the release between the two that
 * changed these is not pinned down, so every version before 1.37 keeps v1.20's; a selector quoted in an
 * error as JSON from 1.34 (kubernetes/kubernetes#132314; before: Go's `%#v`). Lengths outside labels
 * (util/validation MaxLenError, e.g. a port name) still say "characters" in v1.37.
 */
import { aggregateErrors, goJsonString, goQuote } from "./go-format.js";
import { atLeast, DEFAULT_KUBE_VERSION, type KubeVersion } from "./kube-version.js";
import type { LabelSelector } from "./objects.js";

/** One field error, e.g. `metadata.labels: Invalid value: "bad key": name part must consist of …`. */
export interface FieldError {
  /** The API server's field path, e.g. `spec.template.labels`. */
  field: string;
  message: string;
  /** Where in the document the offending value is, when the caller said (for file:line). */
  at?: DocumentPath;
}

export type DocumentPath = readonly (string | number)[];

/** A composite value (a struct) already rendered as the API server renders it, not quoted again. */
export interface RenderedValue {
  rendered: string;
}

export type FieldValue = string | number | boolean | undefined | null | RenderedValue;

/** ErrorBody: strings `%q`, simple types `%v`, nil `null`, structs rendered by the caller. */
function formatValue(value: FieldValue): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "object") return value.rendered;
  return String(value);
}

/** field.Invalid; the detail is left out when empty. */
export function fieldInvalid(
  field: string,
  value: FieldValue,
  detail: string,
  at?: DocumentPath,
): FieldError {
  const message = `${field}: Invalid value: ${formatValue(value)}${detail ? `: ${detail}` : ""}`;
  return at ? { field, message, at } : { field, message };
}

/** field.NotSupported. */
export function fieldNotSupported(field: string, value: FieldValue, supported: string[]): FieldError {
  return {
    field,
    message: `${field}: Unsupported value: ${formatValue(value)}: supported values: ${supported.map(goQuote).join(", ")}`,
  };
}

/** field.Required. */
export function fieldRequired(field: string, detail: string): FieldError {
  return { field, message: `${field}: Required value${detail ? `: ${detail}` : ""}` };
}

/** field.Forbidden. */
export function fieldForbidden(field: string, detail: string): FieldError {
  return { field, message: `${field}: Forbidden: ${detail}` };
}

/**
 * The API server's rejection (errors.NewInvalid with field.ErrorList.ToAggregate):
 * `Deployment.apps "web" is invalid: …`, one error bare, several de-duplicated inside brackets.
 */
export function invalidObjectMessage(
  kind: string,
  group: string,
  name: string,
  errors: readonly FieldError[],
): string {
  const groupKind = group ? `${kind}.${group}` : kind;
  return `${groupKind} ${goQuote(name)} is invalid: ${aggregateErrors(errors.map((e) => e.message))}`;
}

/** RegexError. */
export function regexError(msg: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${format}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${format}')`;
}

/** util/validation MaxLenError, which every length check but the labels' uses (v1.20 and v1.37 alike). */
export const maxLenError = (n: number): string => `must be no more than ${n} characters`;

/** Labels' own wording, in api/validate/content since (at the latest) v1.37. */
const CONTENT_WORDING_SINCE = 37;

/** The length error of label keys, values and key prefixes: content.MaxLenError counts bytes, and says so. */
function labelMaxLenError(n: number, version: KubeVersion): string {
  return atLeast(version, CONTENT_WORDING_SINCE) ? `must be no more than ${n} bytes` : maxLenError(n);
}

/** Go's len(): UTF-8 bytes, which is what the length limits count. */
function byteLength(value: string): number {
  return /^[\x00-\x7f]*$/.test(value) ? value.length : Buffer.byteLength(value, "utf8");
}

const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

/** util/validation IsDNS1123Label (namespace names, a ServiceAccount subject's namespace). */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL.test(value))
    errs.push(
      DNS1123_SUBDOMAIN.test(value)
        ? "must not contain dots"
        : regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"),
    );
  return errs;
}

/** util/validation IsDNS1123Subdomain (object names and the like: "characters"). */
export function isDNS1123Subdomain(value: string): string[] {
  return dns1123SubdomainErrors(value, maxLenError(253));
}

function dns1123SubdomainErrors(value: string, tooLong: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(tooLong);
  if (!DNS1123_SUBDOMAIN.test(value))
    errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
  return errs;
}

/**
 * Label keys found valid (in every version: only the wording of errors changes), so that the same few keys
 * on 100 000 objects are checked once each. Bounded: cleared when full.
 */
const VALID_KEYS = new Set<string>();
const MAX_VALID_KEYS = 10_000;

/** content.IsLabelKey (v1.20: util/validation IsQualifiedName): a label key, `[prefix/]name`. */
export function isQualifiedName(value: string, version: KubeVersion = DEFAULT_KUBE_VERSION): string[] {
  if (VALID_KEYS.has(value)) return [];
  const errs = qualifiedNameErrors(value, version);
  if (errs.length === 0) {
    if (VALID_KEYS.size >= MAX_VALID_KEYS) VALID_KEYS.clear();
    VALID_KEYS.add(value);
  }
  return errs;
}

function qualifiedNameErrors(value: string, version: KubeVersion): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else
      for (const msg of dns1123SubdomainErrors(prefix, labelMaxLenError(253, version)))
        errs.push(`prefix part ${msg}`);
  } else {
    const noun = atLeast(version, CONTENT_WORDING_SINCE) ? "a valid label key" : "a qualified name";
    return [
      `${noun} ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (byteLength(name) > 63) errs.push(`name part ${labelMaxLenError(63, version)}`);
  if (!QUALIFIED_NAME.test(name))
    errs.push(
      `name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`,
    );
  return errs;
}

/** A valid label value in one test: empty or a qualified name, and (ASCII, so bytes) at most 63 long. */
const VALID_LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** content.IsLabelValue: empty, or at most 63 bytes that start and end alphanumeric. */
export function isValidLabelValue(value: string, version: KubeVersion = DEFAULT_KUBE_VERSION): string[] {
  if (typeof value === "string" && value.length <= 63 && VALID_LABEL_VALUE.test(value)) return [];
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(labelMaxLenError(63, version));
  if (value.length > 0 && !QUALIFIED_NAME.test(value))
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
  return errs;
}

export interface LabelValidationOptions {
  /** Where the map or selector is in the document (for file:line). */
  at?: DocumentPath;
  /** The API server version whose wording applies; v1.37 when not said. */
  version?: KubeVersion;
}

/**
 * ValidateLabels: every key a qualified name, every value a label value, each error at `field` (the
 * map itself: `metadata.labels: Invalid value: "bad key": …`).
 */
export function validateLabels(
  labels: Readonly<Record<string, string>> | undefined | null,
  field: string,
  { at, version = DEFAULT_KUBE_VERSION }: LabelValidationOptions = {},
): FieldError[] {
  const errors: FieldError[] = [];
  if (!labels) return errors;
  for (const key of Object.keys(labels)) {
    // prototype-safe: `key` comes from Object.keys of this very map, so it is an own property
    const value = labels[key]!;
    const keyErrors = isQualifiedName(key, version);
    const valueErrors = isValidLabelValue(value, version);
    if (keyErrors.length === 0 && valueErrors.length === 0) continue;
    const where = at && [...at, key];
    for (const msg of keyErrors) errors.push(fieldInvalid(field, key, msg, where));
    for (const msg of valueErrors) errors.push(fieldInvalid(field, value, msg, where));
  }
  return errors;
}

export interface LabelSelectorValidationOptions extends LabelValidationOptions {
  /**
   * Leave the values of matchExpressions unchecked (upstream LabelSelectorValidationOptions): API servers
   * before v1.26 check them nowhere but LabelSelectorAsSelector; later ones check them for new objects.
   */
  allowInvalidLabelValueInSelector?: boolean;
}

/** ValidateLabelSelector. */
export function validateLabelSelector(
  selector: LabelSelector | undefined | null,
  field: string,
  options: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (!selector) return [];
  const { at, version = DEFAULT_KUBE_VERSION } = options;
  const errors = validateLabels(selector.matchLabels, `${field}.matchLabels`, {
    at: at && [...at, "matchLabels"],
    version,
  });
  (selector.matchExpressions ?? []).forEach((expression, i) => {
    const path = `${field}.matchExpressions[${i}]`;
    const where = at && [...at, "matchExpressions", i];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0)
          errors.push(
            located(
              fieldRequired(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
              where,
            ),
          );
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0)
          errors.push(
            located(
              fieldForbidden(
                `${path}.values`,
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
              ),
              where,
            ),
          );
        break;
      default:
        errors.push(
          fieldInvalid(
            `${path}.operator`,
            expression.operator,
            "not a valid selector operator",
            where && [...where, "operator"],
          ),
        );
    }
    for (const msg of isQualifiedName(expression.key, version))
      errors.push(fieldInvalid(`${path}.key`, expression.key, msg, where && [...where, "key"]));
    if (!options.allowInvalidLabelValueInSelector)
      values.forEach((value, j) => {
        for (const msg of isValidLabelValue(value, version))
          errors.push(fieldInvalid(`${path}.values[${j}]`, value, msg, where && [...where, "values", j]));
      });
  });
  return errors;
}

function located(error: FieldError, at: DocumentPath | undefined): FieldError {
  return at ? { ...error, at } : error;
}

/**
 * Whether LabelSelectorAsSelector accepts the selector (labels.NewRequirement checks every key, operator,
 * number of values and value): workload validation reports `invalid label selector` when it does not.
 */
export function labelSelectorParses(selector: LabelSelector | undefined | null): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (isQualifiedName(key).length > 0 || isValidLabelValue(value).length > 0) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(operator)) return false;
    if (isQualifiedName(key).length > 0) return false;
    const needsValues = operator === "In" || operator === "NotIn";
    if (needsValues ? values.length === 0 : values.length > 0) return false;
    if (values.some((value) => isValidLabelValue(value).length > 0)) return false;
  }
  return true;
}

/** Field errors quote a struct as JSON from v1.34 (kubernetes/kubernetes#132314), as Go's `%#v` before. */
const JSON_FIELD_VALUES_SINCE = 34;

/** A LabelSelector as a field error quotes it (`spec.selector: Invalid value: {"matchLabels":…}`). */
export function labelSelectorValue(
  selector: LabelSelector,
  version: KubeVersion = DEFAULT_KUBE_VERSION,
): RenderedValue {
  return {
    rendered: atLeast(version, JSON_FIELD_VALUES_SINCE)
      ? jsonLabelSelector(selector)
      : goLabelSelector(selector),
  };
}

/**
 * encoding/json of a metav1.LabelSelector: fields in struct order, empty maps and lists left out
 * (omitempty), map keys in byte order.
 */
function jsonLabelSelector(selector: LabelSelector): string {
  const fields: string[] = [];
  const labels = selector.matchLabels ?? {};
  const keys = Object.keys(labels).sort(compareBytes);
  if (keys.length > 0)
    fields.push(
      // prototype-safe: keys are labels' own keys
      `"matchLabels":{${keys.map((key) => `${goJsonString(key)}:${goJsonString(labels[key]!)}`).join(",")}}`,
    );
  const expressions = selector.matchExpressions ?? [];
  if (expressions.length > 0)
    fields.push(
      `"matchExpressions":[${expressions
        .map((e) => {
          const values = e.values?.length ? `,"values":[${e.values.map(goJsonString).join(",")}]` : "";
          return `{"key":${goJsonString(e.key)},"operator":${goJsonString(e.operator)}${values}}`;
        })
        .join(",")}]`,
    );
  return `{${fields.join(",")}}`;
}

/**
 * Go's `%#v` of a LabelSelector:
 * `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`.
 * An absent map or list is `(nil)`, an empty one `{}`; map keys in byte order, as fmt sorts them.
 */
function goLabelSelector(selector: LabelSelector): string {
  const labels = selector.matchLabels;
  const matchLabels =
    labels == null
      ? "map[string]string(nil)"
      : `map[string]string{${Object.keys(labels)
          .sort(compareBytes)
          // prototype-safe: keys are labels' own keys
          .map((key) => `${goQuote(key)}:${goQuote(labels[key]!)}`)
          .join(", ")}}`;
  const expressions = selector.matchExpressions;
  const matchExpressions =
    expressions == null
      ? "[]v1.LabelSelectorRequirement(nil)"
      : `[]v1.LabelSelectorRequirement{${expressions
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(e.key)}, Operator:${goQuote(e.operator)}, Values:${
                e.values == null ? "[]string(nil)" : `[]string{${e.values.map(goQuote).join(", ")}}`
              }}`,
          )
          .join(", ")}}`;
  return `v1.LabelSelector{MatchLabels:${matchLabels}, MatchExpressions:${matchExpressions}}`;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
