import { Command } from "commander";
import { renderLoadSummary, summarizeLoad } from "../report/load-summary.js";
import { printStructured, validateOutput } from "./output.js";
import { addSourceOptions, loadSource, type SourceOptions } from "./source-options.js";

interface AuditOptions extends SourceOptions {
  output: string;
}

export function auditCommand(): Command {
  const command = new Command("audit")
    .description("analyse tenant isolation on the API, network and node planes")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .addHelpText(
      "after",
      `
Examples:
  # The built-in demo cluster (the classic isolation walk-through)
  kubefence audit --demo

  # Manifests: files, directories (-R for subdirectories) or stdin
  kubefence audit -f k8s/ -R
  helm template my-chart | kubefence audit -f -

  # The live cluster of the current kubeconfig context
  kubefence audit --context prod`,
    )
    .action(async (options: AuditOptions) => {
      validateOutput(options.output, ["table", "json", "yaml"]);
      const { snapshot, diagnostics } = await loadSource(options);
      const summary = summarizeLoad(snapshot, diagnostics);
      if (options.output === "table") process.stdout.write(renderLoadSummary(summary));
      else printStructured({ load: summary }, options.output);
    });
  return addSourceOptions(command);
}
