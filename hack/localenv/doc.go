// Package localenv runs the pieces of a local salesforce-controller installation as plain
// processes: a kube-apiserver and etcd, the manager and the Salesforce emulator binaries, and
// kubectl as the client. `make dev` and the end-to-end tests share it, so what a developer
// watches locally is what CI checks.
package localenv
