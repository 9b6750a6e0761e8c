/**
 * What a user installs: `npm pack`'s tarball installs and runs without a build step, and the krew archive
 * runs as `kubectl fence`, its manifest naming the archive's sha256.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { VERSION } from "../../src/cli/version.js";

const scratch = mkdtempSync(join(tmpdir(), "kubefence-package-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const run = (file: string, args: string[], cwd?: string) =>
  execFileSync(file, args, { encoding: "utf8", cwd, stdio: ["ignore", "pipe", "pipe"] });

describe("the packages", () => {
  it("npm pack's tarball installs with npm install -g and runs", () => {
    // dist/ is already built by `npm test`; --ignore-scripts keeps pack from rebuilding it under other tests.
    const tarball = run("npm", [
      "pack",
      "--ignore-scripts",
      "--pack-destination",
      scratch,
      "--silent",
    ]).trim();
    const prefix = join(scratch, "global");
    run("npm", [
      "install",
      "-g",
      "--prefix",
      prefix,
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      join(scratch, tarball),
    ]);
    expect(run(join(prefix, "bin", "kubefence"), ["version"])).toContain(VERSION);
    expect(run(join(prefix, "bin", "kubectl-fence"), ["--help"])).toMatch(/^Usage: kubectl fence /);
    const files = run("tar", ["-tzf", join(scratch, tarball)]).split("\n");
    expect(files).toContain("package/LICENSE");
    expect(files.some((f) => f.startsWith("package/test/") || f.startsWith("package/src/"))).toBe(false);
  }, 180_000);

  it("the krew archive runs as kubectl fence, and its manifest names its sha256", () => {
    const out = join(scratch, "krew");
    execFileSync("bash", ["scripts/krew-package.sh"], {
      env: { ...process.env, OUT: out, SKIP_BUILD: "1", URI_BASE: "https://example.invalid/v1" },
      stdio: "ignore",
    });
    const archive = join(out, `kubectl-fence-v${VERSION}.tar.gz`);
    const manifest = parse(readFileSync(join(out, "fence.yaml"), "utf8"));
    const sha = createHash("sha256").update(readFileSync(archive)).digest("hex");
    expect(manifest).toMatchObject({
      kind: "Plugin",
      metadata: { name: "fence" },
      spec: { version: `v${VERSION}` },
    });
    for (const platform of manifest.spec.platforms)
      expect(platform).toMatchObject({
        sha256: sha,
        bin: "kubectl-fence",
        uri: `https://example.invalid/v1/kubectl-fence-v${VERSION}.tar.gz`,
      });
    const unpacked = join(scratch, "unpacked");
    mkdirSync(unpacked);
    run("tar", ["-xzf", archive, "-C", unpacked]);
    expect(run(join(unpacked, "kubectl-fence"), ["--help"])).toMatch(/^Usage: kubectl fence /);
  }, 180_000);
});
