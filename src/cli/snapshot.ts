/**
 * `kubefence snapshot`: what a source read, written as one `kind: List` (as `kubectl get -o json` prints),
 * so a live cluster can be saved once and analysed later, offline, with `-f cluster.json`.
 */
import { Command } from "commander";
import type { KubeObject } from "../model/objects.js";
import { allObjects, type Snapshot } from "../model/snapshot.js";
import { printStructured, validateOutput } from "./output.js";
import { addSourceOptions, loadSource, type SourceOptions } from "./source-options.js";

interface SnapshotOptions extends SourceOptions {
  output: string;
}

export interface SnapshotList {
  apiVersion: "v1";
  kind: "List";
  metadata: { resourceVersion: "" };
  items: KubeObject[];
}

/** Every object of the snapshot as a List; the origin of each object is not enumerable, so it stays out. */
export function snapshotList(snapshot: Snapshot): SnapshotList {
  return { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: allObjects(snapshot) };
}

export function snapshotCommand(): Command {
  const command = new Command("snapshot")
    .description("write every object kubefence reads (never Secrets) as one List, to analyse later with -f")
    .option("-o, --output <format>", "json or yaml", "json")
    .addHelpText(
      "after",
      `
Examples:
  # Save the live cluster of the current kubeconfig context, then analyse the file offline
  kubefence snapshot > cluster.json
  kubefence audit -f cluster.json

  # Another context, as YAML
  kubefence snapshot --context prod -o yaml > prod.yaml

  # The built-in demo cluster, or manifests, normalised and defaulted as kubefence reads them
  kubefence snapshot --demo
  kubefence snapshot -f k8s/ -R`,
    )
    .action(async (options: SnapshotOptions) => {
      validateOutput(options.output, ["json", "yaml"]);
      // What was read, as read: the built-in RBAC a cluster would add is not part of the manifests.
      const { snapshot } = await loadSource({ ...options, builtinRbac: false });
      if (snapshot.missingKinds.length > 0)
        process.stderr.write(
          `warning: the snapshot lacks ${snapshot.missingKinds.join(", ")} (not readable with these credentials); analysis of the saved file cannot know that\n`,
        );
      printStructured(snapshotList(snapshot), options.output);
    });
  return addSourceOptions(command);
}
