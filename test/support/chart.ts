/**
 * The Helm chart in tests: the helm binary built from test/helm/go.mod (scripts/install-helm.sh), rendering
 * charts/kubefence, installing and uninstalling it with a test cluster's kubeconfig, and the kubefence image
 * (`npm run image`) as an OCI archive for a node to import (`ctr -n k8s.io images import`). For the real-node
 * tests: `await ensureImage()`, import the archive, then `helm(cluster.kubeconfig, ["install", "kubefence",
 * CHART, ...imageValues()])`.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CHART = join(ROOT, "charts/kubefence");
/** Where `npm run image` writes the image, and the name it has inside the archive. */
export const IMAGE_ARCHIVE = join(ROOT, "dist-image/kubefence.oci.tar");
export const IMAGE = "localhost/kubefence";

export function helmBinary(): string {
  const helm = execFileSync("bash", [join(ROOT, "scripts/helm-bin.sh")], { encoding: "utf8" }).trim();
  if (!existsSync(helm)) throw new Error(`no helm at ${helm}: run scripts/install-helm.sh`);
  return helm;
}

/** `helm template kubefence charts/kubefence ARGS…`, as parsed objects (empty documents dropped). */
export function renderChart(args: string[] = []): Record<string, unknown>[] {
  const text = execFileSync(helmBinary(), ["template", "kubefence", CHART, ...args], { encoding: "utf8" });
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
}

/** Runs helm against a cluster; helm's own cache and config stay in `home` (e.g. the cluster's directory). */
export function helm(
  kubeconfig: string,
  home: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(home, "helm-cache"),
    HELM_CONFIG_HOME: join(home, "helm-config"),
    HELM_DATA_HOME: join(home, "helm-data"),
  };
  return new Promise((resolve) => {
    execFile(
      helmBinary(),
      [...args, "--kubeconfig", kubeconfig],
      { encoding: "utf8", env },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The chart values that run the image `npm run image` built (imported into the node, not pulled). */
export function imageValues(): string[] {
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  return ["--set", `image.repository=${IMAGE}`, "--set", `image.tag=${version}`];
}

/**
 * Builds the image archive with `npm run image` (buildah, about 40 s) unless it is there already and newer
 * than everything it holds (dist/, the Containerfile, the lock file): a stale image would test old code.
 */
export function ensureImage(): string {
  const inputs = [join(ROOT, "Containerfile"), join(ROOT, "package-lock.json"), ...files(join(ROOT, "dist"))];
  const built = existsSync(IMAGE_ARCHIVE) ? statSync(IMAGE_ARCHIVE).mtimeMs : 0;
  if (inputs.some((path) => statSync(path).mtimeMs > built))
    execFileSync("npm", ["run", "image"], { cwd: ROOT, stdio: "inherit" });
  return IMAGE_ARCHIVE;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
