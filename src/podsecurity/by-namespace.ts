/**
 * podSecurityFindings, judged again only in the namespaces whose objects changed (the controller's judgments):
 * Pod Security reads a namespace's own pods and workloads (owner references stay within a namespace), its
 * labels and the nodes, so a namespace whose objects and the nodes are the very ones judged before has the same
 * findings. Each namespace is judged on its own (podSecurityFindingParts of a snapshot of it alone) and the
 * findings are put in podSecurityFindings's order: the subjects' in the snapshot's order, then the namespaces'
 * in name order. The same findings as podSecurityFindings of the whole snapshot (test/podsecurity/by-namespace.test.ts).
 */
import type { Finding } from "../model/finding.js";
import type { Namespace, Pod, Workload } from "../model/objects.js";
import { emptySnapshot, type Snapshot } from "../model/snapshot.js";
import { Judge, type PodSecurityOptions } from "./analyze.js";
import { podSecurityFindingParts } from "./findings.js";
import { subjectObjects } from "./subjects.js";

interface NamespacePart {
  namespace: Namespace | undefined;
  workloads: Workload[];
  pods: Pod[];
  /** Each subject's findings, by its object (only those with some). */
  bySubject: Map<object, Finding[]>;
  namespaceFindings: Finding[];
}

/** What the last judgment made, by namespace. */
export interface PodSecurityByNamespace {
  byNamespace: Map<string, NamespacePart>;
  /** The nodes and options every part was judged with. */
  nodes?: Snapshot["nodes"];
  options?: PodSecurityOptions;
}

export function podSecurityByNamespace(): PodSecurityByNamespace {
  return { byNamespace: new Map() };
}

export function podSecurityFindingsByNamespace(
  snapshot: Snapshot,
  options: PodSecurityOptions,
  memo: PodSecurityByNamespace,
): Finding[] {
  const groups = new Map<string, { workloads: Workload[]; pods: Pod[] }>();
  const group = (name: string) => {
    let g = groups.get(name);
    if (!g) {
      g = { workloads: [], pods: [] };
      groups.set(name, g);
    }
    return g;
  };
  for (const namespace of snapshot.namespaces) group(namespace.metadata.name);
  for (const workload of snapshot.workloads) group(workload.metadata.namespace).workloads.push(workload);
  for (const pod of snapshot.pods) group(pod.metadata.namespace).pods.push(pod);
  const declared = new Map(snapshot.namespaces.map((n) => [n.metadata.name, n]));
  // One judge for this judgment's namespaces (it keeps verdicts by pod spec, which a later snapshot may pair
  // with other annotations): templates shared between namespaces are judged once.
  const judge = new Judge(options.evaluator);
  // Nothing to keep (the first judgment, a full one, or the nodes changed, which every namespace reads): the
  // whole snapshot at once, split by namespace after.
  const fresh = memo.byNamespace.size === 0 || memo.nodes !== snapshot.nodes || memo.options !== options;
  const parts = fresh
    ? splitByNamespace(snapshot, groups, declared, options, judge)
    : new Map<string, NamespacePart>();
  for (const [name, { workloads, pods }] of fresh ? [] : groups) {
    const namespace = declared.get(name);
    const known = memo.byNamespace.get(name);
    const same =
      known !== undefined &&
      known.namespace === namespace &&
      sameObjects(known.workloads, workloads) &&
      sameObjects(known.pods, pods);
    parts.set(
      name,
      same ? known : judgeNamespace(namespace, workloads, pods, snapshot.nodes, options, judge),
    );
  }
  memo.byNamespace = parts;
  memo.nodes = snapshot.nodes;
  memo.options = options;
  const findings: Finding[] = [];
  const add = (object: Workload | Pod) => {
    const own = parts.get(object.metadata.namespace)?.bySubject.get(object);
    if (own) findings.push(...own);
  };
  for (const object of subjectObjects(snapshot)) add(object);
  for (const name of [...parts.keys()].sort()) findings.push(...parts.get(name)!.namespaceFindings);
  return findings;
}

/** The whole snapshot's parts, as judgeNamespace would make them of each namespace alone. */
function splitByNamespace(
  snapshot: Snapshot,
  groups: Map<string, { workloads: Workload[]; pods: Pod[] }>,
  declared: Map<string, Namespace>,
  options: PodSecurityOptions,
  judge: Judge,
): Map<string, NamespacePart> {
  const all = podSecurityFindingParts(snapshot, { ...options, judge });
  const parts = new Map<string, NamespacePart>();
  for (const [name, { workloads, pods }] of groups)
    parts.set(name, {
      namespace: declared.get(name),
      workloads,
      pods,
      bySubject: new Map(),
      namespaceFindings: [],
    });
  subjectObjects(snapshot).forEach((object, i) => {
    const { bounds, subjectFindings } = all;
    if (bounds[i + 1]! > bounds[i]!)
      parts
        .get(object.metadata.namespace)!
        .bySubject.set(object, subjectFindings.slice(bounds[i], bounds[i + 1]));
  });
  all.namespaces.forEach((name, j) => {
    const part = parts.get(name);
    if (part)
      part.namespaceFindings = all.namespaceFindings.slice(
        all.namespaceBounds[j],
        all.namespaceBounds[j + 1],
      );
  });
  return parts;
}

function judgeNamespace(
  namespace: Namespace | undefined,
  workloads: Workload[],
  pods: Pod[],
  nodes: Snapshot["nodes"],
  options: PodSecurityOptions,
  judge: Judge,
): NamespacePart {
  const alone: Snapshot = {
    ...emptySnapshot(),
    namespaces: namespace ? [namespace] : [],
    nodes,
    workloads,
    pods,
  };
  const { subjectFindings, bounds, namespaceFindings } = podSecurityFindingParts(alone, {
    ...options,
    judge,
  });
  const bySubject = new Map<object, Finding[]>();
  subjectObjects(alone).forEach((object, i) => {
    if (bounds[i + 1]! > bounds[i]!) bySubject.set(object, subjectFindings.slice(bounds[i], bounds[i + 1]));
  });
  return { namespace, workloads, pods, bySubject, namespaceFindings };
}

function sameObjects(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
