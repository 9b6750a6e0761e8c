/** `-o yaml`: the AuditReport document as plain YAML, streamed. */
import { writeAuditDocument } from "../audit-document.js";
import type { AuditFormat } from "../format.js";

export const yaml: AuditFormat = {
  name: "yaml",
  summary: "tools: the same document as YAML",
  write: (report, output, write) => writeAuditDocument(report, { load: output.load }, "yaml", write),
};
