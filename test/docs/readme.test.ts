/**
 * Every README example is a test (test/support/readme-examples.ts says how the examples are read and run):
 * each ```console block runs, and each command's output is compared with what the README shows under it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { blocks, matches, README, runBlock, runsKubefence, workspace } from "../support/readme-examples.js";

const all = blocks(README);
const work = workspace();
afterAll(() => work.remove());

describe("README examples", () => {
  it("runs most kubefence examples, and says why of every block it does not run", () => {
    const examples = all.flatMap((b) => b.examples.filter((e) => runsKubefence(e.command)));
    const notRun = all
      .filter((b) => b.notRun)
      .flatMap((b) => b.examples.filter((e) => runsKubefence(e.command)));
    expect(examples.length).toBeGreaterThan(50);
    expect(notRun.length).toBeLessThan(examples.length / 3);
  });

  for (const block of all.filter((b) => !b.notRun))
    it(`README.md:${block.line}: ${block.examples.map((e) => `$ ${e.command}`).join("; ")}`, {
      timeout: 120_000,
    }, () => {
      const outputs = runBlock(block, work.dir);
      block.examples.forEach((example, i) => {
        const actual = outputs[i]!;
        if (!matches(actual, example.expected))
          expect(actual.join("\n"), `README.md:${example.line}: $ ${example.command}`).toBe(
            example.expected.join("\n"),
          );
      });
    });
});
