/** `kubefence who-can`: every User, Group and ServiceAccount allowed to make a request, with what grants it. */

import { Command } from "commander";
import type { RequestAttributes } from "../rbac/attributes.js";
import { type AllowedSubject, whoCan } from "../rbac/who-can.js";
import { renderTable } from "../report/table.js";
import { terminalSafeText } from "../report/terminal.js";
import { loadRbac, parseRequest, requestNamespace } from "./can-i.js";
import { printStructured, validateOutput, writeText } from "./output.js";
import { addSourceOptions, type SourceOptions, warnUnknownNamespace } from "./source-options.js";

interface WhoCanOptions extends SourceOptions {
  allNamespaces?: boolean;
  subresource?: string;
  output: string;
}

function row(subject: AllowedSubject): string[] {
  const binding = subject.binding
    ? `${subject.binding.kind}/${subject.binding.namespace ? `${subject.binding.namespace}/` : ""}${subject.binding.name}`
    : "(superuser: allowed before RBAC)";
  const role = subject.role ? `${subject.role.kind}/${subject.role.name}` : "";
  return [subject.kind, subject.name, subject.namespace ?? "", binding, role];
}

export function whoCanCommand(): Command {
  const command = new Command("who-can")
    .description("list every subject allowed to perform an action, with the binding and role that grant it")
    .usage("VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [options]")
    .argument("[args...]", "VERB (get, list, create, … or *), then TYPE, TYPE/NAME or /non-resource-url")
    .option("-A, --all-namespaces", "at cluster scope: only ClusterRoleBindings count")
    .option("--subresource <name>", "subresource, e.g. log, exec, scale")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .addHelpText(
      "after",
      `
Groups are listed as groups: a binding to system:authenticated means every authenticated user. The group
system:masters is always listed (the API server allows it everything before RBAC). Bindings whose role
does not exist grant nothing; they are reported on stderr.

Examples:
  # Who can read pods in kube-system? (demo cluster)
  kubefence who-can list pods -n kube-system --demo

  # Who can exec into pods, read secrets, or bind roles in a namespace?
  kubefence who-can create pods --subresource exec -n prod -f k8s/
  kubefence who-can get secrets -n prod -f k8s/ -o json
  kubefence who-can bind clusterroles -n prod -f k8s/`,
    )
    .action(async (args: string[], options: WhoCanOptions) => {
      validateOutput(options.output, ["table", "json", "yaml"]);
      // The arguments are read as kubectl auth can-i reads them (TYPE/NAME; --subresource).
      const request = parseRequest(args, {
        namespace: await requestNamespace(options),
        subresource: options.subresource,
        allNamespaces: options.allNamespaces,
        command: "who-can",
      });
      for (const warning of request.warnings) process.stderr.write(`Warning: ${warning}\n`);
      const { snapshot, authorizer } = await loadRbac(options);
      if (!options.allNamespaces) warnUnknownNamespace(snapshot, options.namespace);
      const result = whoCan(authorizer, request.attributes as Omit<RequestAttributes, "user">);
      for (const e of result.errors)
        process.stderr.write(terminalSafeText(`Warning: ${e.binding} grants nothing: ${e.error}\n`));
      if (options.output === "table")
        writeText(renderTable(["kind", "name", "sa-namespace", "binding", "role"], result.subjects.map(row)));
      else
        printStructured(
          { request: request.attributes, subjects: result.subjects, errors: result.errors },
          options.output,
        );
    });
  return addSourceOptions(command);
}
