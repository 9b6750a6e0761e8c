import { toYaml } from "../model/yaml-text.js";
import { terminalSafeText } from "../report/terminal.js";
import { UsageError } from "./errors.js";

/** Text for people on stdout, with any control character a cluster supplied made visible (report/terminal). */
export function writeText(text: string): void {
  process.stdout.write(terminalSafeText(text));
}

export function validateOutput(output: string, allowed: string[]): void {
  if (!allowed.includes(output))
    throw new UsageError(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: ${allowed.join(",")}`,
    );
}

/** `-o json` / `-o yaml` (plain YAML: a repeated object is written again, never as an anchor and alias). */
export function printStructured(value: unknown, output: string): void {
  process.stdout.write(
    output === "yaml"
      ? toYaml(value, { aliasDuplicateObjects: false })
      : `${JSON.stringify(value, null, 2)}\n`,
  );
}
