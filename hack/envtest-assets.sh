#!/usr/bin/env bash
# Builds the control-plane binaries envtest needs (kube-apiserver and etcd) from the Go
# module proxy and installs them where setup-envtest keeps its assets, so a machine that
# already has them (from setup-envtest or an earlier run) reuses them.
#
# Usage: hack/envtest-assets.sh            prints the asset directory on stdout
# Env:   ENVTEST_K8S_VERSION (1.37.2), ENVTEST_ETCD_VERSION (v3.7.0), ENVTEST_ASSETS_ROOT
set -euo pipefail

k8s_version="${ENVTEST_K8S_VERSION:-1.37.2}"
etcd_version="${ENVTEST_ETCD_VERSION:-v3.7.0}"
goos="$(go env GOOS)"
goarch="$(go env GOARCH)"
root="${ENVTEST_ASSETS_ROOT:-${XDG_DATA_HOME:-$HOME/.local/share}/kubebuilder-envtest}"
assets="$root/k8s/${k8s_version}-${goos}-${goarch}"

say() { echo "envtest-assets: $*" >&2; }

if [[ -x "$assets/kube-apiserver" && -x "$assets/etcd" ]]; then
  say "using $assets"
  echo "$assets"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$assets"
staging_minor="v0.${k8s_version#1.}"
started=$SECONDS

if [[ ! -x "$assets/kube-apiserver" ]]; then
  say "building kube-apiserver v${k8s_version} from the Go module proxy (first time only: several minutes on 2 cores)"
  mkdir -p "$work/apiserver"
  cd "$work/apiserver"
  go mod init envtest.local/apiserver >/dev/null 2>&1
  # k8s.io/kubernetes points every staging module at ./staging; a consumer must
  # replace each of them with the published v0.X.Y module of the same release.
  mod="$(go mod download -json "k8s.io/kubernetes@v${k8s_version}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
  grep -oE '^[[:space:]]*k8s.io/[a-z0-9-]+ => ./staging' "$mod" | awk '{print $1}' | while read -r m; do
    go mod edit -replace "$m=$m@$staging_minor"
  done
  go mod edit -require "k8s.io/kubernetes@v${k8s_version}"
  cat > tools.go <<'GO'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
GO
  GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || true
  GOFLAGS=-mod=mod go get "k8s.io/kubernetes/cmd/kube-apiserver@v${k8s_version}" >/dev/null
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v${k8s_version} -X $pkg.gitMajor=1 -X $pkg.gitMinor=${k8s_version#1.}"
    ldflags+=" -X $pkg.gitMinor=$(echo "$k8s_version" | cut -d. -f2) -X $pkg.gitTreeState=clean"
    ldflags+=" -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$assets/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$assets/kube-apiserver.tmp" "$assets/kube-apiserver"
  say "kube-apiserver built ($((SECONDS - started))s)"
fi

if [[ ! -x "$assets/etcd" ]]; then
  say "building etcd ${etcd_version} from the Go module proxy"
  mkdir -p "$work/etcd"
  cd "$work/etcd"
  go mod init envtest.local/etcd >/dev/null 2>&1
  GOFLAGS=-mod=mod go get "go.etcd.io/etcd/server/v3@${etcd_version}" >/dev/null
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$assets/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$assets/etcd.tmp" "$assets/etcd"
  say "etcd built ($((SECONDS - started))s)"
fi

"$assets/kube-apiserver" --version >&2
echo "$assets"
