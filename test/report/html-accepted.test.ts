/**
 * Accepted risks in the HTML report, in a real browser (Debian's chromium, driven by playwright-core): the
 * findings table's Status column says accepted / acceptance expired / open, and the Accepted risks table lists
 * every acceptance with its status.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { renderHtml } from "../../src/report/html.js";
import { loadDemo } from "../../src/sources/demo.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

const CHROMIUM = "/usr/bin/chromium";
const artifacts = join(import.meta.dirname, "../../test-artifacts");
const SOURCE = { kind: "tenants-file" as const, origin: { file: "tenants.yaml", line: 3, column: 5 } };

let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)`);
  const snapshot = withBuiltinRbac(loadDemo().snapshot);
  const report = runAudit(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy, {
    now: new Date("2027-03-01T00:00:00Z"),
    accepted: [
      {
        id: "node.takeover",
        resource: { kind: "Pod", namespace: "default", name: "busybox" },
        reason: "the INC-42 debugging pod",
        owner: "platform-team",
        expires: "2027-06-30",
        source: SOURCE,
      },
      {
        id: "network.no-default-deny-egress",
        namespace: "test-namespace",
        reason: "the Q4 rollout",
        owner: "test-team",
        expires: "2027-01-31",
        source: SOURCE,
      },
      { id: "rbac.impersonate", reason: "the old CI runner", owner: "ci-team", source: SOURCE },
    ],
  });
  mkdirSync(artifacts, { recursive: true });
  const file = join(artifacts, "audit-demo-accepted.html");
  writeFileSync(file, renderHtml(report));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`file://${file}`);
});

afterAll(async () => {
  await browser?.close();
});

describe("accepted risks in the HTML report", () => {
  it("the summary counts accepted findings and those whose acceptance expired", async () => {
    expect(await page.locator("#summary").textContent()).toMatch(/; 1 accepted; 1 whose acceptance expired$/);
  });

  it("each finding's Status says accepted, acceptance expired or open, and the reason is in its details", async () => {
    // The findings are a virtual list (only visible rows are drawn): filter to the ones asked about.
    const rowsFor = async (query: string) => {
      await page.fill("#filter", query);
      return page
        .locator("#findings .row")
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll("span")].map((s) => s.textContent ?? "")),
        );
    };
    const status = async (id: string, object: RegExp) =>
      (await rowsFor(id)).filter((r) => r[2] === id && object.test(`${r[3]} ${r[4]}`)).map((r) => r[5]);
    expect(await status("node.takeover", /default\/busybox/)).toEqual(["accepted"]);
    expect(await status("network.no-default-deny-egress", /test-namespace/)).toEqual(["acceptance expired"]);
    expect(await status("network.no-default-deny-egress", /namespace default/)).toEqual(["open"]);
    const busybox = (await rowsFor("node.takeover")).find((r) => r[3]!.includes("busybox"))!;
    expect(busybox[6]).toContain("Accepted until 2027-06-30: the INC-42 debugging pod (owner platform-team)");
    await page.fill("#filter", "");
  });

  it("the Accepted risks table lists every acceptance with its status", async () => {
    const rows = await page
      .locator("#acceptances tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
      );
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ["node.takeover", "Pod default/busybox", "accepted", "1"],
      ["network.no-default-deny-egress", "namespace test-namespace", "expired", "1"],
      ["rbac.impersonate", "every finding of the id", "unused", "0"],
    ]);
    await page.screenshot({ path: join(artifacts, "audit-demo-accepted.png"), fullPage: true });
  });
});
