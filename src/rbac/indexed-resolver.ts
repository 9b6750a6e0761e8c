/**
 * The same resolution as `plainResolver`, fast: bindings indexed by the username or group each subject
 * stands for (per namespace for RoleBindings), role references resolved once, and the applicable rule
 * sources of a (user, namespace) cached. Candidates are visited in snapshot order so the visit sequence —
 * and therefore every decision and reason — equals the plain version (proven by a property test).
 */
import type { PolicyRule } from "../model/objects.js";
import type { UserInfo } from "./attributes.js";
import { type Binding, type Policy, type RoleReference, type RuleSource, roleReference } from "./policy.js";
import type { RuleResolver, RuleVisitor } from "./resolver.js";
import { appliesTo, subjectUsername } from "./subjects.js";

type Entry = { source: RuleSource; rules: readonly PolicyRule[] } | { error: string };

interface BindingIndex {
  bindings: readonly Binding[];
  refs: RoleReference[];
  /** `u:USERNAME` / `g:GROUP` → positions in `bindings`, ascending. */
  bySubject: Map<string, number[]>;
  namespace: string;
}

const CACHE_LIMIT = 50_000;

function indexBindings(bindings: readonly Binding[], namespace: string, policy: Policy): BindingIndex {
  const bySubject = new Map<string, number[]>();
  bindings.forEach((binding, position) => {
    for (const subject of binding.subjects ?? []) {
      let key: string;
      if (subject.kind === "Group") key = `g:${subject.name}`;
      else {
        const username = subjectUsername(subject, namespace);
        if (username === undefined) continue;
        key = `u:${username}`;
      }
      const list = bySubject.get(key);
      if (!list) bySubject.set(key, [position]);
      else if (list[list.length - 1] !== position) list.push(position);
    }
  });
  return { bindings, refs: bindings.map((b) => roleReference(policy, b)), bySubject, namespace };
}

function candidates(index: BindingIndex, user: UserInfo): number[] {
  const lists: number[][] = [];
  const own = index.bySubject.get(`u:${user.name}`);
  if (own) lists.push(own);
  for (const group of user.groups) {
    const list = index.bySubject.get(`g:${group}`);
    if (list) lists.push(list);
  }
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0]!;
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

function entriesFor(index: BindingIndex, user: UserInfo): Entry[] {
  const entries: Entry[] = [];
  for (const position of candidates(index, user)) {
    const binding = index.bindings[position]!;
    const subjectIndex = appliesTo(user, binding.subjects, index.namespace);
    if (subjectIndex < 0) continue;
    const ref = index.refs[position]!;
    if (!ref.ok) entries.push({ error: ref.error });
    else entries.push({ source: { binding, subjectIndex, role: ref.role }, rules: ref.rules });
  }
  return entries;
}

function visitEntries(entries: readonly Entry[], visitor: RuleVisitor): boolean {
  for (const entry of entries) {
    if ("error" in entry) {
      if (!visitor(undefined, undefined, entry.error)) return false;
      continue;
    }
    for (const rule of entry.rules) if (!visitor(entry.source, rule, undefined)) return false;
  }
  return true;
}

export interface IndexedResolver {
  resolve: RuleResolver;
  /** Namespaces that have at least one RoleBinding. */
  namespacesWithBindings(): string[];
}

export function indexedResolver(policy: Policy): IndexedResolver {
  const cluster = indexBindings(policy.clusterRoleBindings, "", policy);
  const namespaced = new Map<string, BindingIndex>();
  const namespaceIndex = (namespace: string): BindingIndex | undefined => {
    let index = namespaced.get(namespace);
    if (!index) {
      const bindings = policy.roleBindingsByNamespace.get(namespace);
      if (!bindings) return undefined;
      index = indexBindings(bindings, namespace, policy);
      namespaced.set(namespace, index);
    }
    return index;
  };
  const cache = new Map<string, Entry[]>();
  const cached = (key: string, compute: () => Entry[]): Entry[] => {
    let entries = cache.get(key);
    if (!entries) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      entries = compute();
      cache.set(key, entries);
    }
    return entries;
  };

  return {
    resolve(user, namespace, visitor) {
      const userKey = `${user.name}\u0000${user.groups.join("\u0000")}`;
      if (!visitEntries(cached(`\u0001${userKey}`, () => entriesFor(cluster, user)), visitor)) return;
      if (namespace === "") return;
      const index = namespaceIndex(namespace);
      if (!index) return;
      visitEntries(cached(`${namespace}\u0001${userKey}`, () => entriesFor(index, user)), visitor);
    },
    namespacesWithBindings: () => [...policy.roleBindingsByNamespace.keys()],
  };
}
