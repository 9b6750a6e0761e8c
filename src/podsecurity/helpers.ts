/**
 * The small helpers every check shares. Upstream: policy/helpers.go, policy/visitor.go.
 */
import { goQuote } from "../model/go-format.js";
import type { Container, PodSpec } from "./check.js";

export { goQuote };

/** joinQuote: `"a", "b"`; empty for none. Plain wrapping, no escaping (unlike %q). */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? "" : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `sets.String.List()`: unique and sorted in Go's byte order (the order every detail list uses). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * visitContainers: init containers, then containers, then ephemeral containers, in spec order — the order
 * every container list in a message follows.
 */
export function visitContainers(spec: PodSpec, visit: (container: Container) => void): void {
  for (const container of spec.initContainers ?? []) visit(container);
  for (const container of spec.containers ?? []) visit(container);
  // An EphemeralContainer has the Container fields PSA reads (EphemeralContainerCommon).
  for (const container of spec.ephemeralContainers ?? []) visit(container as Container);
}

/**
 * relaxPolicyForUserNamespacePod: the pod runs in its own user namespace (`hostUsers: false`). Since
 * policy v1.35 this relaxes runAsNonRoot, runAsUser and baseline procMount unconditionally.
 */
export function inUserNamespace(spec: PodSpec): boolean {
  return spec.hostUsers === false;
}

/** `spec.os.name: windows`: since v1.25 the Linux-only restricted checks exempt such pods. */
export function isWindowsPod(spec: PodSpec): boolean {
  return spec.os?.name === "windows";
}

/** `"pod and containers \"a\", \"b\""`-style setters, joined by " and ". */
export function containerSetter(names: readonly string[]): string {
  return `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;
}
