#!/usr/bin/env bash
# Puts the control-plane binaries envtest needs (kube-apiserver and etcd) where setup-envtest
# keeps its assets and prints that directory. It first fetches the binaries setup-envtest
# would (controller-tools' envtest releases, checked against the index's SHA-512) and builds
# them from the Go module proxy only when they cannot be fetched, saying which it did.
#
# Usage: hack/envtest-assets.sh            prints the asset directory on stdout
# Env:   ENVTEST_K8S_VERSION (1.37.2), ENVTEST_ETCD_VERSION (v3.7.0), ENVTEST_ASSETS_ROOT,
#        ENVTEST_INDEX_URL (controller-tools' envtest-releases.yaml), ENVTEST_DOWNLOAD=0 to
#        skip the fetch, ENVTEST_PROGRESS_SECONDS (10) between progress lines of a build
set -euo pipefail

k8s_version="${ENVTEST_K8S_VERSION:-1.37.2}"
etcd_version="${ENVTEST_ETCD_VERSION:-v3.7.0}"
index_url="${ENVTEST_INDEX_URL:-https://raw.githubusercontent.com/kubernetes-sigs/controller-tools/HEAD/envtest-releases.yaml}"
goos="$(go env GOOS)"
goarch="$(go env GOARCH)"
root="${ENVTEST_ASSETS_ROOT:-${XDG_DATA_HOME:-$HOME/.local/share}/kubebuilder-envtest}"
assets="$root/k8s/${k8s_version}-${goos}-${goarch}"
here="$(cd "$(dirname "$0")" && pwd)"

say() { echo "envtest-assets: $*" >&2; }

if [[ -x "$assets/kube-apiserver" && -x "$assets/etcd" ]]; then
  say "using $assets"
  echo "$assets"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$assets"

# shellcheck source=hack/envtest-fetch.sh
source "$here/envtest-fetch.sh"
# shellcheck source=hack/envtest-build.sh
source "$here/envtest-build.sh"

if [[ "${ENVTEST_DOWNLOAD:-1}" == 0 ]]; then
  say "ENVTEST_DOWNLOAD=0: building from the Go module proxy"
  build_all
elif reason="$(fetch_published 2>&1 >/dev/null)"; then
  say "fetched setup-envtest's published binaries for v${k8s_version} (${index_url})"
else
  say "cannot fetch setup-envtest's published binaries: ${reason##*$'\n'}"
  say "building them from the Go module proxy instead (first time only: about 8 minutes on 2 cores)"
  build_all
fi

"$assets/kube-apiserver" --version >&2
echo "$assets"
