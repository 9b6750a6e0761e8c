/** What a source loaded: objects per kind, kinds not analysed, input problems. */
import type { Diagnostic } from "../model/diagnostic.js";
import { KINDS } from "../model/kinds.js";
import { formatOrigin } from "../model/origin.js";
import type { Snapshot } from "../model/snapshot.js";
import { renderTable } from "./table.js";

export interface LoadSummary {
  kinds: { kind: string; count: number }[];
  unknownKinds: { apiVersionKind: string; count: number }[];
  missingKinds: string[];
  diagnostics: { errors: number; warnings: number; infos: number };
  /** Documents the API server would reject that were analysed as written (`--validate=warn`): where, why. */
  analysedDespiteErrors: { origin?: string; message: string }[];
}

export function summarizeLoad(snapshot: Snapshot, diagnostics: Diagnostic[]): LoadSummary {
  const kinds = KINDS.map((info) => ({
    kind: info.kind,
    count: (snapshot[info.field] as { kind: string }[]).filter((o) => o.kind === info.kind).length,
  })).filter((k) => k.count > 0);
  const count = (severity: Diagnostic["severity"]) =>
    diagnostics.filter((d) => d.severity === severity).length;
  return {
    kinds,
    unknownKinds: Object.entries(snapshot.unknownKinds)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([apiVersionKind, n]) => ({ apiVersionKind, count: n })),
    missingKinds: snapshot.missingKinds,
    diagnostics: { errors: count("error"), warnings: count("warning"), infos: count("info") },
    analysedDespiteErrors: diagnostics
      .filter((d) => d.analysedAsWritten)
      .map((d) =>
        d.origin ? { origin: formatOrigin(d.origin), message: d.message } : { message: d.message },
      ),
  };
}

export function renderLoadSummary(summary: LoadSummary): string {
  let out = renderTable(
    ["kind", "objects"],
    summary.kinds.map((k) => [k.kind, String(k.count)]),
  );
  if (summary.unknownKinds.length > 0) {
    out += `\nNot analysed: ${summary.unknownKinds.map((u) => `${u.apiVersionKind} (${u.count})`).join(", ")}\n`;
  }
  if (summary.missingKinds.length > 0) out += `\nCould not read: ${summary.missingKinds.join(", ")}\n`;
  const despite = summary.analysedDespiteErrors;
  if (despite.length > 0)
    out += `\nAnalysed despite errors the API server would reject them for: ${despite.length} document(s): ${despite.map((d) => d.origin ?? "?").join(", ")}\n`;
  const { errors, warnings } = summary.diagnostics;
  if (errors + warnings > 0)
    out += `\nInput problems: ${errors} error(s), ${warnings} warning(s) (listed on stderr)\n`;
  return out;
}
