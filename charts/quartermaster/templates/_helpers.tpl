{{/*
Names are fixed, not derived from the release name: the operator binds the ClusterRole
quartermaster-tenant-owner by name, and docs and alerts refer to the others. Install the
chart once per cluster.
*/}}
{{- define "quartermaster.labels" -}}
app.kubernetes.io/name: quartermaster
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "quartermaster.selectorLabels" -}}
app.kubernetes.io/name: quartermaster
app.kubernetes.io/component: controller-manager
{{- end -}}

{{- define "quartermaster.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
