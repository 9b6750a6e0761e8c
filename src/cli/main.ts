#!/usr/bin/env node
/** kubefence's command line: parsing and wiring only. Also runs as `kubectl fence` (the kubectl-fence bin). */
import { basename } from "node:path";
import { Command, CommanderError } from "commander";
import { accessMatrixCommand } from "./access-matrix.js";
import { auditCommand } from "./audit.js";
import { canICommand } from "./can-i.js";
import { completionCommand } from "./completion.js";
import { controllerCommand } from "./controller.js";
import { EXIT_BROKEN_PIPE, EXIT_USAGE, UsageError } from "./errors.js";
import { fixCommand } from "./fix.js";
import { netmapCommand } from "./netmap.js";
import { podsecCommand } from "./podsec.js";
import { reachCommand } from "./reach.js";
import { reviewCommand } from "./review.js";
import { rulesCommand } from "./rules.js";
import { snapshotCommand } from "./snapshot.js";
import { tenantCommand } from "./tenant.js";
import { verifyCommand } from "./verify.js";
import { VERSION, versionCommand } from "./version.js";
import { webhookCommand } from "./webhook.js";
import { whoCanCommand } from "./who-can.js";

export function buildProgram(): Command {
  const asKubectlPlugin = basename(process.argv[1] ?? "").startsWith("kubectl-fence");
  const program = new Command(asKubectlPlugin ? "kubectl fence" : "kubefence")
    .description(
      "Kubernetes multi-tenant isolation, visible, provable and enforced: RBAC, NetworkPolicy and Pod Security, exactly as Kubernetes decides them.",
    )
    .version(VERSION, "--version", "print the version")
    // Options before a command belong to kubefence, after it to the command (podsec has its own --version).
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (text, write) => write(text) });
  program.addCommand(auditCommand());
  program.addCommand(canICommand());
  program.addCommand(whoCanCommand());
  program.addCommand(accessMatrixCommand());
  program.addCommand(reviewCommand());
  program.addCommand(fixCommand());
  program.addCommand(tenantCommand());
  program.addCommand(snapshotCommand());
  program.addCommand(podsecCommand());
  program.addCommand(reachCommand());
  program.addCommand(netmapCommand());
  program.addCommand(rulesCommand());
  program.addCommand(webhookCommand());
  program.addCommand(controllerCommand());
  program.addCommand(verifyCommand());
  program.addCommand(versionCommand());
  program.addCommand(completionCommand());
  // Usage errors anywhere in the tree (nested commands too) reach main() and exit 2, as kubectl does.
  const override = (command: Command): void => {
    command.exitOverride();
    for (const child of command.commands) override(child);
  };
  override(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and succeed; everything else commander rejects is a usage error.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/**
 * The reader went away (`kubefence … | head`): stop quietly with the status a process killed by SIGPIPE has
 * (128 + 13), as `yes | head` does, instead of Node's unhandled EPIPE stack trace. Nothing more can be said
 * on a closed stdout, and stderr may be the same pipe.
 */
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT_BROKEN_PIPE);
    throw error;
  });

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
