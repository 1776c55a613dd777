package controllers

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func manifest(name, traits string) sfv1.SalesforceIdentity {
	return sfv1.SalesforceIdentity{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: sfv1.SalesforceIdentitySpec{DestinationRef: sfv1.DestinationReference{Name: "prod"}, Traits: &apiextensionsv1.JSON{Raw: []byte(traits)}}}
}

func loggedInEmulator(t *testing.T) (*emulator.Emulator, *salesforce.Client) {
	t.Helper()
	emu := emulator.New(emulator.Options{Username: "u@example.com", Password: "pw", SecurityToken: "tok"})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	hosts, err := salesforce.ParseHostPolicy("http://127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	sf, err := salesforce.New(salesforce.Config{LoginURL: srv.URL, AllowedHosts: hosts,
		Credentials: salesforce.Credentials{Username: "u@example.com", Password: "pw", SecurityToken: "tok"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sf.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	return emu, sf
}

func TestPlanManifestsStopsWhereApplyStops(t *testing.T) {
	emu, sf := loggedInEmulator(t)
	for _, email := range []string{"twice@example.com", "twice@example.com"} {
		if _, err := emu.Seed("Lead", map[string]any{"Email": email, "LastName": "T", "Company": "C"}); err != nil {
			t.Fatal(err)
		}
	}
	converted, err := emu.Seed("Lead", map[string]any{"Email": "conv@example.com", "LastName": "C", "Company": "C"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emu.ConvertLead(converted); err != nil {
		t.Fatal(err)
	}
	plans := PlanManifests(context.Background(), sf, &sfv1.SalesforceDestination{}, []sfv1.SalesforceIdentity{
		manifest("twice", `{"email":"twice@example.com"}`),
		manifest("converted", `{"email":"conv@example.com"}`),
		manifest("no-email", `{"name":"X"}`),
	})
	for i, want := range []string{sfv1.ReasonMultipleLeadsFound, sfv1.ReasonLeadConverted, sfv1.ReasonMissingEmail} {
		if got := classify(plans[i].Err).reason; got != want {
			t.Errorf("%s: %v classified %s, want %s", plans[i].Name, plans[i].Err, got, want)
		}
	}
}

// A thousand manifests cost a lookup and a retrieve, not a call each.
func TestPlanManifestsCallsDoNotGrowWithManifests(t *testing.T) {
	emu, sf := loggedInEmulator(t)
	var ids []sfv1.SalesforceIdentity
	for i := range 1000 {
		email := fmt.Sprintf("p%d@example.com", i)
		if i%2 == 0 {
			if _, err := emu.Seed("Lead", map[string]any{"Email": email, "LastName": "P", "Company": "Old"}); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, manifest(fmt.Sprintf("p%d", i), `{"email":"`+email+`","lastName":"P","company":"New"}`))
	}
	before := len(emu.Requests())
	plans := PlanManifests(context.Background(), sf, &sfv1.SalesforceDestination{}, ids)
	calls := len(emu.Requests()) - before
	counts := map[sfv1.PlanAction]int{}
	for _, p := range plans {
		if p.Err != nil {
			t.Fatalf("%s: %v", p.Name, p.Err)
		}
		counts[p.Records[0].Action]++
		if p.Records[0].Action == sfv1.PlanUpdate && (len(p.Records[0].Changes) != 1 || p.Records[0].Changes[0].Field != "Company") {
			t.Errorf("%s: changes %+v, want Company only", p.Name, p.Records[0].Changes)
		}
	}
	if counts[sfv1.PlanCreate] != 500 || counts[sfv1.PlanUpdate] != 500 {
		t.Errorf("actions %v, want 500 creates and 500 updates", counts)
	}
	if calls > 4 {
		t.Errorf("%d calls for 1,000 manifests, want at most 4", calls)
	}
	for _, r := range emu.Requests()[before:] {
		if r.Method != "GET" && !strings.Contains(r.Path, "/composite") {
			t.Errorf("plan sent %s %s", r.Method, r.Path)
		}
	}
}
