import { describe, expect, it } from "vitest";
import {
  accessListRules,
  breakdownRule,
  compactRules,
  policyRuleString,
  subjectRulesReview,
} from "../../src/rbac/access-list.js";
import { buildAuthorizer } from "../../src/rbac/authorizer.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { renderAccessList } from "../../src/report/access-list.js";
import { rbacSnapshot } from "./fixtures.js";

describe("kubectl auth can-i --list rendering", () => {
  it("reproduces kubectl's own TestRunAccessList output byte for byte", () => {
    const rules = accessListRules({
      resourceRules: [
        {
          verbs: ["get", "list"],
          apiGroups: ["*"],
          resources: ["job", "pod"],
          resourceNames: ["test-resource"],
        },
      ],
      nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/apis/*", "/version"] }],
      incomplete: false,
    });
    expect(renderAccessList(rules)).toBe(
      [
        "Resources   Non-Resource URLs   Resource Names    Verbs",
        "job.*       []                  [test-resource]   [get list]",
        "pod.*       []                  [test-resource]   [get list]",
        "            [/apis/*]           []                [get]",
        "            [/version]          []                [get]",
        "",
      ].join("\n"),
    );
  });

  it("breaks rules down to one verb per group and resource, and URLs per verb", () => {
    expect(breakdownRule({ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] })).toEqual([
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
      { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
    ]);
    expect(breakdownRule({ verbs: ["get"], nonResourceURLs: ["/a", "/b"] })).toHaveLength(2);
  });

  it("merges verbs of simple rules but keeps duplicate non-resource rules", () => {
    const compact = compactRules([
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
      { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
      { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
    ]);
    expect(compact).toEqual([
      { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] },
    ]);
  });

  it('sorts by PolicyRule.String(), verbs first, where [""] prints as []', () => {
    expect(policyRuleString({ verbs: ["get"], apiGroups: [""], resources: ["pods"] })).toBe(
      "&PolicyRule{Verbs:[get],APIGroups:[],Resources:[pods],ResourceNames:[],NonResourceURLs:[],}",
    );
  });

  it("shows what every authenticated user may do on a stock v1.20 cluster, duplicates included", () => {
    const authorizer = buildAuthorizer(withBuiltinRbac(rbacSnapshot({})));
    const status = subjectRulesReview(
      authorizer,
      { name: "nobody", groups: ["system:authenticated"] },
      "default",
    );
    const text = renderAccessList(accessListRules(status));
    expect(text.split("\n")[0]).toBe(
      "Resources                                       Non-Resource URLs   Resource Names   Verbs",
    );
    expect(text).toContain(
      "selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]",
    );
    expect(text.match(/\[\/healthz\]/g)).toHaveLength(2);
  });
});
