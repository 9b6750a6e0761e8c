import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const main = join(import.meta.dirname, "../../dist/cli/main.js");

describe("the kubectl plugin", () => {
  it("runs as `kubectl fence` when installed as kubectl-fence", () => {
    const bin = mkdtempSync(join(tmpdir(), "kubefence-plugin-"));
    symlinkSync(main, join(bin, "kubectl-fence"));
    const help = execFileSync(join(bin, "kubectl-fence"), ["--help"], { encoding: "utf8" });
    expect(help).toMatch(/^Usage: kubectl fence \[options\] \[command\]/);
  });

  it("runs the main job on the demo: `kubefence audit --demo` summarizes all three planes", () => {
    const out = execFileSync(process.execPath, [main, "audit", "--demo"], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(out).toMatch(/^kubefence audit: 4 tenants/);
    expect(out).toMatch(/^api\s+\d+\s+\d+\s+\d+%$/m);
    expect(out).toMatch(/^network\s+\d+\s+\d+\s+\d+%$/m);
    expect(out).toMatch(/^node\s+\d+\s+\d+\s+\d+%$/m);
  });
});
