/**
 * The output formats of `kubefence audit`, in the order `--help` lists them; the first is the default. A new
 * format is one file in this directory and one line here.
 */
import type { AuditFormat } from "../format.js";
import { html } from "./html.js";
import { json } from "./json.js";
import { prometheus } from "./prometheus.js";
import { sarif } from "./sarif.js";
import { table } from "./table.js";
import { yaml } from "./yaml.js";

export const AUDIT_FORMATS: readonly AuditFormat[] = [table, json, yaml, sarif, html, prometheus];

export function auditFormat(name: string): AuditFormat | undefined {
  return AUDIT_FORMATS.find((f) => f.name === name);
}
