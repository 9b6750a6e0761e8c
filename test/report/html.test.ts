/**
 * The HTML report in a real browser (Debian's chromium, driven by playwright-core): it renders offline, the
 * heat-map has the right cells, clicking a cell shows its evidence, the findings filter works. A screenshot
 * is kept in test-artifacts/ for people to look at.
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

let browser: Browser;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)`);
  const snapshot = withBuiltinRbac(loadDemo().snapshot);
  const html = renderHtml(runAudit(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy));
  mkdirSync(artifacts, { recursive: true });
  const file = join(artifacts, "audit-demo.html");
  writeFileSync(file, html);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${file}`);
});

afterAll(async () => {
  await browser?.close();
});

describe("the HTML audit report", () => {
  it("is self-contained: it loads nothing but itself", () => {
    expect(requests.filter((url) => !url.startsWith("file://"))).toEqual([]);
  });

  it("draws the matrix: bob's row reaches every tenant through the API, busybox's tenant through the node", async () => {
    const cell = (from: string, to: string) =>
      page.locator(`#matrix td[data-from="${from}"][data-to="${to}"]`).textContent();
    expect(await cell("(no tenant)", "test-namespace")).toBe("A");
    expect(await cell("default", "test-namespace")).toBe("NX");
    expect(await page.locator("#matrix tr").count()).toBe(1 + 4);
  });

  it("shows a cell's evidence chain when it is clicked", async () => {
    await page.locator('#matrix td[data-from="(no tenant)"][data-to="platform"]').click();
    const evidence = await page.locator("#evidence").textContent();
    expect(evidence).toContain("(no tenant) → platform");
    expect(evidence).toContain(
      'ClusterRoleBinding "pod-reader-binding" of ClusterRole "pod-reader" to User "bob"',
    );
    await page.screenshot({ path: join(artifacts, "audit-demo.png"), fullPage: true });
  });

  it("filters the findings table", async () => {
    const all = await page.locator("#findings tbody tr").count();
    await page.fill("#filter", "busybox");
    const filtered = await page.locator("#findings tbody tr").count();
    expect(all).toBeGreaterThan(filtered);
    expect(filtered).toBeGreaterThan(0);
    for (const text of await page.locator("#findings tbody tr").allTextContents())
      expect(text.toLowerCase()).toContain("busybox");
  });
});
