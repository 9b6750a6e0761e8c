/**
 * Ways out of the container onto the node, beyond what the Pod Security Standards name: one file per path in
 * ./escapes/ (privileged and HostProcess containers, dangerous capabilities, host paths, host namespaces,
 * /proc), run in the order of their registry. Each piece of evidence says which field, what it gives, how bad,
 * and whether it alone (or with its companions) takes the node over.
 */
import type { PodSpec } from "../model/objects.js";
import { ESCAPE_PATHS } from "./escapes/index.js";
import {
  type EscapeEvidence,
  type EscapeOptions,
  indexedContainers,
  type SpecContext,
} from "./escapes/path.js";

export * from "./escapes/path.js";

/**
 * Every way this pod spec reaches the node, most direct first (the order of ./escapes/index.ts). Empty when
 * the spec keeps to the container.
 */
export function canEscapeToNode(spec: PodSpec, options: EscapeOptions = {}): EscapeEvidence[] {
  const context: SpecContext = { specPath: options.specPath ?? "spec", containers: indexedContainers(spec) };
  const evidence: EscapeEvidence[] = [];
  for (const path of ESCAPE_PATHS) evidence.push(...path.find(spec, context));
  return evidence;
}

/** Where a kind keeps its pod spec, for field paths in evidence. */
export function podSpecPath(kind: string): string {
  switch (kind) {
    case "Pod":
      return "spec";
    case "CronJob":
      return "spec.jobTemplate.spec.template.spec";
    case "PodTemplate":
      return "template.spec";
    default:
      return "spec.template.spec";
  }
}
