#!/usr/bin/env bash
# make kind-e2e: the chart in a real cluster. A kind cluster, the image built and loaded, then
# for each mode: helm install (bundled PostgreSQL and MinIO, evaluation settings), wait for the
# rollout, helm test (the mlflow client smoke test), helm uninstall.
#
# Needs docker, kind, kubectl and helm on PATH, and the cluster's nodes able to pull the
# postgres, minio, nginx-unprivileged and python images (the helm test pod pip-installs
# mlflow-skinny). Not run in CI: the CI machine has no Docker engine; tests/chart and
# deploy/local-check cover the chart there.
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER="${KIND_CLUSTER:-berth-e2e}"
IMAGE="${IMAGE:-berth}"
VERSION="${VERSION:-0.1.0}"
TAG="${TAG:-kind-e2e}"
MODES="${MODES:-direct proxied artifacts-only}"

for tool in docker kind kubectl helm; do
    command -v "$tool" >/dev/null || { echo "kind-e2e needs $tool on PATH" >&2; exit 1; }
done

kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER" --wait 120s
make image IMAGE="$IMAGE" VERSION="$TAG"
kind load docker-image "$IMAGE:$TAG" --name "$CLUSTER"

for mode in $MODES; do
    namespace="berth-$mode"
    release="berth"
    echo "=== $mode ==="
    kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f -
    settings=(
        --set image.repository="$IMAGE" --set image.tag="$TAG" --set image.pullPolicy=Never
        --set minio.enabled=true --set minio.rootPassword=kind-e2e-password
        --set s3.region=us-east-1
        --set tracking.replicas=1 --set registry.replicas=1 --set artifactService.replicas=1
        --set gateway.replicas=1
    )
    if [ "$mode" != "artifacts-only" ]; then
        settings+=(--set database.existingSecret= --set postgresql.enabled=true
                   --set postgresql.auth.password=kind-e2e-password)
    fi
    # No --wait: with the bundled PostgreSQL the migration is a post-install hook, and the API
    # pods wait for it in their init container.
    helm upgrade --install "$release" charts/berth --namespace "$namespace" \
        -f "deploy/values/$mode.yaml" "${settings[@]}" --timeout 10m
    for deployment in $(kubectl --namespace "$namespace" get deployments -o name); do
        kubectl --namespace "$namespace" rollout status "$deployment" --timeout 10m
    done
    helm test "$release" --namespace "$namespace" --logs --timeout 10m
    helm uninstall "$release" --namespace "$namespace" --wait
    kubectl delete namespace "$namespace" --wait=false
done
echo "kind-e2e passed: $MODES"
