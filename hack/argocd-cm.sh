#!/usr/bin/env bash
# Writes config/argocd/argocd-cm.yaml, the argocd-cm snippet that installs
# config/argocd/health.lua as the health check of both kinds.
set -euo pipefail
cd "$(dirname "$0")/../config/argocd"
{
  cat <<'EOF'
# Generated from health.lua by make argocd-cm. Argo CD health checks for the controller's kinds:
# merge into the argocd-cm ConfigMap of the Argo CD installation, e.g.
#   kubectl -n argocd patch configmap argocd-cm --patch-file config/argocd/argocd-cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
EOF
  for kind in SalesforceDestination SalesforceIdentity; do
    echo "  resource.customizations.health.salesforce.destinations.dev_${kind}: |"
    sed 's/^/    /; s/^ *$//' health.lua
  done
} > argocd-cm.yaml
