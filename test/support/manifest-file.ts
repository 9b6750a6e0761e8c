/**
 * A manifest written to a temporary file for the tests of one describe block, removed afterwards:
 *
 *   const file = manifestFile(YAML); // inside describe(); call file() in a test for the path
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

export function manifestFile(content: string | (() => string), name = "manifest.yaml"): () => string {
  let dir: string | undefined;
  let path = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kubefence-test-"));
    path = join(dir, name);
    writeFileSync(path, typeof content === "function" ? content() : content);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => path;
}
