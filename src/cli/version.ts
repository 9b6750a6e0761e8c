import { readFileSync } from "node:fs";
import { Command } from "commander";

export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export function versionCommand(): Command {
  return new Command("version")
    .description("print kubefence's version")
    .option("-o, --output <format>", "json for machines")
    .addHelpText("after", "\nExamples:\n  kubefence version\n  kubefence version -o json")
    .action((options: { output?: string }) => {
      const info = { kubefence: VERSION, node: process.version };
      process.stdout.write(
        options.output === "json"
          ? `${JSON.stringify(info, null, 2)}\n`
          : `kubefence ${VERSION} (node ${process.version})\n`,
      );
    });
}
