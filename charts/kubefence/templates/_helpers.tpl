{{/* The namespace every namespaced object goes to. */}}
{{- define "kubefence.namespace" -}}
{{- .Values.namespace.name | default .Release.Namespace -}}
{{- end -}}

{{/* The labels every object carries (the same as `kubefence webhook manifests` writes). */}}
{{- define "kubefence.labels" -}}
app.kubernetes.io/name: kubefence-webhook
app.kubernetes.io/part-of: kubefence
{{- end -}}

{{- define "kubefence.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{- define "kubefence.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "kubefence.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Helm runs these after the release's other objects exist, by weight, waiting for each Job to finish. */}}
{{- define "kubefence.afterRollout" -}}
post-install,post-upgrade,post-rollback
{{- end -}}

{{/* The controller's labels (its own name, so the webhook's selectors never pick its pods). */}}
{{- define "kubefence.controllerLabels" -}}
app.kubernetes.io/name: kubefence-controller
app.kubernetes.io/part-of: kubefence
{{- end -}}
