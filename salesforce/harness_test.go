package salesforce

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const fixtureToken = "00Dx0000000BV7z!AR8AQAxo9UfVkh8AlV0Gomt9Czx9LjHnSSpw"

var testCreds = Credentials{
	Username:      "user@example.com",
	Password:      "s3cr3t&Pass w0rd<",
	SecurityToken: "TOKENabc123XYZ",
	ClientID:      "3MVG9consumerKey",
	ClientSecret:  "consumerSecret0987",
}

// fixture reads a recorded body from testdata, pointing instance URLs at the test server.
func fixture(t testing.TB, name, instance string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("cannot read fixture: %v", err)
	}
	return strings.ReplaceAll(string(b), "{{INSTANCE}}", instance)
}

type recordedRequest struct {
	Method, Path, RawQuery, Body string
	Header                       http.Header
}

// fakeOrg is an httptest server that serves recorded Salesforce bodies. Login
// endpoints issue a new token per login; data routes demand the current one.
type fakeOrg struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	token    string
	routes   map[string]http.HandlerFunc
	requests []recordedRequest

	logins      atomic.Int64
	dataCalls   atomic.Int64
	loginStatus int
	loginBody   string // fixture name served by the token and SOAP endpoints
}

func newFakeOrg(t *testing.T) *fakeOrg {
	o := &fakeOrg{t: t, routes: map[string]http.HandlerFunc{}, loginStatus: http.StatusOK}
	o.srv = httptest.NewServer(http.HandlerFunc(o.serve))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *fakeOrg) handle(method, path string, h http.HandlerFunc) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.routes[method+" "+path] = h
}

// reply serves a fixture with a status.
func (o *fakeOrg) reply(status int, name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := ""
		if name != "" {
			body = fixture(o.t, name, o.srv.URL)
		}
		if strings.HasSuffix(name, ".html") {
			w.Header().Set("Content-Type", "text/html")
		} else {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func (o *fakeOrg) expireSession() {
	o.mu.Lock()
	o.token = ""
	o.mu.Unlock()
}

func (o *fakeOrg) recorded() []recordedRequest {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]recordedRequest(nil), o.requests...)
}

// dataRequests returns recorded requests other than logins.
func (o *fakeOrg) dataRequests() []recordedRequest {
	var out []recordedRequest
	for _, r := range o.recorded() {
		if !strings.HasPrefix(r.Path, "/services/oauth2/") && !strings.HasPrefix(r.Path, "/services/Soap/") {
			out = append(out, r)
		}
	}
	return out
}

func (o *fakeOrg) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	o.mu.Lock()
	o.requests = append(o.requests, recordedRequest{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: string(body), Header: r.Header.Clone()})
	o.mu.Unlock()

	if r.URL.Path == "/services/oauth2/token" || strings.HasPrefix(r.URL.Path, "/services/Soap/u/") {
		o.serveLogin(w, r)
		return
	}
	n := o.dataCalls.Add(1)
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/15000", n))
	o.mu.Lock()
	valid := o.token != "" && r.Header.Get("Authorization") == "Bearer "+o.token
	h := o.routes[r.Method+" "+r.URL.Path]
	o.mu.Unlock()
	if !valid {
		o.reply(http.StatusUnauthorized, "session_expired.json")(w, r)
		return
	}
	if h == nil {
		o.reply(http.StatusNotFound, "not_found.json")(w, r)
		return
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	h(w, r)
}

func (o *fakeOrg) serveLogin(w http.ResponseWriter, r *http.Request) {
	n := o.logins.Add(1)
	// Slow logins widen the window in which concurrent callers could pile up.
	time.Sleep(20 * time.Millisecond)
	name := o.loginBody
	soap := strings.HasPrefix(r.URL.Path, "/services/Soap/")
	if name == "" {
		name = "token_password.json"
		if soap {
			name = "soap_login.xml"
		}
	}
	body := fixture(o.t, name, o.srv.URL)
	token := fmt.Sprintf("00Dx0000000BV7z!login%d", n)
	body = strings.ReplaceAll(body, fixtureToken, token)
	body = strings.ReplaceAll(body, "00Dx0000000BV7z!AQ0AQHsoapSessionValue", token)
	if o.loginStatus < 300 {
		o.mu.Lock()
		o.token = token
		o.mu.Unlock()
	}
	if soap {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	}
	w.WriteHeader(o.loginStatus)
	io.WriteString(w, body)
}

func newTestClient(t *testing.T, o *fakeOrg, creds Credentials) *Client {
	t.Helper()
	c, err := New(Config{LoginURL: o.srv.URL, AllowedHosts: loopbackHosts, Credentials: creds, HTTPClient: o.srv.Client()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
