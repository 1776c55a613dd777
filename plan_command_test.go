package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

// planAgainstEmulator runs the plan of the manifests under dir against a fresh emulator that
// seed prepared, with the destination "prod" in namespace "crm", and returns the exit code
// and the output.
func planAgainstEmulator(t *testing.T, dir string, seed func(*emulator.Emulator)) (int, string) {
	t.Helper()
	emu := emulator.New(emulator.Options{Username: "u@example.com", Password: "pw", SecurityToken: "tok"})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	if seed != nil {
		seed(emu)
	}
	dest := &sfv1.SalesforceDestination{ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: "prod"},
		Spec: sfv1.SalesforceDestinationSpec{CredentialsSecretRef: sfv1.SecretReference{Name: "creds"}, LoginURL: srv.URL}}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: "creds"},
		Data: map[string][]byte{"username": []byte("u@example.com"), "password": []byte("pw"), "securityToken": []byte("tok")}}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(dest, secret).Build()
	ids, err := readIdentities(dir, "crm", "prod")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	loopback, err := salesforce.ParseHostPolicy("http://127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	code := planWith(context.Background(), c, client.ObjectKey{Namespace: "crm", Name: "prod"}, loopback, ids, &out, &errOut)
	for _, r := range emu.Requests() {
		// Reads are GETs, the login, and SObject Collections' retrieve (a POST to
		// /composite/sobjects/{SObject}); anything else would be a write.
		if r.Method == "PATCH" || r.Method == "DELETE" || (r.Method == "POST" && !strings.Contains(r.Path, "/composite/sobjects/") &&
			!strings.Contains(r.Path, "/oauth2/") && !strings.Contains(r.Path, "/Soap/")) {
			t.Errorf("plan sent %s %s", r.Method, r.Path)
		}
	}
	t.Logf("output:\n%s", out.String())
	if errOut.Len() > 0 {
		t.Logf("stderr: %s", errOut.String())
	}
	return code, out.String()
}

func TestPlanOfTheSamples(t *testing.T) {
	tests := []struct {
		name     string
		seed     func(*emulator.Emulator)
		wantCode int
		want     []string
	}{
		{"an empty org: the Lead would be created, the named Contact does not exist", nil, 1, []string{
			"sfid/alex-keener: would create a Lead",
			`    Email: null -> "alex@example.com"`,
			"sfid/john-gibbs: error: Contact 003000000000001AAA does not exist in Salesforce",
			"Plan: 1 to create, 0 to update, 0 unchanged, 1 with errors",
		}},
		{"an org holding both: an update and an unchanged record", func(e *emulator.Emulator) {
			mustSeed(t, e, "Contact", map[string]any{"Id": "003000000000001AAA", "FirstName": "John", "LastName": "Gibbs", "Email": "john@peterson.com"})
			mustSeed(t, e, "Lead", map[string]any{"Email": "alex@example.com", "FirstName": "Alex", "LastName": "Keener", "Company": "Old Co",
				"Title": "Mr.", "Phone": "+1-202-555-0146", "Rating": "Hot", "City": "New Orleans", "PostalCode": "90002", "Country": "US",
				"Street": "Blue Gum Street", "State": "LA"})
		}, 0, []string{
			"sfid/alex-keener: would update Lead ",
			`    Company: "Old Co" -> "Google Inc."`,
			"sfid/john-gibbs: Contact 003000000000001AAA unchanged",
			"Plan: 0 to create, 1 to update, 1 unchanged\n",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := planAgainstEmulator(t, filepath.Join("config", "samples"), tc.seed)
			if code != tc.wantCode {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tc.wantCode, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func mustSeed(t *testing.T, e *emulator.Emulator, sobject string, fields map[string]any) {
	t.Helper()
	if _, err := e.Seed(sobject, fields); err != nil {
		t.Fatal(err)
	}
}

func TestReadIdentitiesSkipsOtherKindsAndDestinations(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.yaml": `apiVersion: salesforce.destinations.dev/v1alpha1
kind: SalesforceIdentity
metadata: {name: mine}
spec: {destinationRef: {name: prod}, traits: {email: a@example.com}}
---
apiVersion: salesforce.destinations.dev/v1alpha1
kind: SalesforceIdentity
metadata: {name: other-destination}
spec: {destinationRef: {name: staging}}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
`,
		"sub/b.yml":  "apiVersion: salesforce.destinations.dev/v1alpha1\nkind: SalesforceIdentity\nmetadata: {name: other-namespace, namespace: sales}\nspec: {destinationRef: {name: prod}}\n",
		"sub/c.json": `{"apiVersion":"salesforce.destinations.dev/v1alpha1","kind":"SalesforceIdentity","metadata":{"name":"json","namespace":"crm"},"spec":{"destinationRef":{"name":"prod"}}}`,
		"README.md":  "kind: SalesforceIdentity",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := readIdentities(dir, "crm", "prod")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, id := range ids {
		names = append(names, id.Name)
	}
	if strings.Join(names, ",") != "mine,json" {
		t.Errorf("read %v, want [mine json]", names)
	}
}

// The plan command sends a destination's Secret only where the manager would: a loginURL
// outside the allowed hosts gets nothing, and the command says why.
func TestPlanSendsNothingToAHostOutsideThePolicy(t *testing.T) {
	emu := emulator.New(emulator.Options{Username: "u@example.com", Password: "pw", SecurityToken: "tok"})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	dest := &sfv1.SalesforceDestination{ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: "prod"},
		Spec: sfv1.SalesforceDestinationSpec{CredentialsSecretRef: sfv1.SecretReference{Name: "creds"}, LoginURL: srv.URL}}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: "creds"},
		Data: map[string][]byte{"username": []byte("u@example.com"), "password": []byte("pw"), "securityToken": []byte("tok")}}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(dest, secret).Build()
	var out, errOut bytes.Buffer
	code := planWith(context.Background(), c, client.ObjectKey{Namespace: "crm", Name: "prod"}, salesforce.DefaultHostPolicy(), nil, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "allowed-login-hosts") {
		t.Errorf("exit %d, stderr %q: want 2 naming --allowed-login-hosts", code, errOut.String())
	}
	if reqs := emu.Requests(); len(reqs) != 0 {
		t.Errorf("%d requests reached a host outside the policy: %+v", len(reqs), reqs)
	}
}
