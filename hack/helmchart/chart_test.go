package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// helmTemplate renders the chart in config/helm with helm itself (make test-helm builds it
// and sets HELM).
func helmTemplate(t *testing.T, args ...string) (map[string]object, error) {
	t.Helper()
	helm := os.Getenv("HELM")
	if helm == "" {
		t.Skip("HELM is not set: make test-helm builds helm and runs this test")
	}
	cmd := exec.Command(helm, append([]string{"template", "rel", "../../config/helm/salesforce-controller", "--namespace", "sfc", "--include-crds"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, &templateError{string(out)}
	}
	objs, err := splitDocuments(out)
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]object{}
	for _, o := range objs {
		byKind[o.kind()+"/"+o.name()] = o
	}
	return byKind, nil
}

type templateError struct{ out string }

func (e *templateError) Error() string { return e.out }

func managerArgs(t *testing.T, objs map[string]object) []string {
	t.Helper()
	d, ok := objs["Deployment/salesforce-controller-controller-manager"]
	if !ok {
		t.Fatal("no manager Deployment rendered")
	}
	c, err := managerContainer(d)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, a := range c["args"].([]any) {
		args = append(args, a.(string))
	}
	return args
}

func TestChartValues(t *testing.T) {
	for _, tc := range chartCases() {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			for _, s := range tc.set {
				args = append(args, "--set", s)
			}
			objs, err := helmTemplate(t, args...)
			if tc.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("helm template: %v, want an error with %q", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("helm template: %v", err)
			}
			got := managerArgs(t, objs)
			for _, a := range tc.wantArgs {
				if !slices.Contains(got, a) {
					t.Errorf("args %q lack %s", got, a)
				}
			}
			for _, a := range tc.notArgs {
				if slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, a) }) {
					t.Errorf("args %q have %s", got, a)
				}
			}
			for _, k := range tc.wantObjs {
				if _, ok := objs[k]; !ok {
					t.Errorf("%s not rendered", k)
				}
			}
			for _, k := range tc.notObjs {
				if _, ok := objs[k]; ok {
					t.Errorf("%s rendered", k)
				}
			}
		})
	}
}

// The chart's objects are config/default's: same rules, same CRDs, everything in the release
// namespace.
func TestChartMatchesKustomize(t *testing.T) {
	objs, err := helmTemplate(t)
	if err != nil {
		t.Fatal(err)
	}
	rendered, err := exec.Command("kubectl", "kustomize", "../../config/default").Output()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v", err)
	}
	want, err := splitDocuments(rendered)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		key := w.kind() + "/" + w.name()
		got, ok := objs[key]
		switch {
		case w.kind() == "Namespace":
			continue
		case !ok:
			t.Errorf("%s is in config/default but not in the chart", key)
			continue
		}
		if ns, _ := got.meta()["namespace"].(string); w.meta()["namespace"] != nil && ns != "sfc" {
			t.Errorf("%s is in namespace %q, want the release's", key, ns)
		}
		for _, field := range []string{"rules", "roleRef", "spec"} {
			if w.kind() == "Deployment" && field == "spec" {
				continue
			}
			if !sameYAML(t, w[field], got[field]) {
				t.Errorf("%s: %s differs from config/default", key, field)
			}
		}
	}
}

func sameYAML(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := yaml.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := yaml.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(x) == string(y)
}

func TestFillPlaceholders(t *testing.T) {
	in := "metadata:\n  labels:\n    __HELM_LABELS__: \"\"\n  namespace: __HELM_NS__\nargs:\n- __HELM_ARGS__\n"
	got, err := fillPlaceholders([]byte(in),
		map[string]string{"__HELM_LABELS__": "include \"l\" .", "__HELM_ARGS__": "include \"a\" ."},
		map[string]string{"__HELM_NS__": "{{ .Release.Namespace }}"})
	if err != nil {
		t.Fatal(err)
	}
	want := "metadata:\n  labels:\n    {{- include \"l\" . | nindent 4 }}\n  namespace: {{ .Release.Namespace }}\nargs:\n{{- include \"a\" . | nindent 0 }}\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := fillPlaceholders([]byte("x: __HELM_UNKNOWN__\n"), nil, nil); err == nil {
		t.Error("an unfilled placeholder passed")
	}
}

type chartCase struct {
	name      string
	set       []string
	wantArgs  []string
	notArgs   []string
	wantObjs  []string
	notObjs   []string
	wantError string
}

// chartCases are value sets and what the rendered chart must and must not hold with them.
func chartCases() []chartCase {
	return []chartCase{
		{name: "defaults are config/default's: metrics over HTTPS behind authentication, with their Service",
			wantArgs: []string{"--leader-elect", "--metrics-bind-address=:8443", "--metrics-secure=true", "--health-probe-bind-address=:8081"},
			notArgs:  []string{"--watch-namespaces", "--allowed-login-hosts"},
			wantObjs: []string{"CustomResourceDefinition/salesforceidentities.salesforce.destinations.dev", "Role/salesforce-controller-leader-election-role", "ClusterRole/salesforce-controller-manager-role", "Service/rel-metrics"},
			notObjs:  []string{"ServiceMonitor/rel-metrics", "Namespace/salesforce-controller-system"}},
		{name: "secure metrics can be scraped by a ServiceMonitor", set: []string{"serviceMonitor.enabled=true"},
			wantArgs: []string{"--metrics-bind-address=:8443", "--metrics-secure=true"}, wantObjs: []string{"ServiceMonitor/rel-metrics"}},
		{name: "watched namespaces and login hosts become flags only when set",
			set:      []string{"watchNamespaces={crm,marketing}", "allowedLoginHosts={login.salesforce.com,*.my.salesforce.com}"},
			wantArgs: []string{"--watch-namespaces=crm,marketing", "--allowed-login-hosts=login.salesforce.com,*.my.salesforce.com"}},
		{name: "leader election off drops the flag and its Role",
			set: []string{"leaderElection.enabled=false"}, notArgs: []string{"--leader-elect"},
			notObjs: []string{"Role/salesforce-controller-leader-election-role", "RoleBinding/salesforce-controller-leader-election-rolebinding"}},
		{name: "plain metrics are served to the cluster with a Service and a ServiceMonitor",
			set:      []string{"metrics.secure=false", "metrics.port=9090", "serviceMonitor.enabled=true"},
			wantArgs: []string{"--metrics-bind-address=:9090"}, wantObjs: []string{"Service/rel-metrics", "ServiceMonitor/rel-metrics"}},
		{name: "metrics off", set: []string{"metrics.enabled=false"}, wantArgs: []string{"--metrics-bind-address=0"}},
		{name: "a ServiceMonitor cannot scrape metrics that are off", set: []string{"metrics.enabled=false", "serviceMonitor.enabled=true"},
			wantError: "serviceMonitor.enabled needs metrics a scrape can reach"},
		{name: "extra args come last", set: []string{"extraArgs={--zap-log-level=debug}"}, wantArgs: []string{"--zap-log-level=debug"}},
	}
}
