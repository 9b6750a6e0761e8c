/** `kubefence rules`: every finding rule `audit` runs, with its documentation (-o json, -o yaml). */
import { Command } from "commander";
import { renderRulesTable } from "../report/rules.js";
import { RULES } from "../tenancy/rules.js";
import { printStructured, validateOutput, writeText } from "./output.js";

export function rulesCommand(): Command {
  return new Command("rules")
    .description("list the finding rules audit runs: id, plane, default severity, title (-o json: all of it)")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .addHelpText("after", "\nExamples:\n  kubefence rules\n  kubefence rules -o json")
    .action((options: { output: string }) => {
      validateOutput(options.output, ["table", "json", "yaml"]);
      if (options.output === "table") writeText(renderRulesTable(RULES));
      else
        printStructured(
          { apiVersion: "kubefence.io/v1alpha1", kind: "RuleList", rules: RULES },
          options.output,
        );
    });
}
