// Package e2e holds the end-to-end tests: the built manager binary, run with the flags and
// the RBAC of config/, against a local kube-apiserver and the Salesforce emulator binary,
// driven only through kubectl and the emulator's admin API.
//
// The tests carry the build tag e2e so that `go test ./...` skips them; run them with
// `make test-e2e` (which `make test` runs after the unit tests) or
// `go test -tags e2e ./hack/e2e/`.
package e2e
