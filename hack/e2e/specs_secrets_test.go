//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// specNoSecretsLeak reads everything a user or a log pipeline sees after the run and looks
// for the passwords, the security token and access tokens.
//
// The emulator's request log does not record access tokens, so the exact token the manager
// holds is unknown here. Every emulator access token starts with "{orgId}!", though, so the
// spec logs in once itself to learn that prefix and looks for it instead: it matches any
// access token of the org.
func (s *suite) specNoSecretsLeak(t *testing.T) {
	ctx := context.Background()
	secrets := map[string]string{
		"password":                  s.password,
		"wrong password":            s.wrongPassword(),
		"security token":            s.securityToken,
		"access token (org prefix)": s.accessTokenPrefix(t),
		"private key":               s.privateKeyLine(t),
	}
	log, err := s.manager.Log()
	if err != nil {
		t.Fatal(err)
	}
	metrics, err := s.manager.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{
		"manager log":                        log,
		"/metrics":                           metrics,
		"kubectl get events -A -o yaml":      s.runCluster(t, "get", "events", "-A", "-o", "yaml"),
		"kubectl get sfdest,sfid -A -o yaml": s.runCluster(t, "get", "sfdest,sfid", "-A", "-o", "yaml"),
		"kubectl describe sfdest,sfid -A":    s.runCluster(t, "describe", "sfdest,sfid", "-A"),
	}
	for source, text := range sources {
		for what, value := range secrets {
			if strings.Contains(text, value) {
				// Never print the value itself: the test log is public in CI.
				t.Errorf("%s contains the %s", source, what)
			}
		}
	}
}

func (s *suite) accessTokenPrefix(t *testing.T) string {
	// The emulator's org has an External Client App, so the password grant names it too.
	form := url.Values{"grant_type": {"password"}, "client_id": {jwtClientID}, "username": {"dev@example.com"}, "password": {s.password + s.securityToken}}
	resp, err := http.PostForm(s.emulator.URL+"/services/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("log in to the emulator to learn the access token form: HTTP %d, %v", resp.StatusCode, err)
	}
	org, _, ok := strings.Cut(body.AccessToken, "!")
	if !ok {
		t.Fatal("emulator access token has no {orgId}! prefix")
	}
	return org + "!"
}

// privateKeyLine is a line of the guide's private key, long enough to be found only where the
// key itself went.
func (s *suite) privateKeyLine(t *testing.T) string {
	pemText, err := os.ReadFile(filepath.Join(s.dir, "salesforce-controller.key"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(pemText), "\n")
	if len(lines) < 3 || len(lines[1]) < 40 {
		t.Fatal("the guide's private key is not a PEM block")
	}
	return lines[1]
}
