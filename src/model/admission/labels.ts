/**
 * The labels and label selectors the API server validates when an object is created, kind by kind and in
 * its order, so a manifest it would reject is rejected here too, with its words. Upstream (v1.37, the
 * version the differential tests run): ValidateObjectMeta (every kind's metadata.labels);
 * pkg/apis/core/validation ValidatePodTemplateSpec (a pod template's labels, reported at
 * `<template>.labels`), ValidateService (spec.selector); pkg/apis/apps/validation ValidateDeploymentSpec,
 * ValidateReplicaSetSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec; pkg/apis/batch/validation
 * ValidateJobCreate, ValidateCronJobCreate; pkg/registry/batch/job generateSelector. Runs on a defaulted
 * object, as the API server validates after defaulting. What changed since v1.20 follows the version read
 * as: the values of a selector's matchExpressions are checked for new objects from v1.26; the wording
 * (validation.ts).
 */
import type { KubeVersion } from "../kube-version.js";
import { atLeast, DEFAULT_KUBE_VERSION } from "../kube-version.js";
import type { Job, KubeObject, LabelSelector, ObjectMeta } from "../objects.js";
import {
  type DocumentPath,
  type FieldError,
  fieldInvalid,
  labelSelectorParses,
  labelSelectorValue,
  validateLabelSelector,
  validateLabels,
} from "../validation.js";

/** kubernetes/kubernetes#113699: matchExpressions values are validated on create. */
const SELECTOR_VALUES_VALIDATED_SINCE = 26;

/** The label errors the API server would reject `object` with, each located in the document (`at`). */
export function labelErrors(object: KubeObject, version: KubeVersion = DEFAULT_KUBE_VERSION): FieldError[] {
  const checks = checksOf(version);
  if (object.kind === "Job") return jobErrors(object, checks);
  const { labels, template, selector } = checks;
  const errors = labels(object.metadata.labels, "metadata.labels", ["metadata", "labels"]);
  switch (object.kind) {
    case "Service":
      errors.push(...labels(object.spec?.selector, "spec.selector", ["spec", "selector"]));
      break;
    case "ReplicationController":
      // spec.selector is not label-checked: it must only match the template's labels.
      errors.push(...template(object.spec?.template?.metadata, ["spec", "template"]));
      break;
    case "PodTemplate":
      errors.push(...template(object.template?.metadata, ["template"]));
      break;
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet": {
      // The template is validated only against a selector that parses; StatefulSet gives no detail.
      const value = object.spec?.selector;
      errors.push(...selector(value));
      if (!labelSelectorParses(value)) {
        const detail = object.kind === "StatefulSet" ? "" : "invalid label selector";
        errors.push(
          fieldInvalid("spec.selector", labelSelectorValue(value!, version), detail, ["spec", "selector"]),
        );
      } else {
        errors.push(...template(object.spec?.template?.metadata, ["spec", "template"]));
      }
      break;
    }
    case "DaemonSet":
      errors.push(...selector(object.spec?.selector));
      errors.push(...template(object.spec?.template?.metadata, ["spec", "template"]));
      break;
    case "CronJob":
      // jobTemplate.metadata is not validated; the job's pod template is.
      errors.push(
        ...template(object.spec?.jobTemplate?.spec?.template?.metadata, [
          "spec",
          "jobTemplate",
          "spec",
          "template",
        ]),
      );
      break;
    default:
      break;
  }
  return errors;
}

/**
 * A Job as validated on create. Without `manualSelector: true` generateSelector first adds each job-name
 * label the template lacks (`job-name` and `batch.kubernetes.io/job-name`: NAME; v1.20 only the first,
 * which words every error kubefence gives the same) and the controller-uid ones (a UID, always valid), so
 * a name over 63 bytes is rejected. SetDefaults_Job gives a Job without labels its template's label map —
 * the same map, so when the template has one (even `{}`), metadata.labels gets the added labels too.
 * Not checked here: a job-name label that is not NAME (ValidateHasLabel quotes the generated UID).
 */
function jobErrors(job: Job, { labels, template, selector }: Checks): FieldError[] {
  const templateLabels = job.spec?.template?.metadata?.labels;
  const generated = job.spec?.manualSelector === true ? templateLabels : withJobNameLabels(job);
  const own = job.metadata.labels;
  const metadataLabels =
    Object.keys(own ?? {}).length > 0 ? own : templateLabels != null ? generated : templateLabels;
  return [
    ...labels(metadataLabels, "metadata.labels", ["metadata", "labels"]),
    ...template({ labels: generated }, ["spec", "template"]),
    ...selector(job.spec?.selector),
  ];
}

function withJobNameLabels(job: Job): Record<string, string> {
  const labels = { ...job.spec?.template?.metadata?.labels };
  // prototype-safe: the keys are the two literal label names
  for (const key of ["job-name", "batch.kubernetes.io/job-name"]) labels[key] ??= job.metadata.name;
  return labels;
}

/** The checks every kind is made of, worded for one version. */
interface Checks {
  /** A label map at `field`. */
  labels(map: Record<string, string> | undefined, field: string, at: DocumentPath): FieldError[];
  /** A pod template's labels, reported at `<template>.labels`, without `metadata` (ValidatePodTemplateSpec). */
  template(metadata: ObjectMeta | undefined, at: DocumentPath): FieldError[];
  /** A workload's spec.selector, as validated on create. */
  selector(value: LabelSelector | undefined): FieldError[];
}

/** The checks of each version read as, made once: every object read asks for them. */
const CHECKS = new Map<number, Checks>();

function checksOf(version: KubeVersion): Checks {
  const known = CHECKS.get(version.minor);
  if (known) return known;
  const checks = makeChecks(version);
  CHECKS.set(version.minor, checks);
  return checks;
}

function makeChecks(version: KubeVersion): Checks {
  const labels: Checks["labels"] = (map, field, at) => validateLabels(map, field, { at, version });
  return {
    labels,
    template: (metadata, at) =>
      labels(metadata?.labels, `${fieldOf(at)}.labels`, [...at, "metadata", "labels"]),
    selector: (value) =>
      validateLabelSelector(value, "spec.selector", {
        at: ["spec", "selector"],
        version,
        allowInvalidLabelValueInSelector: !atLeast(version, SELECTOR_VALUES_VALIDATED_SINCE),
      }),
  };
}

function fieldOf(at: DocumentPath): string {
  return at.join(".");
}
