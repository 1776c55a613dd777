package salesforce

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// echoServer answers every request with an error that repeats what it
// received, including the login form and the bearer token, to prove the
// client never lets them into an error text.
func echoServer(t *testing.T, loginOK bool, status int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		echo := string(body) + " " + r.Header.Get("Authorization")
		if strings.HasPrefix(r.URL.Path, "/services/oauth2/") || strings.HasPrefix(r.URL.Path, "/services/Soap/") {
			if loginOK {
				fmt.Fprintf(w, `{"access_token":"00Dx!SESSIONtokenVALUE","instance_url":"http://%s"}`, r.Host)
				return
			}
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": echo})
			return
		}
		w.WriteHeader(status)
		msg, _ := json.Marshal(echo)
		switch {
		case r.URL.Path == "/services/data/v66.0/composite":
			fmt.Fprintf(w, `{"compositeResponse":[{"httpStatusCode":400,"referenceId":"r0","body":[{"errorCode":"E","message":%s}]}]}`, msg)
		case strings.HasPrefix(r.URL.Path, "/services/data/v66.0/composite/sobjects"):
			fmt.Fprintf(w, `[{"success":false,"errors":[{"statusCode":"E","message":%s,"fields":[%s]}]}]`, msg, msg)
		default:
			fmt.Fprintf(w, `[{"errorCode":"INVALID_SESSION_ID","message":%s,"fields":[%s]}]`, msg, msg)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

type errorObserver struct {
	mu   sync.Mutex
	errs []error
}

func (o *errorObserver) ObserveRequest(_ string, _ int, err error, _ time.Duration) {
	if err != nil {
		o.mu.Lock()
		o.errs = append(o.errs, err)
		o.mu.Unlock()
	}
}

func TestSecretsNeverAppearInErrors(t *testing.T) {
	_, keyPEM := rsaKeyPEM(t, true)
	secrets := []string{testCreds.Password, url.QueryEscape(testCreds.Password), testCreds.SecurityToken, testCreds.ClientSecret, "00Dx!SESSIONtokenVALUE", string(keyPEM), "PRIVATE KEY"}
	var errs []error
	collect := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	ctx := testContext(t)
	allCreds := []Credentials{
		testCreds,
		{Username: testCreds.Username, Password: testCreds.Password, SecurityToken: testCreds.SecurityToken},
		{ClientID: testCreds.ClientID, ClientSecret: testCreds.ClientSecret},
		{Username: testCreds.Username, ClientID: testCreds.ClientID, PrivateKeyPEM: keyPEM},
	}
	// Observers get errors too: metrics label them and logs print them.
	observed := &errorObserver{}
	// 200 makes collections answer with per-row errors.
	for _, status := range []int{200, 400, 401, 404, 500, 503} {
		for _, loginOK := range []bool{true, false} {
			srv := echoServer(t, loginOK, status)
			for _, creds := range allCreds {
				c, err := New(Config{LoginURL: srv.URL, AllowedHosts: loopbackHosts, Credentials: creds, HTTPClient: srv.Client(), Observer: observed})
				if err != nil {
					t.Fatal(err)
				}
				collect(c.Login(ctx))
				_, err = c.Create(ctx, "Lead", map[string]any{"x": 1})
				collect(err)
				collect(c.Update(ctx, "Lead", "00Q5g000001AbcdEAC", nil))
				_, err = c.Query(ctx, "SELECT Id FROM Lead")
				collect(err)
				results, err := c.SaveMany(ctx, []RecordWrite{{SObject: "Lead"}})
				collect(err)
				for _, r := range results {
					collect(r.Err)
				}
				resps, err := c.Composite(ctx, false, []Subrequest{NewQuerySubrequest("r0", "SELECT Id FROM Lead")})
				collect(err)
				for _, r := range resps {
					collect(r.Err)
				}
			}
		}
	}
	// Network failures and configuration errors too.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, creds := range allCreds {
		c, err := New(Config{LoginURL: closed.URL, AllowedHosts: loopbackHosts, Credentials: creds})
		if err != nil {
			t.Fatal(err)
		}
		collect(c.Login(ctx))
	}
	_, err := New(Config{Credentials: Credentials{Username: "u", ClientID: "id", PrivateKeyPEM: []byte("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n")}})
	collect(err)
	_, err = New(Config{LoginURL: "http://user:" + testCreds.Password + "@example.com", Credentials: testCreds})
	collect(err)

	errs = append(errs, observed.errs...)
	if len(errs) < 100 {
		t.Fatalf("only %d errors were produced", len(errs))
	}
	redacted := 0
	for _, err := range errs {
		if strings.Contains(err.Error(), "[redacted]") {
			redacted++
		}
		text := err.Error() + fmt.Sprintf(" %v %+v %#v", err, err, err)
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Fatalf("error %q contains a secret", text)
			}
		}
	}
	if redacted == 0 {
		t.Fatal("no echoed secret was redacted; the echo server is not exercising the client")
	}
}

func TestCredentialsFormattingHidesSecrets(t *testing.T) {
	_, keyPEM := rsaKeyPEM(t, false)
	creds := testCreds
	creds.PrivateKeyPEM = keyPEM
	cfg := Config{Credentials: creds}
	for _, text := range []string{fmt.Sprint(creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%v", &cfg)} {
		for _, s := range []string{creds.Password, creds.SecurityToken, creds.ClientSecret, "PRIVATE KEY"} {
			if strings.Contains(text, s) {
				t.Fatalf("%q shows a secret", text)
			}
		}
	}
}
