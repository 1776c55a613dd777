# Sourced by hack/envtest-assets.sh: builds kube-apiserver and etcd from the Go module proxy.

# with_progress runs a long command, saying every ENVTEST_PROGRESS_SECONDS what it is doing
# and for how long, so minutes of compiling do not look like a hang.
with_progress() {
  local what="$1" started=$SECONDS ticker
  shift
  ( while sleep "${ENVTEST_PROGRESS_SECONDS:-10}"; do say "still $what ($((SECONDS - started))s so far)"; done ) &
  ticker=$!
  # In the background the command runs with errexit in force, which a "cmd || ..." would
  # switch off for everything it calls.
  "$@" &
  local job=$! rc=0
  wait "$job" || rc=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  return "$rc"
}

build_apiserver() {
  mkdir -p "$work/apiserver"
  cd "$work/apiserver"
  go mod init envtest.local/apiserver >/dev/null 2>&1
  # k8s.io/kubernetes points every staging module at ./staging; a consumer must
  # replace each of them with the published v0.X.Y module of the same release.
  local mod staging_minor="v0.${k8s_version#1.}"
  mod="$(go mod download -json "k8s.io/kubernetes@v${k8s_version}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')" || true
  [[ -n "$mod" ]] || { say "cannot download k8s.io/kubernetes@v${k8s_version} from the Go module proxy"; return 1; }
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
  local ldflags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v${k8s_version} -X $pkg.gitMajor=1"
    ldflags+=" -X $pkg.gitMinor=$(echo "$k8s_version" | cut -d. -f2) -X $pkg.gitTreeState=clean"
    ldflags+=" -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$assets/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$assets/kube-apiserver.tmp" "$assets/kube-apiserver"
}

build_etcd() {
  mkdir -p "$work/etcd"
  cd "$work/etcd"
  go mod init envtest.local/etcd >/dev/null 2>&1
  GOFLAGS=-mod=mod go get "go.etcd.io/etcd/server/v3@${etcd_version}" >/dev/null
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$assets/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$assets/etcd.tmp" "$assets/etcd"
}

build_all() {
  local started=$SECONDS
  if [[ ! -x "$assets/kube-apiserver" ]]; then
    say "building kube-apiserver v${k8s_version} from the Go module proxy"
    with_progress "building kube-apiserver v${k8s_version}" build_apiserver
    say "kube-apiserver built ($((SECONDS - started))s)"
  fi
  if [[ ! -x "$assets/etcd" ]]; then
    say "building etcd ${etcd_version} from the Go module proxy"
    with_progress "building etcd ${etcd_version}" build_etcd
    say "etcd built ($((SECONDS - started))s)"
  fi
}
