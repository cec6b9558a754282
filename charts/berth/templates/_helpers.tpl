{{/* Names and labels -------------------------------------------------------------------- */}}

{{- define "berth.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "berth.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "berth.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "berth.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: berth
{{- end }}

{{/* selector labels of one component: (dict "root" $ "component" "tracking") */}}
{{- define "berth.selectorLabels" -}}
app.kubernetes.io/name: {{ include "berth.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "berth.componentLabels" -}}
{{ include "berth.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "berth.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "berth.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "berth.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* What runs in this mode: each helper prints "true" or nothing ------------------------- */}}

{{- define "berth.trackingEnabled" -}}
{{- if ne .Values.artifacts.mode "artifactsOnly" }}true{{ end }}
{{- end }}

{{- define "berth.artifactsEnabled" -}}
{{- if ne .Values.artifacts.mode "direct" }}true{{ end }}
{{- end }}

{{- define "berth.registryEnabled" -}}
{{- if and (include "berth.trackingEnabled" .) .Values.registry.enabled }}true{{ end }}
{{- end }}

{{- define "berth.gatewayEnabled" -}}
{{- if not (or .Values.ingress.enabled .Values.httpRoute.enabled) }}true{{ end }}
{{- end }}

{{/* The Service name and port answering a role's routes: (dict "root" $ "role" "registry") */}}
{{- define "berth.routeServiceName" -}}
{{- include "berth.upstream" . | splitList ":" | first }}
{{- end }}

{{- define "berth.routeServicePort" -}}
{{- include "berth.upstream" . | splitList ":" | last }}
{{- end }}

{{/* The store ------------------------------------------------------------------------------ */}}

{{- define "berth.destination" -}}
{{- if .Values.artifacts.destination }}
{{- .Values.artifacts.destination }}
{{- else if .Values.minio.enabled }}
{{- printf "s3://%s/artifacts" .Values.minio.bucket }}
{{- end }}
{{- end }}

{{- define "berth.defaultArtifactRoot" -}}
{{- if .Values.artifacts.defaultArtifactRoot }}
{{- .Values.artifacts.defaultArtifactRoot }}
{{- else if and .Values.minio.enabled (eq .Values.artifacts.mode "direct") }}
{{- printf "s3://%s/artifacts" .Values.minio.bucket }}
{{- end }}
{{- end }}

{{- define "berth.s3EndpointUrl" -}}
{{- if .Values.minio.enabled }}
{{- printf "http://%s-minio:9000" (include "berth.fullname" .) }}
{{- else }}
{{- .Values.s3.endpointUrl }}
{{- end }}
{{- end }}

{{/* Secrets: name of the Secret and keys holding S3 keys, or nothing (IAM role). */}}
{{- define "berth.s3SecretName" -}}
{{- if .Values.s3.existingSecret }}
{{- .Values.s3.existingSecret }}
{{- else if or .Values.s3.accessKeyId .Values.minio.enabled }}
{{- include "berth.fullname" . }}-s3
{{- end }}
{{- end }}

{{- define "berth.databaseSecretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- include "berth.fullname" . }}-database
{{- end }}
{{- end }}

{{- define "berth.databaseSecretKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecretKey }}{{ else }}uri{{ end }}
{{- end }}

{{- define "berth.databaseUri" -}}
{{- if .Values.postgresql.enabled }}
{{- $auth := .Values.postgresql.auth }}
{{- printf "postgresql://%s:%s@%s-postgresql:5432/%s" $auth.username (urlquery $auth.password) (include "berth.fullname" .) $auth.database }}
{{- else }}
{{- .Values.database.uri }}
{{- end }}
{{- end }}

{{/* Environment of Berth containers ------------------------------------------------------- */}}

{{- define "berth.databaseEnv" -}}
- name: BERTH_BACKEND_STORE_URI
  valueFrom:
    secretKeyRef:
      name: {{ include "berth.databaseSecretName" . }}
      key: {{ include "berth.databaseSecretKey" . }}
{{- end }}

{{- define "berth.s3CredentialsEnv" -}}
{{- $secret := include "berth.s3SecretName" . }}
{{- if $secret -}}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .Values.s3.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .Values.s3.secretAccessKeyKey }}
{{- end }}
{{- end }}

{{/*
The env list of a Berth container (without the ConfigMap): the database URI when it uses the
database, S3 keys when they come from a Secret, and server.extraEnv; empty when none applies.
(dict "root" $ "database" true)
*/}}
{{- define "berth.containerEnv" -}}
{{- $env := include "berth.s3CredentialsEnv" .root }}
{{- if .database }}
{{- $env = print (include "berth.databaseEnv" .root) "\n" $env }}
{{- end }}
{{- with .root.Values.server.extraEnv }}
{{- $env = print $env "\n" (toYaml .) }}
{{- end }}
{{- trim $env }}
{{- end }}

{{- define "berth.podSecurityContext" -}}
{{ toYaml .Values.podSecurityContext }}
{{- end }}

{{- define "berth.containerSecurityContext" -}}
{{ toYaml .Values.securityContext }}
{{- end }}

{{/* (dict "root" $ "component" "tracking") */}}
{{- define "berth.topologySpread" -}}
{{- if .root.Values.topologySpread.enabled -}}
topologySpreadConstraints:
{{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
  - maxSkew: {{ $.root.Values.topologySpread.maxSkew }}
    topologyKey: {{ . }}
    whenUnsatisfiable: {{ $.root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "berth.selectorLabels" (dict "root" $.root "component" $.component) | nindent 8 }}
{{- end }}
{{- end }}
{{- end }}

{{- define "berth.migrationHook" -}}
{{- if .Values.postgresql.enabled }}post-install,pre-upgrade{{ else }}pre-install,pre-upgrade{{ end }}
{{- end }}
