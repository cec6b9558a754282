{{/*
A Berth service: Deployment, Service, HPA and PodDisruptionBudget.
(dict "root" $ "component" "tracking" "values" .Values.tracking "args" (list "server" ...)
      "database" true "env" (list (dict "name" "BERTH_UI" "value" "true")))
"env" (optional): EnvVars of this service alone, before the ones every Berth container gets.
*/}}
{{- define "berth.api" -}}
{{- $root := .root -}}
{{- $values := .values -}}
{{- $name := printf "%s-%s" (include "berth.fullname" $root) .component -}}
{{- $selector := dict "root" $root "component" .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "berth.componentLabels" $selector | nindent 4 }}
spec:
  {{- if not $values.autoscaling.enabled }}
  replicas: {{ $values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "berth.selectorLabels" $selector | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
  template:
    metadata:
      labels:
        {{- include "berth.componentLabels" $selector | nindent 8 }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "berth.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "berth.podSecurityContext" $root | nindent 8 }}
      {{- include "berth.topologySpread" $selector | nindent 6 }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if .database }}
      initContainers:
        # API pods never migrate: they wait here until the migration Job brought the schema
        # to the revision this image needs.
        - name: wait-for-schema
          image: {{ include "berth.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: ["db", "wait", "--timeout", {{ $root.Values.migrations.waitTimeoutSeconds | quote }}]
          env:
            {{- include "berth.databaseEnv" $root | nindent 12 }}
          securityContext:
            {{- include "berth.containerSecurityContext" $root | nindent 12 }}
          resources:
            {{- toYaml $root.Values.migrations.resources | nindent 12 }}
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "berth.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args:
            {{- toYaml .args | nindent 12 }}
            - --workers
            - {{ $values.workers | quote }}
          envFrom:
            - configMapRef:
                name: {{ include "berth.fullname" $root }}
          {{- $env := include "berth.containerEnv" (dict "root" $root "database" .database) }}
          {{- with .env }}
          {{- $env = print (toYaml .) "\n" $env | trim }}
          {{- end }}
          {{- with $env }}
          env:
            {{- . | nindent 12 }}
          {{- end }}
          ports:
            - {name: http, containerPort: {{ $root.Values.server.port }}, protocol: TCP}
            {{- if $root.Values.server.grpcPort }}
            - {name: grpc, containerPort: {{ $root.Values.server.grpcPort }}, protocol: TCP}
            {{- end }}
          startupProbe:
            httpGet: {path: /health, port: http, httpHeaders: [{name: Host, value: localhost}]}
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            httpGet: {path: /health, port: http, httpHeaders: [{name: Host, value: localhost}]}
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet: {path: /ready, port: http, httpHeaders: [{name: Host, value: localhost}]}
            periodSeconds: 5
            timeoutSeconds: 5
            failureThreshold: 3
          securityContext:
            {{- include "berth.containerSecurityContext" $root | nindent 12 }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      volumes:
        - name: tmp
          emptyDir: {sizeLimit: 1Gi}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "berth.componentLabels" $selector | nindent 4 }}
spec:
  type: {{ $values.service.type }}
  selector:
    {{- include "berth.selectorLabels" $selector | nindent 4 }}
  ports:
    - {name: http, port: {{ $values.service.port }}, targetPort: http, protocol: TCP}
    {{- if $root.Values.server.grpcPort }}
    - {name: grpc, port: {{ $root.Values.server.grpcPort }}, targetPort: grpc, protocol: TCP, appProtocol: grpc}
    {{- end }}
{{- if $values.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  labels:
    {{- include "berth.componentLabels" $selector | nindent 4 }}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: {{ $name }}}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}}
{{- end }}
{{- if and $values.podDisruptionBudget.enabled (or $values.autoscaling.enabled (gt (int $values.replicas) 1)) }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  labels:
    {{- include "berth.componentLabels" $selector | nindent 4 }}
spec:
  minAvailable: {{ $values.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "berth.selectorLabels" $selector | nindent 6 }}
{{- end }}
{{- end }}
