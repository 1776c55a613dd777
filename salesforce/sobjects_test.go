package salesforce

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const leadPath = "/services/data/v68.0/sobjects/Lead"

func TestCreate(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("POST", leadPath+"/", org.reply(201, "create.json"))
	c := newTestClient(t, org, testCreds)
	id, err := c.Create(testContext(t), "Lead", map[string]any{"LastName": "Smith", "Company": "Acme", "Email": "smith@acme.com"})
	if err != nil || id != "00Q5g000001AbcdEAC" {
		t.Fatalf("Create() = %q, %v", id, err)
	}
	req := org.dataRequests()[0]
	var body map[string]any
	if err := json.Unmarshal([]byte(req.Body), &body); err != nil || body["Company"] != "Acme" {
		t.Fatalf("body = %s", req.Body)
	}
	if req.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("Content-Type = %q", req.Header.Get("Content-Type"))
	}
}

func TestGetUpdateDelete(t *testing.T) {
	org := newFakeOrg(t)
	id := "00Q5g000001AbcdEAC"
	org.handle("GET", leadPath+"/"+id, org.reply(200, "get_lead.json"))
	org.handle("PATCH", leadPath+"/"+id, org.reply(204, ""))
	org.handle("DELETE", leadPath+"/"+id, org.reply(204, ""))
	c := newTestClient(t, org, testCreds)
	ctx := testContext(t)

	rec, err := c.Get(ctx, "Lead", id, []string{"Id", "Email", "IsConverted"})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if rec.ID() != id || rec.String("email") != "smith@acme.com" || rec.Bool("IsConverted") || rec.Field("ConvertedContactId") != nil {
		t.Fatalf("record = %v", rec)
	}
	if err := c.Update(ctx, "Lead", id, map[string]any{"Title": "CTO", "Phone": nil}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := c.Delete(ctx, "Lead", id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	reqs := org.dataRequests()
	if reqs[0].RawQuery != "fields=Id%2CEmail%2CIsConverted" {
		t.Errorf("get query = %q", reqs[0].RawQuery)
	}
	if reqs[1].Method != "PATCH" || reqs[1].RawQuery != "" || reqs[1].Body != `{"Phone":null,"Title":"CTO"}` {
		t.Errorf("update = %s ?%s %s, want a real PATCH with null kept", reqs[1].Method, reqs[1].RawQuery, reqs[1].Body)
	}
	if reqs[2].Method != "DELETE" {
		t.Errorf("delete method = %s", reqs[2].Method)
	}
}

func TestUpsert(t *testing.T) {
	cases := map[string]struct {
		status   int
		body     string
		want     UpsertResult
		wantCode string
		wantIDs  []string
	}{
		"created":        {status: 201, body: "upsert_created.json", want: UpsertResult{ID: "00Q5g000001AbcdEAC", Created: true}},
		"updated":        {status: 200, body: "upsert_updated.json", want: UpsertResult{ID: "00Q5g000001AbcdEAC"}},
		"updated old":    {status: 204, want: UpsertResult{}},
		"several":        {status: 300, body: "upsert_multiple.json", wantCode: CodeMultipleMatches, wantIDs: []string{"00Q5g000001AbcdEAC", "001D000000IqhSLIAZ"}},
		"unknown field":  {status: 404, body: "upsert_bad_field.json", wantCode: "NOT_FOUND"},
		"invalid email":  {status: 400, body: "invalid_email.json", wantCode: "INVALID_EMAIL_ADDRESS"},
		"duplicate rule": {status: 400, body: "duplicates_detected.json", wantCode: "DUPLICATES_DETECTED", wantIDs: []string{"00Q5g000001AbcdEAC"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			org := newFakeOrg(t)
			var rawPath string
			org.handle("PATCH", leadPath+"/Email/o'brien x/y@acme.com", func(w http.ResponseWriter, r *http.Request) {
				rawPath = r.URL.EscapedPath()
				org.reply(tc.status, tc.body)(w, r)
			})
			c := newTestClient(t, org, testCreds)
			got, err := c.Upsert(testContext(t), "Lead", "Email", "o'brien x/y@acme.com", map[string]any{"LastName": "O'Brien"})
			if rawPath != leadPath+"/Email/o%27brien%20x%2Fy@acme.com" {
				t.Errorf("escaped path = %q", rawPath)
			}
			if tc.wantCode != "" {
				e, ok := asError(err)
				if !ok || e.Code != tc.wantCode || !IsPermanent(err) {
					t.Fatalf("Upsert() error = %v, want permanent %s", err, tc.wantCode)
				}
				if !reflect.DeepEqual(e.MatchedIDs, tc.wantIDs) {
					t.Fatalf("MatchedIDs = %v, want %v", e.MatchedIDs, tc.wantIDs)
				}
				for _, id := range tc.wantIDs {
					if !strings.Contains(err.Error(), id) {
						t.Errorf("error %q does not list %s", err, id)
					}
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Upsert() = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// Nothing a caller passes may change which resource a request addresses.
func TestPathInputsAreValidated(t *testing.T) {
	org := newFakeOrg(t)
	c := newTestClient(t, org, testCreds)
	ctx := testContext(t)
	calls := map[string]func() error{
		"get bad id":        func() error { _, err := c.Get(ctx, "Lead", "../Contact/003", nil); return err },
		"get id with query": func() error { _, err := c.Get(ctx, "Lead", "00Q5g000001Abc?x", nil); return err },
		"get bad field":     func() error { _, err := c.Get(ctx, "Lead", "00Q5g000001AbcdEAC", []string{"Id&x=1"}); return err },
		"update bad id":     func() error { return c.Update(ctx, "Lead", "00Q5g000001AbcdEAC/x", nil) },
		"update empty id":   func() error { return c.Update(ctx, "Lead", "", nil) },
		"delete bad type":   func() error { return c.Delete(ctx, "Lead/../Contact", "00Q5g000001AbcdEAC") },
		"create bad type":   func() error { _, err := c.Create(ctx, "Lead?x", nil); return err },
		"upsert bad field":  func() error { _, err := c.Upsert(ctx, "Lead", "Email/x", "a", nil); return err },
		"upsert dot value":  func() error { _, err := c.Upsert(ctx, "Lead", "Email", "..", nil); return err },
		"upsert empty":      func() error { _, err := c.Upsert(ctx, "Lead", "Email", "", nil); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); !IsPermanent(err) {
				t.Fatalf("error = %v, want a permanent validation error", err)
			}
		})
	}
	if n := len(org.recorded()); n != 0 {
		t.Fatalf("%d requests were sent for invalid input", n)
	}
}

func TestQueryFollowsNextRecordsURL(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("GET", "/services/data/v68.0/query", org.reply(200, "query_page1.json"))
	org.handle("GET", "/services/data/v66.0/query/01gRO0000016PIAYA2-2000", org.reply(200, "query_page2.json"))
	c := newTestClient(t, org, testCreds)
	soql := "SELECT Id FROM Lead WHERE Email = " + QuoteSOQL("o'brien+x@acme.com")
	recs, err := c.Query(testContext(t), soql)
	if err != nil || len(recs) != 3 {
		t.Fatalf("Query() = %d records, %v", len(recs), err)
	}
	first := org.dataRequests()[0]
	if first.RawQuery != `q=SELECT+Id+FROM+Lead+WHERE+Email+%3D+%27o%5C%27brien%2Bx%40acme.com%27` {
		t.Fatalf("query string = %s", first.RawQuery)
	}
	if used, max, ok := c.APIUsage(); !ok || used != 2 || max != 15000 {
		t.Fatalf("APIUsage() = %d, %d, %v", used, max, ok)
	}
}

func TestQueryRefusesForeignNextRecordsURL(t *testing.T) {
	for _, next := range []string{"https://evil.example.com/services/data/v68.0/query/x", "//evil.example.com/services/data/x", "/services/data/../../x", "/other"} {
		org := newFakeOrg(t)
		org.handle("GET", "/services/data/v68.0/query", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]any{"done": false, "nextRecordsUrl": next, "records": []any{}})
		})
		c := newTestClient(t, org, testCreds)
		if _, err := c.Query(testContext(t), "SELECT Id FROM Lead"); err == nil {
			t.Errorf("nextRecordsUrl %q was followed", next)
		}
		if n := len(org.dataRequests()); n != 1 {
			t.Errorf("nextRecordsUrl %q: %d data requests, want 1", next, n)
		}
	}
}

func TestLimitInfoFromErrorResponses(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("GET", leadPath+"/00Q5g000001AbcdEAC", org.reply(404, "entity_deleted.json"))
	c := newTestClient(t, org, testCreds)
	if _, _, ok := c.APIUsage(); ok {
		t.Fatal("APIUsage known before any call")
	}
	_, err := c.Get(testContext(t), "Lead", "00Q5g000001AbcdEAC", nil)
	if !IsNotFound(err) {
		t.Fatalf("Get() = %v, want not found", err)
	}
	if used, max, ok := c.APIUsage(); !ok || used != 1 || max != 15000 {
		t.Fatalf("APIUsage() = %d, %d, %v", used, max, ok)
	}
}

func TestParseLimitInfo(t *testing.T) {
	cases := map[string]struct {
		header    string
		used, max int
		ok        bool
	}{
		"plain":       {header: "api-usage=25/15000", used: 25, max: 15000, ok: true},
		"with bursts": {header: "api-usage=25/15000; api-bursts=1/750", used: 25, max: 15000, ok: true},
		"per app":     {header: "per-app-api-usage=17/250(appName=sample); api-usage=18/5000", used: 18, max: 5000, ok: true},
		"absent":      {header: ""},
		"garbage":     {header: "api-usage=x/y"},
		"no slash":    {header: "api-usage=25"},
		"negative":    {header: "api-usage=-1/10"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			used, max, ok := parseLimitInfo(tc.header)
			if used != tc.used || max != tc.max || ok != tc.ok {
				t.Fatalf("parseLimitInfo(%q) = %d, %d, %v", tc.header, used, max, ok)
			}
		})
	}
}

func TestSessionExpiryCausesOneReloginUnderConcurrency(t *testing.T) {
	org := newFakeOrg(t)
	id := "00Q5g000001AbcdEAC"
	org.handle("GET", leadPath+"/"+id, org.reply(200, "get_lead.json"))
	c := newTestClient(t, org, testCreds)
	ctx := testContext(t)

	run := func() {
		var wg sync.WaitGroup
		var failures atomic.Int64
		for range 1000 {
			wg.Go(func() {
				if _, err := c.Get(ctx, "Lead", id, nil); err != nil {
					failures.Add(1)
					t.Log(err)
				}
			})
		}
		wg.Wait()
		if failures.Load() > 0 {
			t.Fatalf("%d calls failed", failures.Load())
		}
	}
	run()
	if n := org.logins.Load(); n != 1 {
		t.Fatalf("first wave: %d logins, want 1", n)
	}
	org.expireSession()
	run()
	if n := org.logins.Load(); n != 2 {
		t.Fatalf("after expiry: %d logins, want exactly one re-login", n)
	}
}

func TestSessionRejectedAfterReloginIsReturned(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("GET", leadPath+"/00Q5g000001AbcdEAC", org.reply(401, "session_expired.json"))
	c := newTestClient(t, org, testCreds)
	_, err := c.Get(testContext(t), "Lead", "00Q5g000001AbcdEAC", nil)
	if !IsAuth(err) || IsTransient(err) {
		t.Fatalf("Get() = %v, want an auth error", err)
	}
	if n := org.logins.Load(); n != 2 {
		t.Fatalf("%d logins, want the first and exactly one more", n)
	}
	if n := len(org.dataRequests()); n != 2 {
		t.Fatalf("%d data requests, want 2", n)
	}
}

type observation struct {
	op     string
	status int
	failed bool
}

type recordingObserver struct {
	mu  sync.Mutex
	got []observation
}

func (r *recordingObserver) ObserveRequest(op string, status int, err error, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, observation{op, status, err != nil})
}

func TestObserverSeesEveryExchange(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("DELETE", leadPath+"/00Q5g000001AbcdEAC", org.reply(404, "entity_deleted.json"))
	obs := &recordingObserver{}
	c, err := New(Config{LoginURL: org.srv.URL, AllowedHosts: loopbackHosts, Credentials: testCreds, HTTPClient: org.srv.Client(), Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Delete(testContext(t), "Lead", "00Q5g000001AbcdEAC")
	want := []observation{{"login", 200, false}, {"delete Lead", 404, true}}
	if !reflect.DeepEqual(obs.got, want) {
		t.Fatalf("observations = %+v, want %+v", obs.got, want)
	}
}

// Update and Delete succeed with 204 and no body. Any answer that does not
// show the write happened must come back as an error, or the write is lost.
func TestUpdateDeleteNeedProofOfTheWrite(t *testing.T) {
	cases := map[string]struct {
		status    int
		body      string
		wantErr   bool
		transient bool
	}{
		"204 empty":         {204, "", false, false},
		"200 json":          {200, "create.json", false, false},
		"200 gateway page":  {200, "gateway_503.html", true, true},
		"300 not a success": {300, "upsert_multiple.json", true, false},
		"304 not modified":  {304, "", true, false},
	}
	id := "00Q5g000001AbcdEAC"
	for name, tc := range cases {
		for _, method := range []string{"PATCH", "DELETE"} {
			t.Run(name+" "+method, func(t *testing.T) {
				org := newFakeOrg(t)
				org.handle(method, leadPath+"/"+id, org.reply(tc.status, tc.body))
				c := newTestClient(t, org, testCreds)
				var err error
				if method == "PATCH" {
					err = c.Update(testContext(t), "Lead", id, map[string]any{"Title": "CTO"})
				} else {
					err = c.Delete(testContext(t), "Lead", id)
				}
				if (err != nil) != tc.wantErr {
					t.Fatalf("%s answered %d %s: err = %v, want error %v", method, tc.status, tc.body, err, tc.wantErr)
				}
				if err == nil {
					return
				}
				e, ok := asError(err)
				if !ok || e.Code != CodeUnexpectedResponse || e.StatusCode != tc.status || IsTransient(err) != tc.transient {
					t.Fatalf("err = %#v, want %s at %d, transient %v", err, CodeUnexpectedResponse, tc.status, tc.transient)
				}
			})
		}
	}
}

// A page that is not done must say where the rest is: a lookup that took the
// rows it has for all of them could create a record that already exists.
func TestQueryNotDoneWithoutNextRecordsURL(t *testing.T) {
	cases := map[string]struct {
		page    string
		wantErr bool
	}{
		"done":                    {`{"totalSize":1,"done":true,"records":[{"Id":"00Q5g000001AbcdEAC"}]}`, false},
		"not done, no locator":    {`{"totalSize":2500,"done":false,"records":[{"Id":"00Q5g000001AbcdEAC"}]}`, true},
		"not done, empty locator": {`{"totalSize":2500,"done":false,"nextRecordsUrl":"","records":[]}`, true},
		"done flag missing":       {`{"totalSize":1,"records":[{"Id":"00Q5g000001AbcdEAC"}]}`, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			org := newFakeOrg(t)
			org.handle("GET", "/services/data/v68.0/query", func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(tc.page))
			})
			c := newTestClient(t, org, testCreds)
			recs, err := c.Query(testContext(t), "SELECT Id FROM Lead")
			if (err != nil) != tc.wantErr {
				t.Fatalf("Query() = %d records, %v; want error %v", len(recs), err, tc.wantErr)
			}
			if err != nil && (!IsTransient(err) || IsPermanent(err)) {
				t.Fatalf("Query() error %v should be transient", err)
			}
		})
	}
}

// A redirect is answered, not followed: net/http would turn the PATCH into a GET whose 200
// reads as the write's success.
func TestRedirectsAreNotFollowed(t *testing.T) {
	id := "00Q5g000001AbcdEAC"
	org := newFakeOrg(t)
	org.handle("PATCH", leadPath+"/"+id, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, leadPath+"/"+id+"/moved", http.StatusFound)
	})
	org.handle("GET", leadPath+"/"+id+"/moved", org.reply(200, "create.json"))
	c, err := New(Config{LoginURL: org.srv.URL, AllowedHosts: loopbackHosts, Credentials: testCreds, HTTPClient: NewHTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Update(testContext(t), "Lead", id, map[string]any{"Title": "CTO"})
	if e, ok := asError(err); !ok || e.StatusCode != http.StatusFound {
		t.Fatalf("err = %v, want the 302 itself", err)
	}
}
