/**
 * An output format of `kubefence audit`: a name for `-o`, a line for `--help`, and the renderer that writes
 * the report. Each lives in its own file in ./formats/; the registry (./formats/index.ts) lists them.
 */
import type { AuditReport } from "../tenancy/audit.js";
import type { AuditTextOptions, Colors } from "./audit-text.js";
import type { MetricsOptions } from "./metrics.js";

export interface AuditOutput {
  /** What was read (objects per kind, input problems): the JSON document's `load`. */
  load: unknown;
  /** Colours for a terminal (none when piped). */
  colors: Colors;
  /** kubefence's version, for tools that record it (SARIF). */
  version: string;
  /** Directory file paths are made relative to (SARIF's %SRCROOT%). */
  baseDir: string;
  /** For the text report: width, --details, the planes shown, notes. */
  text?: Omit<AuditTextOptions, "colors">;
  /** For `-o prometheus`: per-pair series, and when the input was read. */
  metrics?: MetricsOptions;
}

export interface AuditFormat {
  /** `-o NAME`. */
  name: string;
  /** For `--help`: who it is for. */
  summary: string;
  /** Writes the report, in chunks when it is large. */
  write(report: AuditReport, output: AuditOutput, write: (chunk: string) => void): void;
}
