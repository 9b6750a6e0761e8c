/**
 * The labels and label selectors the API server validates when an object is created, kind by kind and in
 * its order, so a manifest it would reject is rejected here too, with its words. Upstream (v1.20, the
 * version the differential tests run): ValidateObjectMeta (every kind's metadata.labels);
 * pkg/apis/core/validation ValidatePodTemplateSpec (a pod template's labels, reported at
 * `<template>.labels`), ValidateService (spec.selector); pkg/apis/apps/validation ValidateDeploymentSpec,
 * ValidateReplicaSetSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec; pkg/apis/batch/validation
 * ValidateJob, ValidateCronJob. Runs on a defaulted object, as the API server validates after defaulting.
 */
import type { Job, KubeObject, LabelSelector, ObjectMeta } from "../model/objects.js";
import {
  type DocumentPath,
  type FieldError,
  fieldInvalid,
  goLabelSelector,
  labelSelectorParses,
  validateLabelSelector,
  validateLabels,
} from "../model/validation.js";

/** The label errors the API server would reject `object` with, each located in the document (`at`). */
export function labelErrors(object: KubeObject): FieldError[] {
  const errors = metadataLabels(object);
  switch (object.kind) {
    case "Service":
      errors.push(...validateLabels(object.spec?.selector, "spec.selector", ["spec", "selector"]));
      break;
    case "ReplicationController":
      // spec.selector is not label-checked: it must only match the template's labels.
      errors.push(...templateLabels(object.spec?.template?.metadata, ["spec", "template"]));
      break;
    case "PodTemplate":
      errors.push(...templateLabels(object.template?.metadata, ["template"]));
      break;
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet": {
      // The template is validated only against a selector that parses; StatefulSet gives no detail.
      const selector = object.spec?.selector;
      errors.push(...selectorLabels(selector));
      if (!labelSelectorParses(selector)) {
        const detail = object.kind === "StatefulSet" ? "" : "invalid label selector";
        errors.push(fieldInvalid("spec.selector", goLabelSelector(selector!), detail, ["spec", "selector"]));
      } else {
        errors.push(...templateLabels(object.spec?.template?.metadata, ["spec", "template"]));
      }
      break;
    }
    case "DaemonSet":
      errors.push(...selectorLabels(object.spec?.selector));
      errors.push(...templateLabels(object.spec?.template?.metadata, ["spec", "template"]));
      break;
    case "Job":
      errors.push(...templateLabels({ labels: jobTemplateLabels(object) }, ["spec", "template"]));
      errors.push(...selectorLabels(object.spec?.selector));
      break;
    case "CronJob":
      // jobTemplate.metadata is not validated; the job's pod template is.
      errors.push(
        ...templateLabels(object.spec?.jobTemplate?.spec?.template?.metadata, [
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

function metadataLabels(object: KubeObject): FieldError[] {
  let labels = object.metadata.labels;
  // SetDefaults_Job: a Job without labels takes its template's (ReplicationController: applyDefaults).
  if (object.kind === "Job" && Object.keys(labels ?? {}).length === 0)
    labels = object.spec?.template?.metadata?.labels;
  return validateLabels(labels, "metadata.labels", ["metadata", "labels"]);
}

/** ValidatePodTemplateSpec reports a template's labels at `<template>.labels`, without `metadata`. */
function templateLabels(metadata: ObjectMeta | undefined, at: DocumentPath): FieldError[] {
  return validateLabels(metadata?.labels, `${fieldOf(at)}.labels`, [...at, "metadata", "labels"]);
}

/** v1.20 leaves the values of matchExpressions to LabelSelectorAsSelector. */
function selectorLabels(selector: LabelSelector | undefined): FieldError[] {
  return validateLabelSelector(selector, "spec.selector", { allowInvalidLabelValueInSelector: true }, [
    "spec",
    "selector",
  ]);
}

/**
 * A Job's pod template as validated: without `manualSelector: true` the API server adds `job-name: NAME`
 * (and a controller-uid, always valid) before validating it, so a name over 63 characters is rejected here.
 */
function jobTemplateLabels(job: Job): Record<string, string> | undefined {
  const labels = job.spec?.template?.metadata?.labels;
  if (job.spec?.manualSelector === true || labels?.["job-name"] !== undefined) return labels;
  return { ...labels, "job-name": job.metadata.name };
}

function fieldOf(at: DocumentPath): string {
  return at.join(".");
}
