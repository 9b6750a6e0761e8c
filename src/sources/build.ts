/**
 * Raw documents → Snapshot, the same way for every source: admit each document, expand Lists, count
 * unknown kinds, keep the last of duplicate objects (saying so), and synthesize namespaces that objects
 * live in but nobody declared.
 */

import { type Admission, type AdmitOptions, admit } from "../model/admission/admit.js";
import { applyDefaults } from "../model/defaults.js";
import type { Diagnostic } from "../model/diagnostic.js";
import { addObject, unmodelledPolicyKind } from "../model/kinds.js";
import type { KubeVersion } from "../model/kube-version.js";
import type { KubeObject, Namespace } from "../model/objects.js";
import { formatOrigin, originOf, setOrigin } from "../model/origin.js";
import { emptySnapshot, objectKey, type Snapshot, type UnmodelledPolicy } from "../model/snapshot.js";
import type { RawDocument } from "./documents.js";
import { listItems } from "./documents.js";

export interface LoadResult {
  snapshot: Snapshot;
  diagnostics: Diagnostic[];
  /** Objects passed over unread because their kind is not among `kinds` (what the command needs). */
  passedOver?: number;
}

export interface BuildOptions extends AdmitOptions {
  /** Declare namespaces that objects live in but no document declares (true for manifests, false for live). */
  synthesizeNamespaces?: boolean;
  /**
   * Only objects of these kinds are read (a command that needs no more, like the RBAC ones); the others are
   * passed over before validation and defaulting, which is where reading costs.
   */
  kinds?: ReadonlySet<string>;
}

/**
 * A document already through admission (`admitDocument`): the live source admits each page of a list while the
 * server prepares the next, then builds the snapshot of them all in one order.
 */
export interface AdmittedDocument {
  doc: RawDocument;
  admission: Admission;
}

/** Admits one document as `buildSnapshot` would (same options), for `buildAdmittedSnapshot`. */
export function admitDocument(doc: RawDocument, options: BuildOptions = {}): AdmittedDocument {
  return { doc, admission: admit(doc, options) };
}

export function buildSnapshot(documents: Iterable<RawDocument>, options: BuildOptions = {}): LoadResult {
  return build(options, (take) => {
    for (const doc of documents) take(doc);
  });
}

/** `buildSnapshot` of documents admitted ahead with the same options: the same snapshot and diagnostics. */
export function buildAdmittedSnapshot(
  documents: Iterable<AdmittedDocument>,
  options: BuildOptions = {},
): LoadResult {
  return build(options, (take) => {
    for (const { doc, admission } of documents) take(doc, admission);
  });
}

function build(
  options: BuildOptions,
  each: (take: (doc: RawDocument, admitted?: Admission) => void) => void,
): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const byKey = new ObjectsByKey();
  const snapshot = emptySnapshot();

  let passedOver = 0;
  const take = (doc: RawDocument, admitted?: Admission): void => {
    if (options.kinds && !wanted(doc, options.kinds)) {
      passedOver++;
      return;
    }
    const result = admitted ?? admit(doc, options);
    switch (result.type) {
      case "list":
        for (const item of listItems(doc)) take(item);
        return;
      case "unknown": {
        const unmodelled = unmodelledOf(doc.value, result.apiVersionKind, options.defaultNamespace);
        if (unmodelled) snapshot.unmodelledPolicies.push(unmodelled);
        // `apiVersion/kind` always has a slash and unknownKinds has a null prototype: never a prototype member.
        const counts = snapshot.unknownKinds;
        const key = result.apiVersionKind;
        counts[key] = (Object.hasOwn(counts, key) ? counts[key]! : 0) + 1;
        return;
      }
      case "rejected":
        diagnostics.push(...result.diagnostics);
        return;
      case "object": {
        diagnostics.push(...result.diagnostics);
        // The winner takes the later position.
        const previous = byKey.add(result.object);
        if (previous)
          diagnostics.push({
            severity: "warning",
            message: `duplicate ${objectKey(previous).replace(/^(\w+)\//, "$1 ")} (first at ${formatOrigin(originOf(previous))}); the last one wins`,
            origin: originOf(result.object),
          });
      }
    }
  };
  each(take);

  for (const object of byKey.objects) if (object) addObject(snapshot, object);
  if (options.synthesizeNamespaces) diagnostics.push(...synthesizeNamespaces(snapshot, options.kubeVersion));
  return options.kinds ? { snapshot, diagnostics, passedOver } : { snapshot, diagnostics };
}

/**
 * The objects admitted, one per objectKey: adding one whose key was seen replaces the earlier (which is
 * returned) and takes the later position, as deleting and setting a Map's key does. The keys are hashed
 * (FNV-1a of objectKey's text, read from its parts) into an open-addressing table of positions, not kept as
 * strings in a Map: for 400 000 objects that Map's lookups alone took 0.3 s, and every key string lived
 * until the end. Objects whose hashes agree are compared by objectKey itself.
 */
class ObjectsByKey {
  /** In the order added; undefined where a later object of the same key replaced one. */
  readonly objects: (KubeObject | undefined)[] = [];
  /** Position in `objects` + 1 of each slot's object (0: empty), and that object's key hash. */
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private used = 0;

  add(object: KubeObject): KubeObject | undefined {
    const hash = keyHash(object);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.hashes[slot] !== hash) continue;
      const at = this.slots[slot]! - 1;
      // prototype-safe: at is a number, a position in an array
      const previous = this.objects[at]!;
      if (objectKey(previous) !== objectKey(object)) continue;
      // prototype-safe: at is a number, a position in an array
      this.objects[at] = undefined;
      this.slots[slot] = this.objects.push(object);
      return previous;
    }
    this.slots[slot] = this.objects.push(object);
    this.hashes[slot] = hash;
    if (++this.used * 2 > this.slots.length) this.grow();
    return undefined;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const hashes = new Int32Array(slots.length);
    const mask = slots.length - 1;
    for (let k = 0; k < this.slots.length; k++) {
      if (this.slots[k] === 0) continue;
      let slot = this.hashes[k]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = this.slots[k]!;
      hashes[slot] = this.hashes[k]!;
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}

/** FNV-1a of objectKey(object), read from the kind, namespace and name without joining them. */
function keyHash(object: KubeObject): number {
  const { namespace, name } = object.metadata;
  let hash = hashText(0x811c9dc5, object.kind);
  if (namespace) hash = hashText(Math.imul(hash ^ 47 /* / */, 0x01000193), namespace);
  return hashText(Math.imul(hash ^ 47, 0x01000193), name);
}

function hashText(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** Whether a document may hold a wanted object: one of those kinds, or a List (whose items are judged one by one). */
function wanted(doc: RawDocument, kinds: ReadonlySet<string>): boolean {
  const value = doc.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return true; // admit says what is wrong
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind !== "string" || kind.endsWith("List") || kinds.has(kind);
}

function synthesizeNamespaces(snapshot: Snapshot, kubeVersion: KubeVersion | undefined): Diagnostic[] {
  const declared = new Set(snapshot.namespaces.map((ns) => ns.metadata.name));
  const referenced = new Map<string, number>();
  for (const field of [
    "pods",
    "serviceAccounts",
    "services",
    "networkPolicies",
    "roles",
    "roleBindings",
    "workloads",
    "platformObjects",
  ] as const) {
    for (const object of snapshot[field]) {
      const ns = object.metadata.namespace;
      if (ns !== undefined && !declared.has(ns)) referenced.set(ns, (referenced.get(ns) ?? 0) + 1);
    }
  }
  const diagnostics: Diagnostic[] = [];
  for (const [name, count] of [...referenced].sort(([a], [b]) => a.localeCompare(b))) {
    const namespace: Namespace = setOrigin(
      { apiVersion: "v1", kind: "Namespace", metadata: { name } } as Namespace,
      { file: "<synthesized>", line: 0, column: 0 },
    );
    applyDefaults(namespace, kubeVersion);
    snapshot.namespaces.push(namespace);
    diagnostics.push({
      severity: "info",
      message: `namespace "${name}" is not declared but ${count} object${count === 1 ? "" : "s"} live${count === 1 ? "s" : ""} in it; assumed to exist with no labels${namespace.metadata.labels ? " other than kubernetes.io/metadata.name" : ""}`,
    });
  }
  return diagnostics;
}

/** A Cilium or Calico policy document's identity (still counted among the unknown kinds), else undefined. */
function unmodelledOf(
  value: unknown,
  apiVersionKind: string,
  defaultNamespace: string | undefined,
): UnmodelledPolicy | undefined {
  const slash = apiVersionKind.lastIndexOf("/");
  const apiVersion = apiVersionKind.slice(0, slash);
  const kind = apiVersionKind.slice(slash + 1);
  const info = unmodelledPolicyKind(apiVersion, kind);
  if (!info) return undefined;
  const meta = (value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  const name = typeof meta?.name === "string" ? meta.name : "";
  const namespace = typeof meta?.namespace === "string" ? meta.namespace : (defaultNamespace ?? "default");
  return { apiVersion, kind, family: info.family, name, ...(info.namespaced ? { namespace } : {}) };
}
