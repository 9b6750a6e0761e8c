/**
 * The HTML report in a real browser (Debian's chromium, driven by playwright-core): it renders offline, the
 * heat-map has the right cells, clicking a cell shows its evidence, the findings filter works. A screenshot
 * is kept in test-artifacts/ for people to look at.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding, Plane } from "../../src/model/finding.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { renderHtml } from "../../src/report/html.js";
import { loadDemo } from "../../src/sources/demo.js";
import { AUDIT_API_VERSION, type AuditReport, matrixView, runAudit } from "../../src/tenancy/audit.js";
import type { MatrixCell } from "../../src/tenancy/matrix.js";
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
  await page.waitForSelector("body[data-ready]");
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
    // The list is virtual: only the rows in view are drawn; the count says how many there are.
    const total = await page.locator("#findings-count").textContent();
    const all = Number(total?.split(" of ")[1]);
    expect(total).toBe(`${all} of ${all}`);
    await page.fill("#filter", "busybox");
    const filtered = await page.locator("#findings .finding").count();
    expect(all).toBeGreaterThan(filtered);
    expect(filtered).toBeGreaterThan(0);
    expect(await page.locator("#findings-count").textContent()).toBe(`${filtered} of ${all}`);
    // Each row left names busybox in what it shows or in the details a click opens.
    for (let i = 0; i < filtered; i++) {
      await page.locator("#findings .finding").nth(i).click();
      const text = `${await page.locator("#findings .finding").nth(i).textContent()} ${await page.locator("#finding").textContent()}`;
      expect(text.toLowerCase()).toContain("busybox");
    }
  });
});

/**
 * 10 000 tenants, shaped like the generated large cluster's report: every 10th row reaches every column on the
 * node plane (stored once), every 100th column is reached from every row through the API, each tenant reaches
 * its next five over the network, and 100 000 findings, each with its own evidence and remediation.
 */
function tenThousandTenants(): AuditReport {
  const names = Array.from({ length: 10_000 }, (_, i) => `tenant-${String(i).padStart(5, "0")}`);
  const cells: MatrixCell[] = [];
  const breach = (from: string, to: string, plane: Plane, evidence: string[]): MatrixCell => ({
    from,
    to,
    plane,
    verdict: "breach",
    evidence,
  });
  names.forEach((name, i) => {
    if (i % 10 === 0)
      cells.push(
        breach(name, "*", "node", [
          `${name}/escape-${i}[Pod] escapes to its node: privileged, hostPID`,
          `it runs or can be scheduled on node-${i % 100}`,
          `${names[(i + 1) % names.length]}/web-0[Pod] runs or can be scheduled on node-${i % 100}`,
        ]),
      );
    if (i % 100 === 0)
      cells.push(
        breach("*", name, "api", [
          "Group:system:authenticated",
          `RoleBinding "tenant-developers/${name}" of ClusterRole "edit" to Group "system:authenticated"`,
          `in namespace ${name} (tenant ${name})`,
        ]),
      );
    for (let k = 1; k <= 5; k++) {
      const to = names[(i + k) % names.length]!;
      cells.push(
        breach(name, to, "network", [
          `${name}/api-${k}[Pod] => ${to}/db-0[Pod] : TCP 5432`,
          `no NetworkPolicy in namespace ${to} selects ${to}/db-0[Pod] for Ingress`,
        ]),
      );
    }
  });
  const findings: Finding[] = Array.from({ length: 100_000 }, (_, i) => {
    const ns = names[i % names.length]!;
    return {
      id: "rbac.create-workloads",
      plane: "api",
      severity: (["critical", "high", "medium", "low"] as const)[i % 4]!,
      subject: `User:${ns}-owner-${i}@example.com`,
      object: `namespace ${ns}`,
      message: `User ${ns}-owner-${i}@example.com can create pods in namespace ${ns}, so it runs any image with the namespace's ServiceAccounts`,
      evidence: [
        `RoleBinding ${ns}/owners-${i}`,
        `ClusterRole edit`,
        "rule: verbs=[create] resources=[pods]",
      ],
      remediation: `kubectl -n ${ns} create rolebinding owners-${i} --clusterrole=view --user=${ns}-owner-${i}@example.com`,
      resource: { kind: "RoleBinding", namespace: ns, name: `owners-${i}` },
    };
  });
  const plane = { breaches: 1, tenantsAffected: 1, cells: 100_000_000, score: 0, unreadKinds: [] };
  return {
    apiVersion: AUDIT_API_VERSION,
    kind: "AuditReport",
    tenants: names.map((name) => ({ name, namespaces: [name], platform: false, owners: [] })),
    summary: {
      planes: { api: plane, network: plane, node: plane },
      findings: { critical: 25_000, high: 25_000, medium: 25_000, low: 25_000, info: 0 },
      acceptance: { accepted: 0, expired: 0 },
    },
    rows: names,
    matrixForm: "breaches",
    matrix: matrixView(() => cells),
    findings,
    acceptances: [],
  };
}

describe("the HTML audit report of 10 000 tenants", () => {
  let large: Page;
  let size = 0;
  beforeAll(async () => {
    const html = renderHtml(tenThousandTenants());
    size = Buffer.byteLength(html);
    const file = join(artifacts, "audit-10000.html");
    writeFileSync(file, html);
    large = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await large.goto(`file://${file}`);
    await large.waitForSelector("body[data-ready]", { timeout: 60_000 });
  }, 120_000);

  it("stays under 10 MB and lays out a few thousand elements, not one per pair or finding", async () => {
    expect(size).toBeLessThan(10 * 1024 * 1024);
    const elements = await large.evaluate(() => document.getElementsByTagName("*").length);
    expect(elements).toBeLessThan(5_000);
    // 40 × 40 blocks of 250 × 250 tenants, plus the headers.
    expect(await large.locator("#matrix td.cell").count()).toBe(40 * 40);
  });

  it("says what it leaves out: single pairs beyond 40 000 per plane (the network's last 10 000 here)", async () => {
    expect(await large.locator("#matrix-hint").textContent()).toContain(
      "This page carries every row- and column-wide breach but not 10000 single-pair breaches (-o json lists every one)",
    );
  });

  it("aggregates exactly: a block's counts are its pairs' breaches per plane", async () => {
    // Block (1,1): rows and columns 0…249. Rows 0, 10, …, 240 (25) reach every column (node): 25 × 249 pairs;
    // columns 0, 100, 200 are reached from every other row (api): 3 × 249; each row its next five (network).
    const title = await large.locator('#matrix td[data-block="0,0"]').getAttribute("title");
    expect(title).toBe(
      `tenant-00000 … tenant-00249 → tenant-00000 … tenant-00249: api ${3 * 249}/${250 * 249}, network ${245 * 5 + 4 + 3 + 2 + 1}/${250 * 249}, node ${25 * 249}/${250 * 249}`,
    );
  });

  it("lists a block's pairs in a virtual list and shows a pair's evidence from the page's data", async () => {
    await large.locator('#matrix td[data-block="0,0"]').click();
    expect(await large.locator("#pairs-title").textContent()).toMatch(/^\d+ breached pairs in this block$/);
    const drawn = await large.locator("#pairs-list .pair").count();
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThan(40);
    await large.locator("#pairs-list .pair").first().click();
    const evidence = await large.locator("#evidence").textContent();
    expect(evidence).toContain("tenant-00000 → tenant-00001");
    expect(evidence).toContain("tenant-00000/api-1[Pod] => tenant-00001/db-0[Pod] : TCP 5432");
    expect(evidence).toContain("One breach of every column of row tenant-00000, stored once");
  });

  it("filters 100 000 findings and draws only the rows in view", async () => {
    expect(await large.locator("#findings-count").textContent()).toBe("100000 of 100000");
    await large.fill("#filter", "owner-4242@");
    expect(await large.locator("#findings-count").textContent()).toBe("1 of 100000");
    await large.locator("#findings .finding").first().click();
    expect(await large.locator("#finding").textContent()).toContain("RoleBinding tenant-04242/owners-4242");
  });
});

describe("the HTML audit report beyond the grid, with verdicts CNI policies may change", () => {
  it("marks ? every block whose rows or columns hold a tenant the unmodelled policies concern", async () => {
    const names = Array.from({ length: 400 }, (_, i) => `tenant-${String(i).padStart(5, "0")}`);
    const plane = { breaches: 0, tenantsAffected: 0, cells: 400 * 399, score: 100, unreadKinds: [] };
    const report: AuditReport = {
      apiVersion: AUDIT_API_VERSION,
      kind: "AuditReport",
      tenants: names.map((name) => ({ name, namespaces: [name], platform: false, owners: [] })),
      summary: {
        planes: {
          api: plane,
          node: plane,
          network: {
            ...plane,
            score: null,
            incomplete: "1 Cilium policy is not modelled",
            incompleteTenants: ["tenant-00123"],
          },
        },
        findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
        acceptance: { accepted: 0, expired: 0 },
      },
      rows: names,
      matrixForm: "breaches",
      matrix: matrixView(() => []),
      findings: [],
      acceptances: [],
    };
    const file = join(artifacts, "audit-400-incomplete.html");
    writeFileSync(file, renderHtml(report));
    const aggregated = await browser.newPage();
    await aggregated.goto(`file://${file}`);
    await aggregated.waitForSelector("body[data-ready]");
    // Blocks of 10 × 10 tenants: tenant-00123 is in row block 12 and column block 12.
    const text = (r: number, c: number) =>
      aggregated.locator(`#matrix td[data-block="${r},${c}"]`).textContent();
    expect(await text(0, 0)).toBe(".");
    expect(await text(12, 0)).toBe(".?");
    expect(await text(0, 12)).toBe(".?");
    expect(await text(39, 12)).toBe(".?");
    expect(await aggregated.locator('#matrix td[data-block="12,5"]').getAttribute("title")).toContain(
      "(incomplete: network: 1 Cilium policy is not modelled)",
    );
    await aggregated.close();
  });
});
