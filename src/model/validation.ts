/**
 * The API server's validation that more than one kind shares, worded as the API server words it, so a
 * manifest it would reject is reported with its own message. One home for: field errors as
 * apimachinery util/validation/field/errors.go prints them; label keys and values (util/validation
 * IsQualifiedName, IsValidLabelValue, IsDNS1123Subdomain); label maps and selectors (apis/meta/v1/validation
 * ValidateLabels, ValidateLabelSelector; apis/meta/v1 LabelSelectorAsSelector); the rejection itself
 * (api/errors NewInvalid). The wording is that of the API server the differential tests run (v1.20); newer
 * versions word a few of these differently (e.g. "must be no more than 63 bytes").
 */
import { aggregateErrors, goQuote } from "./go-format.js";
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

/** A value as Go's `%#v` already printed it (a struct), not quoted again. */
export interface GoSyntax {
  goSyntax: string;
}

export type FieldValue = string | number | boolean | undefined | null | GoSyntax;

/** ErrorBody: strings `%q`, simple types `%v`, nil `null`, structs `%#v`. */
function formatValue(value: FieldValue): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "object") return value.goSyntax;
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

/** MaxLenError. */
export const maxLenError = (n: number): string => `must be no more than ${n} characters`;

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

/** IsDNS1123Subdomain. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN.test(value))
    errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
  return errs;
}

/** IsQualifiedName: a label key, `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else for (const msg of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME.test(name))
    errs.push(
      `name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`,
    );
  return errs;
}

/** IsValidLabelValue: empty, or at most 63 characters that start and end alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (value.length > 0 && !QUALIFIED_NAME.test(value))
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
  return errs;
}

/**
 * ValidateLabels: every key a qualified name, every value a label value, each error at `field` (the
 * map itself: `metadata.labels: Invalid value: "bad key": …`). `at`: where the map is in the document.
 */
export function validateLabels(
  labels: Readonly<Record<string, string>> | undefined | null,
  field: string,
  at?: DocumentPath,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    const where = at && [...at, key];
    for (const msg of isQualifiedName(key)) errors.push(fieldInvalid(field, key, msg, where));
    for (const msg of isValidLabelValue(value)) errors.push(fieldInvalid(field, value, msg, where));
  }
  return errors;
}

export interface LabelSelectorValidationOptions {
  /**
   * Leave the values of matchExpressions unchecked (upstream LabelSelectorValidationOptions). v1.20 checks
   * them nowhere but LabelSelectorAsSelector; current servers check them for new objects.
   */
  allowInvalidLabelValueInSelector?: boolean;
}

/** ValidateLabelSelector. */
export function validateLabelSelector(
  selector: LabelSelector | undefined | null,
  field: string,
  options: LabelSelectorValidationOptions = {},
  at?: DocumentPath,
): FieldError[] {
  if (!selector) return [];
  const errors = validateLabels(selector.matchLabels, `${field}.matchLabels`, at && [...at, "matchLabels"]);
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
    for (const msg of isQualifiedName(expression.key))
      errors.push(fieldInvalid(`${path}.key`, expression.key, msg, where && [...where, "key"]));
    if (!options.allowInvalidLabelValueInSelector)
      values.forEach((value, j) => {
        for (const msg of isValidLabelValue(value))
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

/**
 * A LabelSelector as Go's `%#v` prints it in a field error:
 * `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`.
 * An absent map or list is `(nil)`, an empty one `{}`; map keys in byte order, as fmt sorts them.
 */
export function goLabelSelector(selector: LabelSelector): GoSyntax {
  const labels = selector.matchLabels;
  const matchLabels =
    labels == null
      ? "map[string]string(nil)"
      : `map[string]string{${Object.keys(labels)
          .sort(compareBytes)
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
  return { goSyntax: `v1.LabelSelector{MatchLabels:${matchLabels}, MatchExpressions:${matchExpressions}}` };
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
