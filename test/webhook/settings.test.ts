import { describe, expect, it } from "vitest";
import { parseWebhookSettings } from "../../src/sources/tenants-file.js";
import { GUARDRAIL_IDS } from "../../src/webhook/guardrails/index.js";
import { defaultSettings, modeOf } from "../../src/webhook/settings.js";

const base = "apiVersion: kubefence.io/v1alpha1\nkind: TenantConfig\ntenants: []\n";

describe("webhook settings", () => {
  it("every guardrail enforces unless the tenants file says otherwise", () => {
    const { settings } = parseWebhookSettings(
      `${base}guardrails:\n  service-exposure: warn\n  pod-security: audit\n`,
      "t.yaml",
      GUARDRAIL_IDS,
    );
    expect(modeOf(settings!, "service-exposure")).toBe("warn");
    expect(modeOf(settings!, "pod-security")).toBe("audit");
    expect(modeOf(settings!, "rbac-cross-tenant")).toBe("enforce");
    expect(modeOf(defaultSettings(), "pod-security")).toBe("enforce");
  });

  it("rejects unknown guardrails and modes with file:line", () => {
    const { settings, diagnostics } = parseWebhookSettings(
      `${base}guardrails:\n  pod-securty: warn\n  node-escape: relaxed\n`,
      "t.yaml",
      GUARDRAIL_IDS,
    );
    expect(settings).toBeUndefined();
    expect(diagnostics.map((d) => [d.message.split(";")[0], d.origin])).toEqual([
      ['unknown guardrail "pod-securty"', { file: "t.yaml", line: 5, column: 16 }],
      [
        'guardrail "node-escape": mode must be enforce, warn, audit (got "relaxed")',
        { file: "t.yaml", line: 6, column: 16 },
      ],
    ]);
  });

  it("passes on the tenants file's own errors", () => {
    const { settings, diagnostics } = parseWebhookSettings("kind: Nope\n", "t.yaml", GUARDRAIL_IDS);
    expect(settings).toBeUndefined();
    expect(diagnostics[0]?.message).toContain("kind must be TenantConfig");
  });
});
