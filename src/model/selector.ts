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
  /** The selector as apimachinery prints it: `app=nginx,tier in (a,b),!legacy`; `<none>` for nothing. */
  text: string;
}

export type SelectorResult = { ok: true; selector: CompiledSelector } | { ok: false; error: string };

type Requirement = { key: string; op: "in" | "notin" | "exists" | "!"; values: string[] };

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
    const error = validateKey(key) ?? validateValue(value);
    if (error) return { ok: false, error };
    requirements.push({ key, op: "in", values: [value] });
  }
  for (const expression of expressions) {
    const { key, operator } = expression;
    const values = expression.values ?? [];
    const keyError = validateKey(key);
    if (keyError) return { ok: false, error: keyError };
    switch (operator) {
      case "In":
      case "NotIn":
        if (values.length === 0)
          return { ok: false, error: "for 'in', 'notin' operators, values set can't be empty" };
        for (const value of values) {
          const error = validateValue(value);
          if (error) return { ok: false, error };
        }
        requirements.push({
          key,
          op: operator === "In" ? "in" : "notin",
          values: [...new Set(values)].sort(),
        });
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0)
          return { ok: false, error: "values set must be empty for exists and does not exist" };
        requirements.push({ key, op: operator === "Exists" ? "exists" : "!", values: [] });
        break;
      default:
        return { ok: false, error: `${JSON.stringify(operator)} is not a valid label selector operator` };
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
        const value = labels?.[r.key];
        const has = value !== undefined;
        switch (r.op) {
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
    case "in":
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(",")})`;
    case "notin":
      return `${r.key} notin (${r.values.join(",")})`;
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
  }
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apimachinery `validation.IsQualifiedName`, worded as upstream. */
export function validateKey(key: string): string | undefined {
  const parts = key.split("/");
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) return `invalid label key "${key}": prefix part must be non-empty`;
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
      return `invalid label key "${key}": prefix part must be a lowercase RFC 1123 subdomain`;
  } else if (parts.length > 2) {
    return `invalid label key "${key}": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character with an optional DNS subdomain prefix and '/'`;
  }
  if (name.length === 0) return `invalid label key "${key}": name part must be non-empty`;
  if (name.length > 63) return `invalid label key "${key}": name part must be no more than 63 characters`;
  if (!NAME.test(name))
    return `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  return undefined;
}

/** apimachinery `validation.IsValidLabelValue`. */
export function validateValue(value: string): string | undefined {
  if (value.length > 63) return `invalid label value: "${value}": must be no more than 63 characters`;
  if (value.length > 0 && !NAME.test(value))
    return `invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  return undefined;
}
