package salesforce

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// loopbackHosts lets tests talk to httptest servers, which listen on plain-http 127.0.0.1.
var loopbackHosts = func() *HostPolicy {
	p, err := ParseHostPolicy("http://127.0.0.1,http://localhost,http://[::1]")
	if err != nil {
		panic(err)
	}
	return p
}()

func TestHostPolicy(t *testing.T) {
	cases := []struct {
		policy, url string
		allowed     bool
	}{
		{DefaultAllowedLoginHosts, "https://login.salesforce.com", true},
		{DefaultAllowedLoginHosts, "https://test.salesforce.com", true},
		{DefaultAllowedLoginHosts, "https://acme.my.salesforce.com", true},
		{DefaultAllowedLoginHosts, "https://acme--uat.sandbox.my.salesforce.com", true},
		{DefaultAllowedLoginHosts, "https://ACME.MY.SALESFORCE.COM.", true},
		{DefaultAllowedLoginHosts, "https://usa77.salesforce.com", true},
		{DefaultAllowedLoginHosts, "https://acme.my.salesforce.mil", true},
		{DefaultAllowedLoginHosts, "https://acme.my.sfcrmproducts.cn", true},
		{DefaultAllowedLoginHosts, "http://login.salesforce.com", false},
		{DefaultAllowedLoginHosts, "https://salesforce.com.evil.example", false},
		{DefaultAllowedLoginHosts, "https://evilsalesforce.com", false},
		{DefaultAllowedLoginHosts, "https://acme.my.site.com", false},
		{DefaultAllowedLoginHosts, "https://acme.force.com", false},
		{DefaultAllowedLoginHosts, "http://127.0.0.1:8080", false},
		{DefaultAllowedLoginHosts, "https://localhost", false},
		{"http://127.0.0.1", "http://127.0.0.1:8080", true},
		{"http://127.0.0.1", "https://127.0.0.1:8443", true},
		{"http://127.0.0.1", "http://127.0.0.2:8080", false},
		{"http://localhost,*.example.com", "http://localhost:1", true},
		{"*.example.com", "https://a.b.example.com", true},
		{"*.example.com", "https://example.com", false},
		{"*.example.com", "http://a.example.com", false},
		{"127.0.0.1", "http://127.0.0.1:1", false},
		{"127.0.0.1", "https://127.0.0.1:1", true},
	}
	for _, tc := range cases {
		t.Run(tc.policy+" "+tc.url, func(t *testing.T) {
			p, err := ParseHostPolicy(tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Check(tc.url)
			if (err == nil) != tc.allowed {
				t.Fatalf("Check(%q) = %v, want allowed %v", tc.url, err, tc.allowed)
			}
			if err != nil && !IsHostNotAllowed(err) {
				t.Fatalf("error %v is not a HostNotAllowedError", err)
			}
		})
	}
}

func TestHostPolicyRejectsBadPatterns(t *testing.T) {
	for _, bad := range []string{"", " , ", "*", "*.com", "http://example.com", "http://*.localhost", "a/b", "user@host", "*.127.0.0.1"} {
		t.Run(bad, func(t *testing.T) {
			if _, err := ParseHostPolicy(bad); err == nil {
				t.Fatalf("ParseHostPolicy(%q) accepted it", bad)
			}
		})
	}
}

// recordingListener counts every byte any client sends it. It listens on 127.0.0.2, a
// loopback address that the test policies do not name.
func recordingListener(t *testing.T) (url string, received *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	received = &atomic.Int64{}
	accepted := &atomic.Int64{}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func() {
				defer conn.Close()
				n, _ := io.Copy(io.Discard, conn)
				received.Add(n)
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		if accepted.Load() > 0 {
			t.Errorf("the recording listener accepted %d connection(s)", accepted.Load())
		}
	})
	return "http://" + l.Addr().String(), received
}

func TestNothingReachesALoginHostOutsideThePolicy(t *testing.T) {
	target, received := recordingListener(t)
	for _, creds := range []Credentials{testCreds, {Username: "u", Password: "secret-password"}, {ClientID: "id", ClientSecret: "client-secret"}} {
		c, err := New(Config{LoginURL: target, Credentials: creds, AllowedHosts: loopbackHosts})
		if err == nil {
			err = c.Login(testContext(t))
		}
		if !IsHostNotAllowed(err) || !strings.Contains(err.Error(), "127.0.0.2") || !strings.Contains(err.Error(), "--allowed-login-hosts") {
			t.Fatalf("login to %s: got %v, want a HostNotAllowedError naming the host and the flag", target, err)
		}
	}
	if n := received.Load(); n != 0 {
		t.Fatalf("the host outside the policy received %d bytes", n)
	}
}

// A login server the policy allows must not hand the session, and every data call, to a
// host it does not.
func TestNothingReachesAnInstanceURLOutsideThePolicy(t *testing.T) {
	target, received := recordingListener(t)
	login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/services/Soap/") {
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><loginResponse><result><serverUrl>%s/services/Soap/u/64.0/00D</serverUrl><sessionId>00Dx!SESSION</sessionId></result></loginResponse></soapenv:Body></soapenv:Envelope>`, target)
			return
		}
		fmt.Fprintf(w, `{"access_token":"00Dx!SESSION","instance_url":%q}`, target)
	}))
	t.Cleanup(login.Close)
	for _, creds := range []Credentials{testCreds, {Username: "u", Password: "secret-password"}} {
		c, err := New(Config{LoginURL: login.URL, Credentials: creds, AllowedHosts: loopbackHosts, HTTPClient: login.Client()})
		if err != nil {
			t.Fatal(err)
		}
		err = c.Login(testContext(t))
		if !IsHostNotAllowed(err) || !strings.Contains(err.Error(), "instance URL") {
			t.Fatalf("flow %s: got %v, want the instance URL refused", c.Flow(), err)
		}
		if _, err := c.Query(testContext(t), "SELECT Id FROM Lead"); !IsHostNotAllowed(err) {
			t.Fatalf("flow %s: a data call after the refused login: got %v", c.Flow(), err)
		}
	}
	if n := received.Load(); n != 0 {
		t.Fatalf("the instance outside the policy received %d bytes", n)
	}
}
