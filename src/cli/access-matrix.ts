/** `kubefence access-matrix`: a subject's resources × verbs grid, or a resource's subjects × namespaces grid. */
import { Command } from "commander";
import {
  bindingSubjects,
  DEFAULT_MATRIX_VERBS,
  type ResourceRow,
  resourceMatrix,
  subjectMatrix,
} from "../rbac/access-matrix.js";
import type { RequestAttributes, UserInfo } from "../rbac/attributes.js";
import { renderTable } from "../report/table.js";
import { terminalSafe } from "../report/terminal.js";
import { loadRbac, parseRequest, requestNamespace, userFromOptions } from "./can-i.js";
import { UsageError } from "./errors.js";
import { printStructured, validateOutput, writeText } from "./output.js";
import { addSourceOptions, type SourceOptions, warnUnknownNamespace } from "./source-options.js";

interface MatrixOptions extends SourceOptions {
  as: string[];
  asGroup: string[];
  allSubjects?: boolean;
  resource?: string;
  verb: string;
  verbs: string;
  output: string;
  allowedOnly?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const mark = (allowed: boolean) => (allowed ? "✔" : "✖");

export function accessMatrixCommand(): Command {
  const command = new Command("access-matrix")
    .description(
      "grid of who may do what: a subject's resources × verbs, or a resource's subjects × namespaces",
    )
    .option(
      "--as <user>",
      "subject mode: the user (system:serviceaccount:NS:NAME for a service account); repeatable, one grid each",
      collect,
      [],
    )
    .option("--as-group <group>", "subject mode: a group of the user (repeatable)", collect, [])
    .option("--all-subjects", "subject mode: one grid for every subject named by a binding")
    .option("--verbs <list>", "subject mode: comma-separated verbs", DEFAULT_MATRIX_VERBS.join(","))
    .option("--resource <type>", "resource mode: TYPE or TYPE/SUBRESOURCE (pods, secrets, pods/exec, …)")
    .option("--verb <verb>", "resource mode: the verb", "get")
    .option("--allowed-only", "subject mode: hide resources with no allowed verb")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .addHelpText(
      "after",
      `
Subject mode (--as/--as-group): every standard resource × verb for the subject in -n NAMESPACE (default
"default"); cluster-scoped resources are checked at cluster scope. Resource mode (--resource): every subject
named by a binding × every namespace (and cluster scope), for --verb. Each cell is the authorizer's answer.

Examples:
  # What may bob do in kube-system? (demo cluster)
  kubefence access-matrix --as bob -n kube-system --demo --allowed-only

  # Many subjects in one run: each --as, or every subject a binding names
  kubefence access-matrix --as alice --as bob -n test-namespace --demo --allowed-only
  kubefence access-matrix --all-subjects -n test-namespace --demo -o json

  # Who may read pods, in which namespace?
  kubefence access-matrix --resource pods --verb list --demo

  kubefence access-matrix --resource secrets -f k8s/ -o json`,
    )
    .action(async (options: MatrixOptions) => {
      validateOutput(options.output, ["table", "json", "yaml"]);
      const subjectMode = options.as.length > 0 || options.asGroup.length > 0 || options.allSubjects === true;
      if (subjectMode === (options.resource !== undefined))
        throw new UsageError(
          "give either --as/--as-group/--all-subjects (subjects' grids) or --resource (a resource's grid)",
        );
      if (options.allSubjects && (options.as.length > 0 || options.asGroup.length > 0))
        throw new UsageError("--all-subjects names its subjects itself: give it without --as/--as-group");
      const { snapshot, authorizer } = await loadRbac(options);

      if (subjectMode) {
        // One snapshot and one authorizer for every subject: a grid costs the engine's time, not a process.
        const users: { label: string; user: UserInfo }[] = options.allSubjects
          ? bindingSubjects(authorizer).map((s) => ({ label: subjectLabel(s), user: s.user }))
          : options.as.length === 0
            ? [{ label: "", user: userFromOptions({ asGroup: options.asGroup }) }]
            : options.as.map((as) => ({
                label: `User/${as}`,
                user: userFromOptions({ as, asGroup: options.asGroup }),
              }));
        const verbs = options.verbs
          .split(",")
          .map((v) => v.trim())
          .filter(Boolean);
        const namespace = await requestNamespace(options);
        warnUnknownNamespace(snapshot, options.namespace);
        const grids = users.map(({ label, user }) => {
          let rows = subjectMatrix(authorizer, user, namespace, { verbs });
          if (options.allowedOnly) rows = rows.filter((r) => Object.values(r.verbs).some(Boolean));
          return { label, user, rows };
        });
        // One subject keeps the single-subject document; several are a list of them.
        const many = options.allSubjects || users.length > 1;
        if (options.output !== "table") {
          const documents = grids.map(({ user, rows }) => ({ user, namespace, verbs, resources: rows }));
          printStructured(many ? documents : documents[0], options.output);
          return;
        }
        const table = (rows: ResourceRow[]) =>
          renderTable(
            ["name", ...verbs],
            rows.map((r) => [
              r.group ? `${r.resource}.${r.group}` : r.resource,
              // prototype-safe: r.verbs is a null-prototype object (rbac/access-matrix.ts)
              ...verbs.map((v) => mark(r.verbs[v]!)),
            ]),
          );
        writeText(
          many
            ? grids.map(({ label, rows }) => `${terminalSafe(label)}:\n${table(rows)}`).join("\n")
            : table(grids[0]!.rows),
        );
        return;
      }

      const parsed = parseRequest([options.verb, options.resource!], {
        namespace: "x",
        slash: "subresource",
      });
      for (const warning of parsed.warnings)
        if (!warning.includes("namespace scoped")) process.stderr.write(`Warning: ${warning}\n`);
      const clusterScoped = parsed.warnings.some((w) => w.includes("is not namespace scoped"));
      const namespaces = clusterScoped
        ? [""]
        : ["", ...snapshot.namespaces.map((n) => n.metadata.name).sort()];
      const { namespace: _, ...request } = parsed.attributes;
      const subjects = bindingSubjects(authorizer);
      const rows = resourceMatrix(
        authorizer,
        request as Omit<RequestAttributes, "user" | "namespace">,
        namespaces,
        subjects,
      );
      if (options.output !== "table") {
        printStructured(
          {
            request,
            namespaces,
            subjects: rows.map((r) => ({
              kind: r.subject.kind,
              name: r.subject.name,
              ...(r.subject.namespace ? { namespace: r.subject.namespace } : {}),
              allowed: r.namespaces,
            })),
          },
          options.output,
        );
        return;
      }
      const label = (ns: string) => (ns === "" ? "(cluster)" : ns);
      writeText(
        renderTable(
          ["subject", ...namespaces.map(label)],
          rows.map((r) => [
            subjectLabel(r.subject),
            // prototype-safe: r.namespaces is a null-prototype object (rbac/access-matrix.ts)
            ...namespaces.map((ns) => mark(r.namespaces[ns]!)),
          ]),
        ),
      );
    });
  return addSourceOptions(command);
}

/** `Kind/name` or `ServiceAccount/namespace/name`, as the resource grid's rows read. */
function subjectLabel(subject: { kind: string; name: string; namespace?: string }): string {
  return `${subject.kind}/${subject.namespace ? `${subject.namespace}/` : ""}${subject.name}`;
}
