package localenv

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

const testK8sVersion = "1.37.2"

// fakeBinary is a program that answers --version as kube-apiserver does.
func fakeBinary(name string) []byte {
	return []byte("#!/bin/sh\necho \"" + name + " from the published archive v" + testK8sVersion + "\"\n")
}

// envtestArchive is laid out as controller-tools publishes it.
func envtestArchive(t *testing.T, binaries ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range binaries {
		body := fakeBinary(name)
		if err := tw.WriteHeader(&tar.Header{Name: "controller-tools/envtest/" + name, Mode: 0o755, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// releaseServer serves an envtest-releases.yaml index and its archive, like GitHub would.
type releaseServer struct {
	*httptest.Server
	requests atomic.Int32
}

func newReleaseServer(t *testing.T, archive []byte, hash string, version string) *releaseServer {
	s := &releaseServer{}
	name := fmt.Sprintf("envtest-v%s-%s-%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		switch r.URL.Path {
		case "/envtest-releases.yaml":
			fmt.Fprintf(w, "releases:\n  v1.36.0:\n    %s:\n      hash: 00\n      selfLink: %s/wrong\n", strings.ReplaceAll(name, version, "1.36.0"), s.URL)
			fmt.Fprintf(w, "  v%s:\n    envtest-v%s-plan9-386.tar.gz:\n      hash: 00\n      selfLink: %s/wrong\n", version, version, s.URL)
			fmt.Fprintf(w, "    %s:\n      hash: %s\n      selfLink: %s/download/%s\n", name, hash, s.URL, name)
		case "/download/" + name:
			_, _ = w.Write(archive)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func sha512Hex(b []byte) string {
	sum := sha512.Sum512(b)
	return hex.EncodeToString(sum[:])
}

// runAssetsScript runs hack/envtest-assets.sh with its own asset root. The Go module proxy is
// off and the module cache empty, so a fallback build fails at once instead of taking minutes:
// the test sees which way the script went, not a kube-apiserver build.
func runAssetsScript(t *testing.T, root, indexURL string) (stdout, stderr string, err error) {
	t.Helper()
	repo, rerr := RepoRoot()
	if rerr != nil {
		t.Fatal(rerr)
	}
	cmd := exec.Command(filepath.Join(repo, "hack", "envtest-assets.sh"))
	cmd.Env = append(os.Environ(), "ENVTEST_ASSETS_ROOT="+root, "ENVTEST_INDEX_URL="+indexURL,
		"ENVTEST_K8S_VERSION="+testK8sVersion, "GOPROXY=off", "GOFLAGS=-mod=mod", "GOMODCACHE="+t.TempDir())
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

func TestEnvtestAssetsFetchesPublishedBinaries(t *testing.T) {
	archive := envtestArchive(t, "etcd", "kube-apiserver", "kubectl")
	srv := newReleaseServer(t, archive, sha512Hex(archive), testK8sVersion)
	root := t.TempDir()
	stdout, stderr, err := runAssetsScript(t, root, srv.URL+"/envtest-releases.yaml")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	dir := filepath.Join(root, "k8s", testK8sVersion+"-"+runtime.GOOS+"-"+runtime.GOARCH)
	if strings.TrimSpace(stdout) != dir {
		t.Errorf("printed %q, want %s", stdout, dir)
	}
	if !strings.Contains(stderr, "fetched setup-envtest's published binaries") || strings.Contains(stderr, "building") {
		t.Errorf("stderr does not say the binaries were fetched:\n%s", stderr)
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		got, err := os.ReadFile(filepath.Join(dir, bin))
		if err != nil || !bytes.Equal(got, fakeBinary(bin)) {
			t.Errorf("%s is not the archive's (%v)", bin, err)
		}
	}
	// A second run finds them and asks nothing.
	before := srv.requests.Load()
	if _, stderr, err := runAssetsScript(t, root, srv.URL+"/envtest-releases.yaml"); err != nil || !strings.Contains(stderr, "using "+dir) {
		t.Errorf("second run: %v\n%s", err, stderr)
	}
	if srv.requests.Load() != before {
		t.Error("the second run downloaded again")
	}
}

func TestEnvtestAssetsFallsBackToBuilding(t *testing.T) {
	good := envtestArchive(t, "etcd", "kube-apiserver")
	for _, tc := range []struct {
		name     string
		archive  []byte
		hash     string
		version  string
		indexURL func(srv *releaseServer) string
		reason   string
	}{
		{"index unreachable", good, sha512Hex(good), testK8sVersion,
			func(srv *releaseServer) string { return srv.URL + "/missing.yaml" }, "unreachable"},
		{"no archive for the version", good, sha512Hex(good), "1.99.0", nil, "the index has no archive for v" + testK8sVersion},
		{"checksum mismatch", good, sha512Hex([]byte("something else")), testK8sVersion, nil, "does not match the index's SHA-512"},
		{"archive without etcd", envtestArchive(t, "kube-apiserver"), "", testK8sVersion, nil, "has no etcd"},
		{"not a tarball", []byte("<html>rate limited</html>"), "", testK8sVersion, nil, "is not a gzip tarball"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hash := tc.hash
			if hash == "" {
				hash = sha512Hex(tc.archive)
			}
			srv := newReleaseServer(t, tc.archive, hash, tc.version)
			url := srv.URL + "/envtest-releases.yaml"
			if tc.indexURL != nil {
				url = tc.indexURL(srv)
			}
			root := t.TempDir()
			_, stderr, err := runAssetsScript(t, root, url)
			if err == nil {
				t.Fatalf("the build with the module proxy off succeeded:\n%s", stderr)
			}
			for _, want := range []string{"cannot fetch setup-envtest's published binaries", tc.reason, "building them from the Go module proxy instead"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			dir := filepath.Join(root, "k8s", testK8sVersion+"-"+runtime.GOOS+"-"+runtime.GOARCH)
			for _, bin := range []string{"kube-apiserver", "etcd"} {
				if _, err := os.Stat(filepath.Join(dir, bin)); err == nil {
					t.Errorf("%s was installed from a rejected archive", bin)
				}
			}
		})
	}
}
