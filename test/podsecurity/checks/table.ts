/** One table-driven test per check version: each row's pod, run through the check, gives the row's result. */
import { describe, expect, it } from "vitest";
import type { CheckPodFn } from "../../../src/podsecurity/check.js";
import { expected, type Row, run } from "../support.js";

export function table(title: string, check: CheckPodFn, rows: Row[]) {
  describe(title, () => {
    it.each(rows.map((row) => [row.name, row] as const))("%s", (_name, row) => {
      expect(run(check, row)).toEqual(expected(row));
    });
  });
}
