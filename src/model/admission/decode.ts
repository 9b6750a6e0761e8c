/**
 * `null` read as the API server's JSON decoder reads it (sigs.k8s.io/json, Go's encoding/json): `null` for
 * a field of a struct sets a pointer, slice or map to nil and leaves any other value at its zero value, so it
 * is the field left out; a `null` value in a map is the element type's zero value (`labels: {a: null}` is
 * `{a: ""}`); a `null` list element is the element type's zero value (`args: [null]` is `[""]`), which only
 * the schema knows (see `fillNullElements`). A non-pointer struct left out is its zero value too:
 * `zeroStructs` fills the one the analysis reads (NetworkPolicy `spec.podSelector: null` is `{}`: every pod).
 * One linear pass that copies only the objects that held a null.
 */
import type { Path } from "../document.js";

/** map[string]string fields of the kinds kubefence reads; a null value in them is "". */
const STRING_MAPS = new Set(["labels", "annotations", "matchLabels", "nodeSelector"]);
/** map[ResourceName]resource.Quantity: a null Quantity decodes as zero. */
const QUANTITY_MAPS = new Set(["limits", "requests", "overhead", "capacity", "allocatable"]);
/** Kinds whose `spec.selector` is a map[string]string, not a LabelSelector. */
const MAP_SELECTOR_KINDS = new Set(["Service", "ReplicationController"]);

export interface Decoded {
  value: unknown;
  /** Paths of `null` list elements, left in place: their zero value depends on the element type. */
  nullElements: Path[];
}

export function decodeNulls(document: Record<string, unknown>): Decoded {
  const nullElements: Path[] = [];
  // Most documents hold no null: found out without the walk's paths and copies.
  if (!holdsNull(document)) return { value: document, nullElements };
  const mapSelector = MAP_SELECTOR_KINDS.has(document.kind as string);
  const walk = (value: unknown, path: (string | number)[], key: string | number | undefined): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item === null) {
          // Copied, so that filling it in later leaves the parsed document as it was.
          out ??= value.slice();
          nullElements.push([...path, i]);
          continue;
        }
        path.push(i);
        const next = walk(item, path, i);
        path.pop();
        if (next !== item) {
          out ??= value.slice();
          // prototype-safe: out is an array here
          out[i] = next;
        }
      }
      return out ?? value;
    }
    const record = value as Record<string, unknown>;
    const zero =
      typeof key === "string" &&
      (STRING_MAPS.has(key) || (mapSelector && key === "selector" && path.length === 2 && path[0] === "spec"))
        ? ""
        : typeof key === "string" && QUANTITY_MAPS.has(key)
          ? "0"
          : undefined;
    let out: Record<string, unknown> | undefined;
    for (const field in record) {
      const item = record[field];
      let next: unknown;
      if (item === null) {
        if (zero === undefined) {
          out ??= { ...record };
          // prototype-safe: field is one of record's own keys; out is its spread copy
          delete out[field];
          continue;
        }
        next = zero;
      } else {
        path.push(field);
        next = walk(item, path, field);
        path.pop();
      }
      if (next !== item) {
        out ??= { ...record };
        // An own `__proto__` key (JSON.parse makes one) stays a key: assigning it would set the prototype.
        Object.defineProperty(out, field, {
          value: next,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
    }
    return out ?? record;
  };
  return { value: walk(document, [], undefined), nullElements };
}

/** Whether a null is anywhere in `value` (a parsed document: plain objects, lists and scalars). */
function holdsNull(value: object): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (item === null || (typeof item === "object" && holdsNull(item))) return true;
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item === null || (typeof item === "object" && holdsNull(item))) return true;
  }
  return false;
}

/** The zero value of a JSON schema type, as Go decodes `null` into a list element of that type. */
const ZERO: Record<string, () => unknown> = {
  object: () => ({}),
  string: () => "",
  integer: () => 0,
  number: () => 0,
  boolean: () => false,
  array: () => [],
};

/**
 * Each `null` list element becomes its element type's zero value, the type taken from the schema's own
 * complaint about it (`must be object`), so a list of structs gets `{}` and a list of strings `""`.
 */
export function fillNullElements(
  object: unknown,
  nullElements: readonly Path[],
  schemaErrors: readonly { instancePath?: string; keyword?: string; params?: Record<string, unknown> }[],
): void {
  const expected = new Map<string, string>();
  for (const e of schemaErrors)
    if (e.keyword === "type" && typeof e.params?.type === "string" && !expected.has(e.instancePath ?? ""))
      expected.set(e.instancePath ?? "", e.params.type);
  for (const path of nullElements) {
    const pointer = path.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
    // prototype-safe: the key is a JSON schema type name (object, array, …) from the schema, not from the document
    const zero = ZERO[expected.get(pointer) ?? ""];
    if (!zero) continue;
    let parent = object as Record<string | number, unknown>;
    for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
    parent[path[path.length - 1]!] = zero();
  }
}

/**
 * Non-pointer structs the analysis reads, left out or `null`: their zero value, as Go leaves them.
 * networking/v1 NetworkPolicySpec.PodSelector is a metav1.LabelSelector (not a pointer): `{}`.
 */
export function zeroStructs(object: Record<string, unknown>): void {
  if (object.kind === "NetworkPolicy" && isRecord(object.spec) && object.spec.podSelector === undefined)
    object.spec = { ...object.spec, podSelector: {} };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
