package main

import (
	"os"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestMetricsAreSecureUnlessAskedOtherwise(t *testing.T) {
	cases := map[string]struct {
		secure, wantTLS, wantAuth bool
	}{
		"default":        {secure: true, wantTLS: true, wantAuth: true},
		"asked for http": {secure: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := metricsOptions(":8443", tc.secure)
			if o.SecureServing != tc.wantTLS || (o.FilterProvider != nil) != tc.wantAuth {
				t.Fatalf("SecureServing %v, filter %v; want %v, %v", o.SecureServing, o.FilterProvider != nil, tc.wantTLS, tc.wantAuth)
			}
		})
	}
}

// config/default must not turn the filter off, and must grant what the filter needs.
func TestDeploymentServesMetricsSecurely(t *testing.T) {
	raw, err := os.ReadFile("config/manager/manager.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "--metrics-secure=false") || strings.Contains(string(raw), "--metrics-bind-address=:8080") {
		t.Fatal("config/manager serves metrics in the clear")
	}
	var kust struct {
		Resources []string `json:"resources"`
	}
	raw, err = os.ReadFile("config/rbac/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &kust); err != nil {
		t.Fatal(err)
	}
	var rbac strings.Builder
	for _, r := range kust.Resources {
		b, err := os.ReadFile("config/rbac/" + r)
		if err != nil {
			t.Fatal(err)
		}
		rbac.Write(b)
	}
	for _, want := range []string{"tokenreviews", "subjectaccessreviews", "/metrics"} {
		if !strings.Contains(rbac.String(), want) {
			t.Errorf("config/rbac lacks %s, which the metrics filter needs", want)
		}
	}
}
