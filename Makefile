# salesforce-controller
IMG ?= salesforce-controller:dev
ENVTEST_K8S_VERSION ?= 1.37.2
CONTROLLER_GEN ?= go tool controller-gen
GO_TEST_FLAGS ?=
FAULT_N ?= 500
FUZZ_TIME ?= 15s
BIN ?= bin
HELM ?= $(BIN)/helm
CHART := config/helm/salesforce-controller
INSTALL_YAML := config/install/salesforce-controller.yaml

.DEFAULT_GOAL := help
SHELL := /usr/bin/env bash -o pipefail

##@ General

.PHONY: help
help: ## Show the targets.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  %-14s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: ## Generate CRDs and RBAC from the Go markers.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./api/...;./controllers/..." output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac

.PHONY: generate
generate: ## Generate DeepCopy methods.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## go fmt.
	go fmt ./...

.PHONY: vet
vet: ## go vet.
	go vet ./...

.PHONY: verify
verify: manifests generate helm-chart install-yaml argocd-cm ## Fail when generated files or formatting are stale.
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	@git diff --exit-code -- api config || { echo "generated files are stale: run 'make manifests generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- api config)" || { echo "untracked generated files:"; git status --porcelain -- api config; exit 1; }

.PHONY: envtest
envtest: ## Build (once) the kube-apiserver and etcd used by the tests.
	@hack/envtest-assets.sh >/dev/null

.PHONY: test
# RACE_PKGS run under the race detector: the REST client, batching and the controllers' unit
# tests, where the locks are. The envtest suite (TestControllers) runs without it: under -race
# it would take several times as long on two cores.
RACE_PKGS = ./salesforce/... ./controllers/...
ENVTEST_SUITE = TestControllers

test: manifests generate vet envtest ## Run unit (with -race), envtest and end-to-end tests.
	go test $(GO_TEST_FLAGS) -race -skip '^$(ENVTEST_SUITE)$$' -timeout 30m $(RACE_PKGS)
	KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh)" go test $(GO_TEST_FLAGS) -run '^$(ENVTEST_SUITE)$$' -timeout 30m ./controllers/
	KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh)" go test $(GO_TEST_FLAGS) -timeout 30m $$(go list ./... | grep -v -e '/salesforce-controller/salesforce' -e '/salesforce-controller/controllers')
	@$(MAKE) --no-print-directory test-helm
	@$(MAKE) --no-print-directory test-e2e
	@$(MAKE) --no-print-directory test-ops
	@$(MAKE) --no-print-directory test-faults
	@$(MAKE) --no-print-directory fuzz

##@ Build

.PHONY: build
build: ## Build the manager and the emulator.
	CGO_ENABLED=0 go build -o $(BIN)/manager .
	CGO_ENABLED=0 go build -o $(BIN)/salesforce-emulator ./hack/salesforce-emulator

.PHONY: run
run: manifests generate ## Run the manager against the current kubeconfig.
	go run . $(ARGS)

.PHONY: docker-build
docker-build: ## Build the container image (needs a Docker engine).
	docker build -t $(IMG) .

##@ Packaging

.PHONY: helm-chart
helm-chart: manifests ## Write the Helm chart in config/helm from config/default.
	kubectl kustomize config/default | go run ./hack/helmchart -out $(CHART)

.PHONY: install-yaml
install-yaml: manifests ## Render config/default into one file for kubectl apply -f.
	@mkdir -p $(dir $(INSTALL_YAML))
	{ echo "# Generated from config/default by make install-yaml: kubectl apply -f $(notdir $(INSTALL_YAML))"; \
	  kubectl kustomize config/default; } > $(INSTALL_YAML)

.PHONY: argocd-cm
argocd-cm: ## Write the argocd-cm snippet (config/argocd/argocd-cm.yaml) from config/argocd/health.lua.
	hack/argocd-cm.sh

$(HELM): hack/tools/go.mod hack/tools/go.sum
	cd hack/tools && go build -o $(abspath $(HELM)) helm.sh/helm/v4/cmd/helm

.PHONY: helm
helm: $(HELM) ## Build helm from the Go module proxy (hack/tools) into $(BIN).

.PHONY: test-helm
test-helm: $(HELM) helm-chart ## helm lint and helm template of the chart with its defaults and with every value set.
	$(HELM) lint --strict $(CHART)
	$(HELM) lint --strict $(CHART) -f hack/helmchart/testdata/all-values.yaml
	$(HELM) template salesforce-controller $(CHART) --namespace salesforce-controller-system --include-crds >/dev/null
	HELM=$(abspath $(HELM)) go test -count=1 ./hack/helmchart/

.PHONY: test-ops
test-ops: ## The Argo CD health script, Prometheus rules and Grafana dashboard, checked with the real interpreters and parsers (hack/opscheck).
	cd hack/opscheck && go vet ./... && go test -count=1 ./...

##@ Deployment

.PHONY: install
install: manifests ## Install the CRDs into the current cluster.
	kubectl apply -k config/crd

.PHONY: uninstall
uninstall: manifests ## Remove the CRDs from the current cluster.
	kubectl delete --ignore-not-found -k config/crd

.PHONY: deploy
deploy: manifests ## Deploy the controller with config/default.
	cd config/manager && kubectl kustomize . >/dev/null
	kubectl apply -k config/default

.PHONY: undeploy
undeploy: ## Remove the controller.
	kubectl delete --ignore-not-found -k config/default

##@ Local run and end-to-end tests

.PHONY: dev
dev: ## Run a local control plane, the emulator (or the org in SALESFORCE_*), the manager and the samples; Ctrl-C cleans up.
	@hack/with-progress.sh "building make dev's runner (hack/dev)" go build -o $(BIN)/dev ./hack/dev
	@$(BIN)/dev

.PHONY: test-e2e
test-e2e: envtest $(HELM) helm-chart ## End-to-end tests: the built manager with config/ (kustomize and Helm chart) flags and RBAC, the emulator, kubectl.
	HELM=$(abspath $(HELM)) KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh)" go test $(GO_TEST_FLAGS) -tags e2e -count=1 -v -timeout 40m ./hack/e2e/

.PHONY: bench
bench: envtest ## Benchmark batching on and off against the emulator at 50 ms per call (BENCH_N=10000 for the big run, BENCH_OUT for the JSON path).
	go run ./hack/bench

.PHONY: test-faults
test-faults: envtest ## Crash and fault suite: FAULT_N identities (default 500) under kills, restarts and Salesforce faults.
	KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh)" FAULT_N=$(FAULT_N) go test $(GO_TEST_FLAGS) -tags faults -count=1 -v -timeout 40m -run TestCrashesAndFaults ./hack/faults/

GREMLINS ?= go run github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
# MUTATION_PKGS are mutated whole; in controllers/ only the files MUTATION_EXCLUDE leaves
# (drift comparison, API budget, status and events), against the unit tests: the envtest
# suite would take a minute per mutant.
MUTATION_PKGS ?= ./salesforce/mapping ./controllers/internal/leadguard ./controllers/internal/driftreads ./controllers/internal/ownwrites
MUTATION_EXCLUDE ?= cachetransform.go|conditions.go|credentials.go|errors.go|identityindex.go|metrics.go|options.go|orgapi.go|salesforcedestination_controller.go|salesforceidentity_apply.go|salesforceidentity_controller.go|salesforceidentity_external.go|salesforceidentity_sync.go|setup.go|state.go|util.go|salesforceidentity_decide.go|internal/

.PHONY: mutation
mutation: ## Mutation testing (go-gremlins) of narrow scopes: slow, not part of make test.
	@set -e; for p in $(MUTATION_PKGS); do echo "== $$p"; $(GREMLINS) unleash --workers 1 --timeout-coefficient 10 $$p; done
	@echo "== ./controllers (unit tests)"; SKIP_ENVTEST_SUITE=1 $(GREMLINS) unleash --workers 1 --timeout-coefficient 10 -E '$(MUTATION_EXCLUDE)' ./controllers

.PHONY: fuzz
fuzz: ## Run each fuzz target for FUZZ_TIME (default 15s).
	@set -e; for target in $$(grep -rl --include='*_test.go' '^func Fuzz' salesforce | xargs -n1 dirname | sort -u); do \
		for fn in $$(grep -h '^func Fuzz' $$target/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "fuzz $$fn in ./$$target for $(FUZZ_TIME)"; \
			go test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZ_TIME) ./$$target; \
		done; \
	done
