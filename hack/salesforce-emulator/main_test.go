package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t)
	seed := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seed, []byte(`{"Lead":[{"LastName":"Seeded","Company":"Acme","Email":"s@acme.com"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base := startBinary(t, bin, "--seed", seed)

	token := func(password string) (int, map[string]any) {
		resp, err := http.PostForm(base+"/services/oauth2/token", url.Values{"grant_type": {"password"},
			"username": {"dev@example.com"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	status, body := token("passwordtoken")
	if status != 200 || body["instance_url"] != base {
		t.Fatalf("login: %d %v", status, body)
	}
	status, body = token("password")
	if status != 400 || body["error"] != "invalid_grant" || body["error_description"] != "authentication failure" || len(body) != 2 {
		t.Fatalf("wrong password: %d %v", status, body)
	}

	req, _ := http.NewRequest("GET", base+"/services/data/v64.0/query?q="+url.QueryEscape("SELECT Id FROM Lead"), nil)
	status, _ = token("passwordtoken")
	_, body = token("passwordtoken")
	req.Header.Set("Authorization", "Bearer "+body["access_token"].(string))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"totalSize":1`) || status != 200 {
		t.Fatalf("query: %d %s", resp.StatusCode, data)
	}

	resp, err = http.Get(base + "/_emulator/counters")
	if err != nil {
		t.Fatal(err)
	}
	var counters struct {
		APICallsUsed int            `json:"apiCallsUsed"`
		Logins       int            `json:"logins"`
		Counters     map[string]int `json:"counters"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&counters)
	resp.Body.Close()
	if counters.APICallsUsed != 1 || counters.Logins != 3 || counters.Counters["GET /query"] != 1 {
		t.Errorf("counters = %+v", counters)
	}
	resp, err = http.Get(base + "/_emulator/records/Lead")
	if err != nil {
		t.Fatal(err)
	}
	var leads []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&leads)
	resp.Body.Close()
	if len(leads) != 1 || leads[0]["LastName"] != "Seeded" {
		t.Errorf("admin records = %v", leads)
	}
}

// buildBinary builds the emulator binary into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "salesforce-emulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs the binary on a port of its choosing and returns the base URL it prints.
func startBinary(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
	}()
	select {
	case line := <-lines:
		i := strings.Index(line, "http://")
		if i < 0 {
			t.Fatalf("no URL printed: %q", line)
		}
		return strings.TrimSpace(line[i:])
	case <-time.After(20 * time.Second):
		t.Fatal("binary did not print its URL")
	}
	return ""
}
