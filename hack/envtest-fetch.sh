# Sourced by hack/envtest-assets.sh: fetches the envtest archive setup-envtest uses. The
# index (controller-tools' envtest-releases.yaml) maps each release to one archive per
# platform with its SHA-512:
#   releases:
#     v1.37.2:
#       envtest-v1.37.2-linux-amd64.tar.gz:
#         hash: <sha512 hex>
#         selfLink: https://github.com/kubernetes-sigs/controller-tools/releases/download/...
# and the archive holds controller-tools/envtest/{etcd,kube-apiserver,kubectl}.

# archive_entry prints "hash selfLink" of the archive for this version and platform.
archive_entry() {
  awk -v release="v${k8s_version}:" -v archive="envtest-v${k8s_version}-${goos}-${goarch}.tar.gz:" '
    /^  [^ ]/ { in_release = ($1 == release) }
    /^    [^ ]/ { in_archive = in_release && ($1 == archive) }
    in_archive && $1 == "hash:" { hash = $2 }
    in_archive && $1 == "selfLink:" { link = $2 }
    END { if (hash != "" && link != "") print hash, link }
  ' "$1"
}

# fetch_published installs kube-apiserver and etcd from the published archive; on failure it
# says why on its last stderr line and installs nothing.
fetch_published() {
  local index="$work/index.yaml" archive="$work/envtest.tar.gz" entry hash link
  curl -fsSL --connect-timeout 10 --max-time 60 -o "$index" "$index_url" ||
    { echo "index $index_url unreachable" >&2; return 1; }
  entry="$(archive_entry "$index")"
  [[ -n "$entry" ]] || { echo "the index has no archive for v${k8s_version} ${goos}/${goarch}" >&2; return 1; }
  hash="${entry%% *}"
  link="${entry#* }"
  curl -fsSL --connect-timeout 10 --max-time 600 -o "$archive" "$link" ||
    { echo "archive $link unreachable" >&2; return 1; }
  [[ "$(sha512sum "$archive" | cut -d' ' -f1)" == "$hash" ]] ||
    { echo "archive $link does not match the index's SHA-512" >&2; return 1; }
  mkdir -p "$work/unpacked"
  tar -xzf "$archive" -C "$work/unpacked" ||
    { echo "archive $link is not a gzip tarball" >&2; return 1; }
  local bin found
  for bin in kube-apiserver etcd; do
    found="$(find "$work/unpacked" -type f -name "$bin" | head -n1)"
    [[ -n "$found" ]] || { echo "archive $link has no $bin" >&2; return 1; }
  done
  for bin in kube-apiserver etcd kubectl; do
    found="$(find "$work/unpacked" -type f -name "$bin" | head -n1)"
    [[ -n "$found" ]] || continue
    install -m 0755 "$found" "$assets/$bin.tmp" && mv "$assets/$bin.tmp" "$assets/$bin" ||
      { echo "cannot install $bin into $assets" >&2; return 1; }
  done
}
