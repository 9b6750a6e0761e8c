/**
 * Label selectors, evaluated here and nowhere else (apimachinery `metav1.LabelSelectorAsSelector` and
 * `labels.Requirement`): an absent selector selects nothing, an empty one `{}` selects everything,
 * matchLabels and matchExpressions are ANDed; In/NotIn need values, Exists/DoesNotExist must have none.
 */
import type { LabelSelector } from "./objects.js";

export type Labels = Record<string, string> | undefined;

export interface CompiledSelector {
  matches(labels: Labels): boolean;
  /** `{}`: every object. */
  everything: boolean;
  /** Absent (nil) selector: no object. */
  nothing: boolean;
  /** The selector as apimachinery prints it (`Requirement.String`, sorted by key): `app=nginx,tier in (a,b),!legacy`; `<none>` for nothing. */
  text: string;
}

export type SelectorResult = { ok: true; selector: CompiledSelector } | { ok: false; error: string };

type Requirement = { key: string; op: "=" | "in" | "notin" | "exists" | "!"; values: string[] };

const NOTHING: CompiledSelector = { matches: () => false, everything: false, nothing: true, text: "<none>" };
const EVERYTHING: CompiledSelector = { matches: () => true, everything: true, nothing: false, text: "" };

export function compileSelector(selector: LabelSelector | null | undefined): SelectorResult {
  if (selector == null) return { ok: true, selector: NOTHING };
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0)
    return { ok: true, selector: EVERYTHING };

  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    const error = validateKey(key) ?? validateValue(value, key);
    if (error) return { ok: false, error };
    requirements.push({ key, op: "=", values: [value] });
  }
  for (const expression of expressions) {
    const { key, operator } = expression;
    const values = expression.values ?? [];
    // Upstream maps the operator first, then NewRequirement validates the key, then the values.
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(operator))
      return { ok: false, error: `${goQuote(operator ?? "")} is not a valid label selector operator` };
    const keyError = validateKey(key);
    if (keyError) return { ok: false, error: keyError };
    switch (operator) {
      case "In":
      case "NotIn":
        if (values.length === 0)
          return { ok: false, error: "for 'in', 'notin' operators, values set can't be empty" };
        for (const value of values) {
          const error = validateValue(value, key);
          if (error) return { ok: false, error };
        }
        requirements.push({
          key,
          op: operator === "In" ? "in" : "notin",
          values: [...new Set(values)].sort(),
        });
        break;
      default:
        if (values.length > 0)
          return { ok: false, error: "values set must be empty for exists and does not exist" };
        requirements.push({ key, op: operator === "Exists" ? "exists" : "!", values: [] });
    }
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ok: true, selector: compiled(requirements) };
}

/** A selector that must be valid (already validated at load time); an invalid one selects nothing. */
export function selectorOrNothing(selector: LabelSelector | null | undefined): CompiledSelector {
  const result = compileSelector(selector);
  return result.ok ? result.selector : NOTHING;
}

/** A plain label map as a selector (Service `spec.selector`, ReplicationController): every pair must match. */
export function selectorFromMap(map: Record<string, string> | undefined): CompiledSelector {
  return selectorOrNothing({ matchLabels: map ?? {} });
}

function compiled(requirements: Requirement[]): CompiledSelector {
  const sets = requirements.map((r) => ({ ...r, set: new Set(r.values) }));
  return {
    everything: false,
    nothing: false,
    text: requirements.map(requirementText).join(","),
    matches(labels) {
      for (const r of sets) {
        // Own keys only: a label named "constructor" must not find Object.prototype.constructor.
        const value = labels && Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
        const has = value !== undefined;
        switch (r.op) {
          case "=":
          case "in":
            if (!has || !r.set.has(value)) return false;
            break;
          case "notin":
            if (has && r.set.has(value)) return false;
            break;
          case "exists":
            if (!has) return false;
            break;
          case "!":
            if (has) return false;
            break;
        }
      }
      return true;
    },
  };
}

function requirementText(r: Requirement): string {
  switch (r.op) {
    case "=":
      return `${r.key}=${r.values[0]}`;
    case "in":
      return `${r.key} in (${r.values.join(",")})`;
    case "notin":
      return `${r.key} notin (${r.values.join(",")})`;
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
  }
}

const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const DNS1123_SUBDOMAIN_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const QUALIFIED_NAME_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** apimachinery `validation.RegexError`: `MSG (e.g. 'a',  or 'b', regex used for validation is 'RE')`. */
function regexError(message: string, format: string, ...examples: string[]): string {
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${format}')`;
}

/**
 * `labels.validateLabelKey` over apimachinery `validation.IsQualifiedName`, worded as upstream
 * (staging/src/k8s.io/apimachinery/pkg/labels/selector.go, pkg/util/validation/validation.go, v1.20).
 */
export function validateKey(key: string): string | undefined {
  const errors: string[] = [];
  const parts = key.split("/");
  let name: string;
  if (parts.length === 1) {
    name = key;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errors.push("prefix part must be non-empty");
    else {
      if (prefix.length > 253) errors.push("prefix part must be no more than 253 characters");
      if (!DNS1123_SUBDOMAIN.test(prefix))
        errors.push(
          `prefix part ${regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, "example.com")}`,
        );
    }
  } else {
    return `invalid label key ${goQuote(key)}: a qualified name ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;
  }
  if (name.length === 0) errors.push("name part must be non-empty");
  else if (name.length > 63) errors.push("name part must be no more than 63 characters");
  if (!NAME.test(name))
    errors.push(
      `name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`,
    );
  return errors.length > 0 ? `invalid label key ${goQuote(key)}: ${errors.join("; ")}` : undefined;
}

/** `labels.validateLabelValue` over apimachinery `validation.IsValidLabelValue` (v1.20 wording). */
export function validateValue(value: string, key = ""): string | undefined {
  const errors: string[] = [];
  if (value.length > 63) errors.push("must be no more than 63 characters");
  if (!LABEL_VALUE.test(value))
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        "MyValue",
        "my_value",
        "12345",
      ),
    );
  return errors.length > 0
    ? `invalid label value: ${goQuote(value)}: at key: ${goQuote(key)}: ${errors.join("; ")}`
    : undefined;
}

/** Go's `%q` for the strings that reach these messages (JSON quoting agrees on printable ASCII). */
function goQuote(text: string): string {
  return JSON.stringify(text);
}
