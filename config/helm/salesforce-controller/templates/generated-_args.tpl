{{/* Generated from config/default by hack/helmchart (make helm-chart). */}}

{{- define "salesforce-controller.labels" -}}
app.kubernetes.io/name: salesforce-controller
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* The metrics endpoint is served where a Service can reach it only when it is protected or
     plain HTTP was asked for. */}}
{{- define "salesforce-controller.metricsExposed" -}}
{{- if and .Values.metrics.enabled (or (not .Values.metrics.secure) true) }}true{{ end }}
{{- end }}

{{- define "salesforce-controller.args" -}}
- "--health-probe-bind-address=:8081"
{{- if .Values.leaderElection.enabled }}
- --leader-elect
{{- end }}
{{- if not .Values.metrics.enabled }}
- --metrics-bind-address=0
{{- else if include "salesforce-controller.metricsExposed" . }}
- --metrics-bind-address=:{{ .Values.metrics.port }}
{{- else }}
- --metrics-bind-address=127.0.0.1:{{ .Values.metrics.port }}
{{- end }}
- --metrics-secure={{ .Values.metrics.secure }}
{{- with .Values.watchNamespaces }}
- {{ printf "--watch-namespaces=%s" (join "," .) | quote }}
{{- end }}
{{- with .Values.allowedLoginHosts }}
- {{ printf "--allowed-login-hosts=%s" (join "," .) | quote }}
{{- end }}
{{- range .Values.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}
