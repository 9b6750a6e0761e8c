/**
 * Rewrites the shown output of every README example that is shown whole (no `…` excerpt marks) and no longer
 * matches with what the command prints now: `npx tsx scripts/update-readme-examples.ts`; read the diff before
 * committing it. Excerpts that no longer match are listed and left alone, as are blocks marked
 * `<!-- not run: … -->` (test/support/readme-examples.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { blocks, matches, README_PATH, runBlock, workspace } from "../test/support/readme-examples.js";

const text = readFileSync(README_PATH, "utf8");
const lines = text.split("\n");
const work = workspace();
const changes: { line: number; count: number; output: string[] }[] = [];
try {
  for (const block of blocks(text).filter((b) => !b.notRun)) {
    const outputs = runBlock(block, work.dir);
    block.examples.forEach((example, i) => {
      const actual = outputs[i]!;
      if (matches(actual, example.expected)) return;
      if (example.expected.includes("…")) {
        console.log(`README.md:${example.line}: an excerpt that no longer matches; left for you`);
        return;
      }
      changes.push({ line: example.line, count: example.expected.length, output: actual });
      console.log(`README.md:${example.line}: updated`);
    });
  }
} finally {
  work.remove();
}
// From the bottom up, so the line numbers above stay right.
for (const c of changes.reverse()) lines.splice(c.line, c.count, ...c.output);
writeFileSync(README_PATH, lines.join("\n"));
