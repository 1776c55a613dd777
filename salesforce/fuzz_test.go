package salesforce

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// FuzzResponseParsing feeds arbitrary bytes to every parser of Salesforce
// answers: error bodies, collections, composite, query pages, token and SOAP
// login responses. None may panic, whatever the status; and an answer that is not
// a success (a status of 300 or more) or not JSON at all (garbage with a 200 or
// 201) must come back as an error, never as a result.
func FuzzResponseParsing(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(200, b)
			f.Add(400, b)
		}
	}
	f.Add(300, []byte(`["/x", 1, null]`))
	f.Add(200, []byte(`[null, {"success":false}]`))
	f.Add(200, []byte(`{"compositeResponse":[{"httpStatusCode":0,"body":null}]}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 200 || status > 599 {
			status = 200
		}
		garbage := (status == 200 || status == 201) && !json.Valid(body)
		mustFail := func(call string, err error) {
			if err == nil && (status >= 300 || garbage) {
				t.Errorf("%s: an answer of %d %q came back without an error", call, status, body)
			}
		}
		_ = parseError(status, "op", body)
		_ = multipleMatches("op", "Email", body)
		(&Client{}).writeResults(make([]RecordResult, 3), []chunk{{rows: []int{0, 1, 2}}}, []chunkOutcome{{status: status, body: body}}, "op", "upsert")
		var page queryPage
		_ = jsonUnmarshal(body, &page)

		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/services/oauth2/token" || r.URL.Path == "/services/Soap/u/64.0" {
				w.Write([]byte(`{"access_token":"t","instance_url":"http://` + r.Host + `"}`))
				return
			}
			w.WriteHeader(status)
			w.Write(body)
		}))
		defer srv.Close()
		ctx := t.Context()
		for _, creds := range []Credentials{testCreds} {
			c, err := New(Config{LoginURL: srv.URL, AllowedHosts: loopbackHosts, Credentials: creds, HTTPClient: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Create(ctx, "Lead", map[string]any{"LastName": "x"})
			mustFail("Create", err)
			_, err = c.Get(ctx, "Lead", "00Q5g000001AbcdEAC", nil)
			mustFail("Get", err)
			_, err = c.Upsert(ctx, "Lead", "Email", "a@b.c", map[string]any{"LastName": "x"})
			mustFail("Upsert", err)
			_, err = c.Query(ctx, "SELECT Id FROM Lead")
			mustFail("Query", err)
			_, err = c.CollectionRetrieve(ctx, "Lead", []string{"00Q5g000001AbcdEAC"}, nil)
			mustFail("CollectionRetrieve", err)
			_, _ = c.SaveMany(ctx, []RecordWrite{{SObject: "Lead"}, {SObject: "Lead", ID: "00Q5g000001AbcdEAC"}})
			_, err = c.Composite(ctx, false, []Subrequest{NewQuerySubrequest("q", "SELECT Id FROM Lead")})
			mustFail("Composite", err)
			_, err = c.FindLeadsByEmail(ctx, []string{"a@b.c"})
			mustFail("FindLeadsByEmail", err)
		}
		// Login parsers get the bytes as the login answer.
		login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			w.Write(body)
		}))
		defer login.Close()
		for _, creds := range []Credentials{testCreds, {Username: "u", Password: "p"}} {
			c, _ := New(Config{LoginURL: login.URL, AllowedHosts: loopbackHosts, Credentials: creds, HTTPClient: login.Client()})
			if err := c.Login(ctx); err == nil && status >= 300 {
				t.Errorf("Login: an answer of %d %q came back without an error", status, body)
			}
		}
	})
}
