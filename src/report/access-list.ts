/** `kubectl auth can-i --list` as kubectl prints it: Resources, Non-Resource URLs, Resource Names, Verbs. */
import { goList } from "../model/go-format.js";
import type { PolicyRule } from "../model/objects.js";
import { combineResourceGroup } from "../rbac/access-list.js";
import { goTabwriter } from "./table.js";

export function accessListTable(rules: readonly PolicyRule[]): string[][] {
  return rules.map((r) => [
    combineResourceGroup(r.resources, r.apiGroups),
    goList(r.nonResourceURLs),
    goList(r.resourceNames),
    goList(r.verbs),
  ]);
}

export const ACCESS_LIST_HEADERS = ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"];

export function renderAccessList(
  rules: readonly PolicyRule[],
  options: { noHeaders?: boolean } = {},
): string {
  const rows = accessListTable(rules);
  return goTabwriter(options.noHeaders ? rows : [ACCESS_LIST_HEADERS, ...rows]);
}
