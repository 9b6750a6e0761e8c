/** `kubefence rules`: the finding rules of every plane, as a table (ID, PLANE, SEVERITY, TITLE). */
import type { RuleInfo } from "../model/rule.js";
import { renderTable } from "./table.js";

export function renderRulesTable(rules: readonly RuleInfo[]): string {
  return renderTable(
    ["ID", "PLANE", "SEVERITY", "TITLE"],
    rules.map((r) => [r.id, r.plane, r.severity, r.title]),
  );
}
