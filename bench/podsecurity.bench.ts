/**
 * The node plane at scale: every pod judged at both levels and three policy versions (the target:
 * 100 000 pods at one level/version in under 2 s), every pod and workload under its namespace's policy, the
 * per-namespace reports (strictest safe level), and the full findings.
 */
import { type Level, majorMinor, type Version, versionString } from "../src/podsecurity/api.js";
import {
  evaluatePod,
  evaluateSubjects,
  LATEST,
  namespaceReports,
  podSecurityFindings,
} from "../src/podsecurity/index.js";
import { benchmark } from "./harness.js";

await benchmark("podsecurity", async (context) => {
  const { measure } = context;
  const snapshot = context.snapshot;
  const pods = snapshot.pods.filter((p) => p.spec);
  const versions: Version[] = [majorMinor(1, 25), majorMinor(1, 33), LATEST];
  for (const level of ["baseline", "restricted"] as Level[]) {
    for (const version of versions) {
      await measure(
        `evaluate pods ${level}:${versionString(version)}`,
        () => {
          let denied = 0;
          for (const pod of pods) if (!evaluatePod(level, version, pod.metadata, pod.spec!).allowed) denied++;
          return denied;
        },
        { count: pods.length, unit: "pods" },
      );
    }
  }
  const subjects = snapshot.pods.length + snapshot.workloads.length;
  await measure("pods and workloads under their namespace policy", () => evaluateSubjects(snapshot), {
    count: subjects,
    unit: "subjects",
  });
  await measure("namespace reports (modes + strictest safe level)", () => namespaceReports(snapshot), {
    count: snapshot.namespaces.length,
    unit: "namespaces",
  });
  await measure("findings", () => podSecurityFindings(snapshot), { count: subjects, unit: "subjects" });
});
