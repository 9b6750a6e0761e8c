/**
 * Label selectors, evaluated here and nowhere else (apimachinery `metav1.LabelSelectorAsSelector` and
 * `labels.Requirement`): an absent selector selects nothing, an empty one `{}` selects everything,
 * matchLabels and matchExpressions are ANDed; In/NotIn need values, Exists/DoesNotExist must have none.
 * A selector that does not parse says why in v1.37's words (labels.NewRequirement's field errors), whatever
 * version manifests are read as: its callers (tenant config, ClusterRole aggregation, the webhook) have no
 * v1.20 message to keep.
 */
import { aggregateErrors, goJsonString, goQuote } from "./go-format.js";
import type { LabelSelector } from "./objects.js";
import { fieldInvalid, isQualifiedName, isValidLabelValue } from "./validation.js";

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

type Operator = "=" | "in" | "notin" | "exists" | "!";
type Requirement = { key: string; op: Operator; values: string[] };

const OPERATORS = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" } as const;

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
    const error = requirementError(key, "=", [value]);
    if (error) return { ok: false, error };
    requirements.push({ key, op: "=", values: [value] });
  }
  for (const expression of expressions) {
    const { key, operator } = expression;
    const values = expression.values ?? [];
    // The operator is mapped before NewRequirement checks anything.
    const op = Object.hasOwn(OPERATORS, operator) ? OPERATORS[operator as keyof typeof OPERATORS] : undefined;
    if (!op) return { ok: false, error: `${goQuote(operator ?? "")} is not a valid label selector operator` };
    const error = requirementError(key, op, values);
    if (error) return { ok: false, error };
    // Printed sorted, duplicates kept (Requirement.String); valid values are ASCII, so sort() is byte order.
    requirements.push({ key, op, values: op === "in" || op === "notin" ? [...values].sort() : [] });
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

/**
 * labels.NewRequirement's errors, aggregated: the key (`key: Invalid value: …`), the number of values, then
 * each value (`values[0][KEY]: Invalid value: …`), an error's messages joined by "; ".
 */
function requirementError(key: string, op: Operator, values: readonly string[]): string | undefined {
  const errors: string[] = [];
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) errors.push(fieldInvalid("key", key, keyErrors.join("; ")).message);
  // The values as Go's []string: nil (no values) marshals as null.
  const list = { rendered: values.length === 0 ? "null" : `[${values.map(goJsonString).join(",")}]` };
  if ((op === "in" || op === "notin") && values.length === 0)
    errors.push(
      fieldInvalid("values", list, "for 'in', 'notin' operators, values set can't be empty").message,
    );
  if ((op === "exists" || op === "!") && values.length > 0)
    errors.push(
      fieldInvalid("values", list, "values set must be empty for exists and does not exist").message,
    );
  values.forEach((value, i) => {
    const valueErrors = isValidLabelValue(value);
    if (valueErrors.length > 0)
      errors.push(fieldInvalid(`values[${i}][${key}]`, value, valueErrors.join("; ")).message);
  });
  return errors.length > 0 ? aggregateErrors(errors) : undefined;
}
