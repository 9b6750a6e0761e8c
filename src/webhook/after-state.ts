/**
 * The cluster as it would be if the request were admitted: the cached snapshot with the one object
 * replaced, added or removed. Only the changed kind's list is copied; the rest is shared.
 */
import { kindInfo } from "../model/kinds.js";
import type { KubeObject } from "../model/objects.js";
import { objectKey, type Snapshot } from "../model/snapshot.js";

export function snapshotAfter(
  snapshot: Snapshot,
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): Snapshot {
  const object = after ?? before;
  if (!object) return snapshot;
  const field = kindInfo(object.kind)!.field;
  const key = objectKey(object);
  const list = (snapshot[field] as KubeObject[]).filter((o) => objectKey(o) !== key);
  if (after) list.push(after);
  return { ...snapshot, [field]: list };
}
