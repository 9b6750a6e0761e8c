/** `kubefence can-i`: kubectl auth can-i, answered from a snapshot with the API server's exact semantics. */
import { Command } from "commander";
import type { Kind } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { accessListRules, subjectRulesReview } from "../rbac/access-list.js";
import {
  impersonatedUser,
  nonResourceAttributes,
  type RequestAttributes,
  resourceAttributes,
  type UserInfo,
} from "../rbac/attributes.js";
import { type Authorizer, buildAuthorizer } from "../rbac/authorizer.js";
import { explainDecision } from "../rbac/explain.js";
import { forbiddenMessage, servedAttributes } from "../rbac/forbidden.js";
import { resolveType } from "../rbac/resources.js";
import { renderAccessList } from "../report/access-list.js";
import { EXIT_NO, EXIT_OK, UsageError } from "./errors.js";
import { writeText } from "./output.js";
import { addSourceOptions, loadSource, manifestKubeVersion, type SourceOptions } from "./source-options.js";

interface CanIOptions extends SourceOptions {
  allNamespaces?: boolean;
  as?: string;
  asGroup: string[];
  subresource?: string;
  quiet?: boolean;
  list?: boolean;
  noHeaders?: boolean;
  headers?: boolean;
  explain?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const RBAC_KINDS: Kind[] = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];
const RBAC_READ: ReadonlySet<Kind> = new Set<Kind>([...RBAC_KINDS, "Namespace"]);

/**
 * The namespace in question, as kubectl picks it: -n, else (live cluster) the kubeconfig context's
 * namespace, else "default".
 */
export async function requestNamespace(options: SourceOptions): Promise<string> {
  if (options.namespace) return options.namespace;
  if (options.demo || options.filename.length > 0) return "default";
  try {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kc = new KubeConfig();
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
    const context = kc.getContextObject(options.context ?? kc.getCurrentContext());
    return context?.namespace || "default";
  } catch {
    return "default"; // loading the live source reports kubeconfig problems properly
  }
}

/**
 * The snapshot the RBAC commands reason about (loadSource adds the built-in RBAC of --kube-version to
 * manifests) and its authorizer, which words its reasons as that version's API server does (a live cluster:
 * the default version's wording), with a warning for unread RBAC kinds.
 */
export async function loadRbac(
  options: SourceOptions,
): Promise<{ snapshot: Snapshot; authorizer: Authorizer }> {
  // RBAC answers need the RBAC kinds alone (and Namespaces, for access-matrix's namespaces): nothing else is read.
  const { snapshot } = await loadSource(options, { kinds: RBAC_READ });
  const unread = snapshot.missingKinds.filter((k) => (RBAC_KINDS as string[]).includes(k));
  if (unread.length > 0)
    process.stderr.write(
      `Warning: could not read ${unread.join(", ")} from the cluster; answers miss whatever they grant\n`,
    );
  const manifests = options.demo || options.filename.length > 0;
  const kubeVersion = manifests ? manifestKubeVersion(options.kubeVersion) : undefined;
  return { snapshot, authorizer: buildAuthorizer(snapshot, { kubeVersion }) };
}

/** `--as` / `--as-group` → the user the API server would see when impersonating (adds system:authenticated). */
export function userFromOptions(options: { as?: string; asGroup: string[] }): UserInfo {
  if (options.as === undefined && options.asGroup.length === 0)
    throw new UsageError(
      "kubefence answers for a subject: give --as USER (system:serviceaccount:NS:NAME for a service account) and/or --as-group GROUP",
    );
  return impersonatedUser(options.as ?? "", options.asGroup);
}

export const KNOWN_RESOURCE_VERBS = new Set([
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "use",
  "bind",
  "impersonate",
  "*",
  "approve",
  "sign",
  "escalate",
  "attest",
]);
const KNOWN_URL_VERBS = new Set(["get", "put", "post", "head", "options", "delete", "patch", "*"]);

export interface ParsedRequest {
  attributes: Omit<RequestAttributes, "user">;
  /** kubectl's warnings, in the order it prints them. */
  warnings: string[];
}

/** kubectl's wording when the arguments are not `VERB TYPE[/NAME]` or `VERB /url`. */
export function twoArgumentsError(command: string): UsageError {
  return new UsageError(
    `you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubefence ${command} -h' for help and examples.`,
  );
}

/**
 * kubectl `auth can-i`'s arguments (`pkg/cmd/auth/cani.go` Complete + Validate): exactly `VERB TYPE`,
 * `VERB TYPE/NAME` (everything after the first `/` is the name: `pods/log` is the pod named log) or
 * `VERB /non-resource-url`; the subresource only from `--subresource`; `--all-namespaces` asks at cluster
 * scope. With `slash: "subresource"` (access-matrix's `--resource TYPE[/SUB]`) the part after `/` is the
 * subresource instead.
 */
export function parseRequest(
  args: string[],
  options: {
    namespace: string;
    subresource?: string;
    allNamespaces?: boolean;
    slash?: "name" | "subresource";
    command?: string;
  },
): ParsedRequest {
  if (args.length !== 2) throw twoArgumentsError(options.command ?? "can-i");
  const [verb, target] = args as [string, string];
  if (target.startsWith("/")) {
    if (options.subresource) throw new UsageError("--subresource can not be used with NonResourceURL");
    const warnings = KNOWN_URL_VERBS.has(verb) ? [] : [`verb '${verb}' is not a known verb`];
    const { user: _, ...attributes } = nonResourceAttributes({ name: "", groups: [] }, verb, target);
    return { attributes, warnings };
  }
  const slash = target.indexOf("/");
  const typeArg = slash < 0 ? target : target.slice(0, slash);
  const after = slash < 0 ? "" : target.slice(slash + 1);
  const type = resolveType(typeArg);
  const warnings = [...type.warnings];
  const bySubresource = options.slash === "subresource";
  const namespace = options.allNamespaces ? "" : options.namespace;
  // kubectl warns about scope and verb only for a resource it has and only without --all-namespaces.
  if (type.resource !== "" && !options.allNamespaces) {
    if (type.known && !type.known.namespaced)
      warnings.push(
        type.group === ""
          ? `resource '${type.resource}' is not namespace scoped`
          : `resource '${type.resource}' is not namespace scoped in group '${type.group}'`,
      );
    if (!KNOWN_RESOURCE_VERBS.has(verb)) warnings.push(`verb '${verb}' is not a known verb`);
  }
  const { user: _, ...attributes } = resourceAttributes(
    { name: "", groups: [] },
    {
      verb,
      namespace,
      apiGroup: type.group,
      resource: type.resource,
      subresource: bySubresource ? after : (options.subresource ?? ""),
      name: bySubresource ? "" : after,
    },
  );
  return { attributes, warnings };
}

export function canICommand(): Command {
  const command = new Command("can-i")
    .description("check whether a subject may perform an action, exactly as the API server's RBAC decides")
    .usage("VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [options]")
    .argument("[args...]", "VERB (get, list, create, … or *), then TYPE, TYPE/NAME or /non-resource-url")
    .option("-A, --all-namespaces", "check at cluster scope (only ClusterRoleBindings count)")
    .option("--as <user>", "the user to check (system:serviceaccount:NS:NAME for a service account)")
    .option("--as-group <group>", "a group of the user (repeatable)", collect, [])
    .option("--subresource <name>", "subresource, e.g. log, exec, scale")
    .option("-q, --quiet", "print nothing; the exit code is the answer")
    .option("--list", "list everything the user may do in the namespace (as kubectl auth can-i --list)")
    .option("--no-headers", "with --list: omit the header line")
    .option(
      "--explain",
      "show the binding → role → rule that allowed it, or what applied and why nothing did",
    )
    .addHelpText(
      "after",
      `
The answer is the API server's: yes (exit 0) or no (exit 1); usage errors exit 2. --as adds the group
system:authenticated, as kubectl --as (impersonation) does. On "no" the Forbidden message the API server
would return goes to stderr. Manifests (-f, --demo) include the built-in RBAC of every cluster
(cluster-admin, admin/edit/view, system:basic-user, …) unless --no-builtin-rbac.

Examples:
  # Can bob list pods in kube-system? (demo cluster)
  kubefence can-i list pods -n kube-system --as bob --demo

  # Why? binding → role → rule
  kubefence can-i list pods -n kube-system --as bob --demo --explain

  # Names (TYPE/NAME: pods/log is the pod named log), subresources, groups, service accounts, URLs
  kubefence can-i create pods/web --subresource exec -n test-namespace --as alice --demo
  kubefence can-i get deployments.apps --subresource scale -n prod --as-group devs --as carol -f k8s/
  kubefence can-i create pods -n ci --as system:serviceaccount:ci:builder -f k8s/
  kubefence can-i get /healthz --as alice --demo

  # Everything alice may do in test-namespace (kubectl auth can-i --list)
  kubefence can-i --list -n test-namespace --as alice --demo`,
    )
    .action(async (args: string[], options: CanIOptions) => {
      // kubectl's checks, in its order (Complete, then Validate; warnings print as they are found).
      if (options.list) {
        if (args.length > 0) throw new UsageError("list option must be specified with no arguments");
        if (options.quiet || options.allNamespaces || options.subresource)
          throw new UsageError(
            "list option can't be specified with neither quiet, all-namespaces nor subresource options",
          );
      }
      const namespace = await requestNamespace(options);
      const request = options.list
        ? undefined
        : parseRequest(args, {
            namespace,
            subresource: options.subresource,
            allNamespaces: options.allNamespaces,
          });
      // kubectl's messages end in "\n" and its WarningPrinter adds one: a blank line follows each warning.
      for (const warning of request?.warnings ?? []) process.stderr.write(`Warning: ${warning}\n\n`);
      if (!options.list && options.headers === false)
        throw new UsageError("--no-headers cannot be set without --list specified");
      const user = userFromOptions(options);
      const { authorizer } = await loadRbac(options);

      if (!request) {
        const status = subjectRulesReview(authorizer, user, namespace);
        writeText(renderAccessList(accessListRules(status), { noHeaders: options.headers === false }));
        process.exitCode = EXIT_OK;
        return;
      }
      const attributes = { ...request.attributes, user } as RequestAttributes;
      const decision = authorizer.authorize(attributes);
      if (!options.quiet) {
        if (decision.allowed) writeText("yes\n");
        else writeText(decision.reason ? `no - ${decision.reason}\n` : "no\n");
        if (options.explain) writeText(`${explainDecision(authorizer, attributes, decision).join("\n")}\n`);
        if (!decision.allowed) {
          // The 403 of the request itself: its scope may differ from the review's (see servedAttributes).
          const served = servedAttributes(attributes);
          const reason = served === attributes ? decision.reason : authorizer.authorize(served).reason;
          process.stderr.write(`${forbiddenMessage(served, reason)}\n`);
        }
      }
      process.exitCode = decision.allowed ? EXIT_OK : EXIT_NO;
    });
  return addSourceOptions(command);
}
