//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// jwtClientID is the consumer key the emulator's External Client App has; the guide's
// placeholder '3MVG9…' is replaced by it.
const jwtClientID = "3MVG9e2eExternalClientApp"

// guideSection is the README section the migration specs run.
const guideSection = "## Moving off SOAP login()"

// guideBlock returns the first sh block of the README's migration guide that contains marker,
// made to fit this installation: its namespace, the emulator's user and consumer key.
func (s *suite) guideBlock(t *testing.T, marker string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(s.root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, guideSection)
	if start < 0 {
		t.Fatalf("README has no %q section", guideSection)
	}
	section := text[start+len(guideSection):]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	for _, block := range strings.Split(section, "```sh\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if strings.Contains(block, marker) {
			return strings.NewReplacer("-n crm ", "-n "+namespace+" ", "api@acme.com", "dev@example.com",
				"'3MVG9…'", jwtClientID).Replace(dedent(block))
		}
	}
	t.Fatalf("the README's migration guide has no sh block with %q", marker)
	return ""
}

// dedent strips the indentation a block has inside a numbered list.
func dedent(block string) string {
	lines := strings.Split(block, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " ")
	}
	return strings.Join(lines, "\n")
}

// runGuide runs a guide block with sh in the suite's directory, kubectl talking to the
// installation as its administrator.
func (s *suite) runGuide(t *testing.T, block string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command("sh", "-ec", block)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+s.kubectl.Kubeconfig)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("README block failed: %v\n%s\n--- stderr:\n%s", err, block, errOut.String())
	}
	return out.String()
}

// makeGuideCertificate runs the guide's first step before the emulator starts: the emulator's
// External Client App holds the certificate it makes, as Salesforce would after the upload.
func (s *suite) makeGuideCertificate(t *testing.T) (certificate string) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("the README's migration guide makes its key with openssl, which is not on PATH")
	}
	s.runGuide(t, s.guideBlock(t, "openssl req"))
	return filepath.Join(s.dir, "salesforce-controller.crt")
}

// specMigrationGuide follows the README's guide on the running destination, which logs in
// with SOAP login() so far: rotate the Secret, confirm the flow, and find the identities as
// they were.
func (s *suite) specMigrationGuide(t *testing.T) {
	before := s.run(t, "get", "sfdest", destination, "-o",
		`jsonpath={.status.authFlow}/{.status.conditions[?(@.type=="AuthFlowDeprecated")].reason}`)
	if before != "soap-login/SOAPLoginRetiring" {
		t.Fatalf("before the guide: authFlow/AuthFlowDeprecated reason = %q", before)
	}
	events := s.run(t, "get", "events", "--field-selector", "reason=AuthFlowDeprecated,involvedObject.name="+destination,
		"-o", "jsonpath={range .items[*]}{.type}{\"\\n\"}{end}")
	if strings.TrimSpace(events) != "Warning" {
		t.Errorf("AuthFlowDeprecated events of %s: %q, want one Warning", destination, events)
	}

	s.runGuide(t, s.guideBlock(t, "--from-file=privateKey="))
	confirmed := s.runGuide(t, s.guideBlock(t, "{.status.authFlow}"))
	if !strings.Contains(confirmed, "jwt-bearer") || strings.Contains(confirmed, "SOAPLoginRetiring") {
		t.Errorf("the guide's confirmation printed:\n%s", confirmed)
	}
	secretKeys := s.run(t, "get", "secret", credentialsSecret, "-o", "jsonpath={.data}")
	if strings.Contains(secretKeys, `"password"`) || !strings.Contains(secretKeys, `"privateKey"`) {
		t.Error("the rotated Secret should hold privateKey and no password")
	}
	s.run(t, "wait", "--for=condition=Ready", "--timeout=60s", "sfid", "--all")
	if !s.loggedInWithJWT(t) {
		t.Error("the emulator's request log has no successful token request: the JWT bearer flow was not used")
	}
}

// loggedInWithJWT reports a successful token request in the emulator's log: until the guide
// ran, the manager only logged in through SOAP login().
func (s *suite) loggedInWithJWT(t *testing.T) bool {
	raw, err := s.emulator.RequestLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var log []struct {
		Method, Path string
		Status       int
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	for _, r := range log {
		if r.Method == "POST" && r.Path == "/services/oauth2/token" && r.Status == 200 {
			return true
		}
	}
	return false
}
