package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// echoEverywhere answers in one of several shapes, each repeating what the request carried
// (form, SOAP envelope, bearer token), raw and in the encodings a server might use.
type echoEverywhere struct {
	mode string
	mu   sync.Mutex
	seen []string // request bodies, to find the JWT assertions the client sent
}

func (e *echoEverywhere) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.seen = append(e.seen, string(body))
	e.mu.Unlock()
	decoded, _ := url.QueryUnescape(string(body))
	raw := string(body) + " | " + decoded + " | " + r.Header.Get("Authorization")
	quoted, _ := json.Marshal(raw)
	// A long title is cut at 120 characters: put the secrets across the cut.
	title := "<html><head><title>" + strings.Repeat("x", 100) + html.EscapeString(raw) + "</title></head></html>"
	login := strings.HasPrefix(r.URL.Path, "/services/oauth2/") || strings.HasPrefix(r.URL.Path, "/services/Soap/")
	switch {
	case login && e.mode == "soap-fault":
		w.WriteHeader(500)
		fmt.Fprintf(w, `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: %s</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`, html.EscapeString(raw))
	case login && e.mode == "login-title":
		w.WriteHeader(200)
		io.WriteString(w, title)
	case login:
		fmt.Fprintf(w, `{"access_token":"00Dx!SESSIONtokenVALUE","instance_url":"http://%s"}`, r.Host)
	case e.mode == "title-200", e.mode == "title-302":
		if e.mode == "title-302" {
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(302)
		}
		io.WriteString(w, title)
	case e.mode == "rows-200" && strings.Contains(r.URL.Path, "/composite/sobjects"):
		fmt.Fprintf(w, `[{"success":false,"errors":[{"statusCode":"E","message":%s,"fields":[%s]}]}]`, quoted, quoted)
	case e.mode == "rows-200" && strings.HasSuffix(r.URL.Path, "/composite"):
		fmt.Fprintf(w, `{"compositeResponse":[{"httpStatusCode":400,"referenceId":"r0","body":[{"errorCode":"E","message":%s}]}]}`, quoted)
	case e.mode == "rows-200":
		w.WriteHeader(201)
		fmt.Fprintf(w, `{"id":"","success":false,"errors":[{"statusCode":"E","message":%s}]}`, quoted)
	default:
		w.WriteHeader(400)
		fmt.Fprintf(w, `[{"errorCode":%s,"message":%s}]`, quoted, quoted)
	}
}

func TestEchoedSecretsAreScrubbedOnEveryPath(t *testing.T) {
	_, keyPEM := rsaKeyPEM(t, true)
	allCreds := []Credentials{
		testCreds,
		// Short secrets, which used to be left in place.
		{Username: "u@example.com", Password: "pw1", SecurityToken: "tk9"},
		{ClientID: "id", ClientSecret: "cs7"},
		{Username: "u@example.com", ClientID: "id", PrivateKeyPEM: keyPEM},
	}
	ctx := testContext(t)
	for _, mode := range []string{"soap-fault", "login-title", "title-200", "title-302", "rows-200", "error-400"} {
		for _, creds := range allCreds {
			srv := &echoEverywhere{mode: mode}
			hs := httptest.NewServer(srv)
			observed := &errorObserver{}
			c, err := New(Config{LoginURL: hs.URL, AllowedHosts: loopbackHosts, Credentials: creds, HTTPClient: hs.Client(), Observer: observed})
			if err != nil {
				t.Fatal(err)
			}
			errs := exerciseClient(ctx, c)
			hs.Close()
			errs = append(errs, observed.errs...)
			secrets := []string{"00Dx!SESSIONtokenVALUE", creds.Password, creds.SecurityToken, creds.ClientSecret}
			if len(keyPEM) > 0 && len(creds.PrivateKeyPEM) > 0 {
				secrets = append(secrets, strings.Split(string(keyPEM), "\n")[1])
				for _, body := range srv.seen {
					if form, err := url.ParseQuery(body); err == nil && form.Get("assertion") != "" {
						secrets = append(secrets, form.Get("assertion"))
					}
				}
			}
			if len(errs) == 0 {
				t.Fatalf("%s %v: no error produced", mode, creds)
			}
			for _, err := range errs {
				text := err.Error() + fmt.Sprintf(" %v %+v %#v", err, err, err)
				for _, s := range secrets {
					if s != "" && (strings.Contains(text, s) || strings.Contains(text, url.QueryEscape(s))) {
						t.Fatalf("%s %v: error %q contains the secret %q", mode, creds, text, s)
					}
				}
			}
			for _, text := range []string{fmt.Sprint(c), fmt.Sprintf("%+v %#v", c, c)} {
				for _, s := range append(secrets, "PRIVATE KEY") {
					if s != "" && strings.Contains(text, s) {
						t.Fatalf("formatting the client shows %q: %s", s, text)
					}
				}
			}
		}
	}
}

func exerciseClient(bg context.Context, c *Client) []error {
	var errs []error
	collect := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	collect(c.Login(bg))
	_, err := c.Create(bg, "Lead", map[string]any{"x": 1})
	collect(err)
	collect(c.Update(bg, "Lead", "00Q5g000001AbcdEAC", map[string]any{"x": 1}))
	_, err = c.Query(bg, "SELECT Id FROM Lead")
	collect(err)
	results, err := c.SaveMany(bg, []RecordWrite{{SObject: "Lead"}})
	collect(err)
	for _, r := range results {
		collect(r.Err)
	}
	resps, err := c.Composite(bg, false, []Subrequest{NewQuerySubrequest("r0", "SELECT Id FROM Lead")})
	collect(err)
	for _, r := range resps {
		collect(r.Err)
	}
	return errs
}
