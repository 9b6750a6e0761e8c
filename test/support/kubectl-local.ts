import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testBinaries } from "./cluster.js";

/**
 * The real kubectl (built at the test cluster's version, or $KUBECTL) reading a file with no server:
 * `kubectl label --local -f FILE` reads it with the builder `create` and `apply` use (StreamVisitor,
 * YAMLOrJSONDecoder, sigs.k8s.io/yaml) and prints the object as JSON. Files go in `dir`; `dispose` removes it.
 */
export function localKubectl(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\n");
  const read = (file: string): Promise<{ stdout: string; stderr: string; code: number }> => {
    const binary = process.env.KUBECTL ?? testBinaries().kubectl;
    return new Promise((resolve) => {
      execFile(
        binary,
        ["--kubeconfig", kubeconfig, "label", "--local", "-f", file, "k=v", "-o", "json"],
        (error, stdout, stderr) => resolve({ stdout, stderr, code: error ? Number(error.code ?? 127) : 0 }),
      );
    });
  };
  return { dir, read, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
