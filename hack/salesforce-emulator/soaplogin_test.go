package main

import (
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// TestSOAPLoginFlag: --soap-login=retired makes the binary answer login() as an org after the
// Summer '27 retirement, and a mode it does not know stops it instead of being ignored.
func TestSOAPLoginFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := buildBinary(t)
	if out, err := exec.Command(bin, "--addr", "127.0.0.1:0", "--soap-login", "gone").CombinedOutput(); err == nil ||
		!strings.Contains(string(out), `unknown SOAP login() mode "gone"`) {
		t.Fatalf("--soap-login=gone: err=%v, output %s", err, out)
	}

	base := startBinary(t, bin, "--soap-login", "retired")
	envelope := `<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><env:Body><urn:login><urn:username>dev@example.com</urn:username><urn:password>passwordtoken</urn:password></urn:login></env:Body></env:Envelope>`
	req, _ := http.NewRequest("POST", base+"/services/Soap/u/64.0", strings.NewReader(envelope))
	req.Header.Set("Content-Type", "text/xml; charset=UTF-8")
	req.Header.Set("SOAPAction", "login")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(body), "<sf:exceptionCode>INVALID_OPERATION</sf:exceptionCode>") {
		t.Fatalf("login() with --soap-login=retired: %d %s", resp.StatusCode, body)
	}
}
