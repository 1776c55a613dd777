package salesforce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// collectionsSim answers sObject Collections and Composite requests the way
// the documented wire format does, so batching can be tested at scale.
type collectionsSim struct {
	mu         sync.Mutex
	next       int
	leads      map[string]string // lower-case email -> lead id
	composites int
	subCounts  []int
}

func newCollectionsSim(org *fakeOrg) *collectionsSim {
	s := &collectionsSim{leads: map[string]string{}}
	root := "/services/data/v68.0"
	for _, m := range []string{"POST", "PATCH", "DELETE", "GET"} {
		org.handle(m, root+"/composite/sobjects", s.direct)
		org.handle(m, root+"/composite/sobjects/Lead", s.direct)
	}
	org.handle("GET", root+"/query", s.direct)
	org.handle("POST", root+"/composite", s.composite)
	return s
}

func (s *collectionsSim) newID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	id15 := fmt.Sprintf("00Q5g%010d", s.next)
	return id15 + checksum(id15)
}

func (s *collectionsSim) direct(w http.ResponseWriter, r *http.Request) {
	var body json.RawMessage
	_ = json.NewDecoder(r.Body).Decode(&body)
	status, out := s.answer(r.Method, r.URL.Path, r.URL.Query(), body)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(out)
}

func (s *collectionsSim) composite(w http.ResponseWriter, r *http.Request) {
	var req struct {
		CompositeRequest []struct {
			Method, URL, ReferenceID string
			Body                     json.RawMessage
		} `json:"compositeRequest"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		w.WriteHeader(400)
		return
	}
	s.mu.Lock()
	s.composites++
	s.subCounts = append(s.subCounts, len(req.CompositeRequest))
	s.mu.Unlock()
	var resp []map[string]any
	for _, sub := range req.CompositeRequest {
		u, _ := url.Parse(sub.URL)
		status, out := s.answer(sub.Method, u.Path, u.Query(), sub.Body)
		resp = append(resp, map[string]any{"body": out, "httpHeaders": map[string]string{}, "httpStatusCode": status, "referenceId": sub.ReferenceID})
	}
	json.NewEncoder(w).Encode(map[string]any{"compositeResponse": resp})
}

func (s *collectionsSim) answer(method, path string, q url.Values, body json.RawMessage) (int, any) {
	if strings.HasSuffix(path, "/query") {
		return 200, s.query(q.Get("q"))
	}
	var retrieve struct {
		IDs []string `json:"ids"`
	}
	if method == "POST" && strings.HasSuffix(path, "/composite/sobjects/Lead") {
		if err := json.Unmarshal(body, &retrieve); err != nil || len(retrieve.IDs) > 2000 {
			return 400, []map[string]any{{"errorCode": "EXCEEDED_ID_LIMIT", "message": "too many records"}}
		}
	}
	if method == "GET" {
		retrieve.IDs = strings.Split(q.Get("ids"), ",")
	}
	if retrieve.IDs != nil {
		var out []any
		for _, id := range retrieve.IDs {
			if strings.HasPrefix(id, "00Q5g") {
				out = append(out, map[string]any{"attributes": map[string]string{"type": "Lead"}, "Id": id})
			} else {
				out = append(out, nil)
			}
		}
		return 200, out
	}
	if method == "DELETE" {
		var out []any
		for _, id := range strings.Split(q.Get("ids"), ",") {
			if strings.HasPrefix(id, "00Q5g") {
				out = append(out, map[string]any{"id": id, "success": true, "errors": []any{}})
			} else {
				out = append(out, map[string]any{"id": id, "success": false, "errors": []any{map[string]any{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []any{}}}})
			}
		}
		return 200, out
	}
	var req struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Records) > 200 {
		return 400, []map[string]any{{"errorCode": "EXCEEDED_ID_LIMIT", "message": "too many records"}}
	}
	var out []any
	for _, rec := range req.Records {
		if attrs, _ := rec["attributes"].(map[string]any); attrs["type"] == "Bogus__c" {
			return 400, []map[string]any{{"errorCode": "INVALID_TYPE", "message": "sObject type 'Bogus__c' is not supported."}}
		}
		if rec["LastName"] == "fail" {
			out = append(out, map[string]any{"success": false, "errors": []any{map[string]any{"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Company]", "fields": []string{"Company"}}}})
			continue
		}
		id, _ := rec["id"].(string)
		if method == "POST" {
			id = s.newID()
		}
		out = append(out, map[string]any{"id": id, "success": true, "errors": []any{}})
	}
	return 200, out
}

// query answers the lead lookup by reading the IN list back.
func (s *collectionsSim) query(soql string) any {
	start := strings.Index(soql, "IN (")
	var records []any
	rest := soql[start+len("IN ("):]
	for len(rest) > 0 && rest[0] == '\'' {
		value, n, err := unescapeSOQLLiteral(rest)
		if err != nil {
			break
		}
		rest = strings.TrimPrefix(rest[n:], ",")
		s.mu.Lock()
		id, ok := s.leads[strings.ToLower(value)]
		s.mu.Unlock()
		if ok {
			records = append(records, map[string]any{"attributes": map[string]string{"type": "Lead"}, "Id": id, "Email": strings.ToUpper(value[:1]) + value[1:], "IsConverted": false, "ConvertedContactId": nil, "IsDeleted": false})
		}
	}
	return map[string]any{"totalSize": len(records), "done": true, "records": records}
}

func TestSaveManyPacksCollectionsIntoComposite(t *testing.T) {
	org := newFakeOrg(t)
	sim := newCollectionsSim(org)
	c := newTestClient(t, org, testCreds)
	var writes []RecordWrite
	for i := range 1000 {
		w := RecordWrite{SObject: "Lead", Fields: map[string]any{"LastName": fmt.Sprint("n", i), "Company": "Acme"}}
		if i%2 == 1 {
			w.ID = sim.newID()
		}
		if i == 7 || i == 600 {
			w.Fields["LastName"] = "fail"
		}
		writes = append(writes, w)
	}
	writes = append(writes, RecordWrite{SObject: "Lead", ID: "../x", Fields: map[string]any{}})
	results, err := c.SaveMany(testContext(t), writes)
	if err != nil {
		t.Fatalf("SaveMany: %v", err)
	}
	if len(results) != len(writes) {
		t.Fatalf("%d results for %d writes", len(results), len(writes))
	}
	for i, r := range results {
		switch {
		case i == 7 || i == 600:
			if e, ok := asError(r.Err); !ok || e.Code != "REQUIRED_FIELD_MISSING" || !IsPermanent(r.Err) {
				t.Errorf("row %d: %+v, want its own REQUIRED_FIELD_MISSING", i, r)
			}
		case i == 1000:
			if e, ok := asError(r.Err); !ok || e.Code != CodeMalformedID {
				t.Errorf("row %d: %+v, want MALFORMED_ID", i, r)
			}
		case r.Err != nil || !ValidID(r.ID):
			t.Errorf("row %d: %+v", i, r)
		case i%2 == 1 && (r.ID != writes[i].ID || r.Created):
			t.Errorf("update row %d: %+v", i, r)
		case i%2 == 0 && !r.Created:
			t.Errorf("create row %d: %+v", i, r)
		}
	}
	// 500 creates and 500 updates make 6 collections: two Composite calls.
	if sim.composites != 2 || fmt.Sprint(sim.subCounts) != "[5 1]" {
		t.Fatalf("composite calls = %d with %v subrequests", sim.composites, sim.subCounts)
	}
}

func TestSaveManySingleCollectionGoesPlain(t *testing.T) {
	org := newFakeOrg(t)
	sim := newCollectionsSim(org)
	c := newTestClient(t, org, testCreds)
	results, err := c.SaveMany(testContext(t), []RecordWrite{
		{SObject: "Lead", Fields: map[string]any{"LastName": "a", "Company": "b", "Id": "ignored"}},
		{SObject: "Lead", Fields: map[string]any{"LastName": "fail"}},
	})
	if err != nil || results[0].Err != nil || results[1].Err == nil {
		t.Fatalf("SaveMany() = %+v, %v", results, err)
	}
	reqs := org.dataRequests()
	if sim.composites != 0 || len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/services/data/v68.0/composite/sobjects" {
		t.Fatalf("requests = %+v", reqs)
	}
	var body collectionBody
	if err := json.Unmarshal([]byte(reqs[0].Body), &body); err != nil || body.AllOrNone || body.Records[0]["Id"] != nil {
		t.Fatalf("collection body = %s", reqs[0].Body)
	}
}

func TestSaveManyChunkFailureStaysWithItsRows(t *testing.T) {
	org := newFakeOrg(t)
	newCollectionsSim(org)
	c := newTestClient(t, org, testCreds)
	var writes []RecordWrite
	for i := range 300 {
		writes = append(writes, RecordWrite{SObject: "Lead", Fields: map[string]any{"LastName": fmt.Sprint(i), "Company": "x"}})
	}
	writes = append(writes, RecordWrite{SObject: "Bogus__c", Fields: map[string]any{"Name": "x"}})
	results, err := c.SaveMany(testContext(t), writes)
	if err != nil {
		t.Fatalf("SaveMany: %v", err)
	}
	for i, r := range results[:300] {
		if r.Err != nil {
			t.Fatalf("row %d failed with its neighbour: %v", i, r.Err)
		}
	}
	if e, ok := asError(results[300].Err); !ok || e.Code != "INVALID_TYPE" {
		t.Fatalf("bogus row = %+v", results[300])
	}
}

func TestCollectionsRecordedBody(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("PATCH", "/services/data/v68.0/composite/sobjects", org.reply(200, "collections_mixed.json"))
	c := newTestClient(t, org, testCreds)
	results, err := c.CollectionUpdate(testContext(t), false, []RecordWrite{
		{SObject: "Account", ID: "001RM000003oLrfYAE", Fields: map[string]any{"Name": "a"}},
		{SObject: "Account", ID: "001RM000003oLrB000", Fields: map[string]any{"Name": "b"}},
	})
	if err != nil || results[0].Err != nil || results[0].ID != "001RM000003oLrfYAE" {
		t.Fatalf("CollectionUpdate() = %+v, %v", results, err)
	}
	if e, ok := asError(results[1].Err); !ok || e.Code != "MALFORMED_ID" || e.Message != "malformed id 001RM000003oLrB000" {
		t.Fatalf("row 1 = %+v", results[1])
	}
	var body collectionBody
	_ = json.Unmarshal([]byte(org.dataRequests()[0].Body), &body)
	if body.Records[1]["id"] != "001RM000003oLrB000" || fmt.Sprint(body.Records[1]["attributes"]) != "map[type:Account]" {
		t.Fatalf("records = %v", body.Records)
	}
}

func TestCollectionsRetrieveRecordedBody(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("POST", "/services/data/v68.0/composite/sobjects/Lead", org.reply(200, "collections_retrieve.json"))
	c := newTestClient(t, org, testCreds)
	recs, err := c.CollectionRetrieve(testContext(t), "Lead", []string{"00Q5g000001AbcdEAC", "00Q5g000001AbceEAC", "bad"}, []string{"Id", "Email"})
	if err != nil || len(recs) != 3 || recs[0].String("Email") != "a@b.com" || recs[1] != nil || recs[2] != nil {
		t.Fatalf("CollectionRetrieve() = %v, %v", recs, err)
	}
	// The IDs travel in a POST body, 2,000 a request instead of the ~800 a GET's URI holds.
	if b := org.dataRequests()[0].Body; b != `{"ids":["00Q5g000001AbcdEAC","00Q5g000001AbceEAC"],"fields":["Id","Email"]}` {
		t.Fatalf("body = %s", b)
	}
}

func TestRetrieveAndDeleteMany(t *testing.T) {
	org := newFakeOrg(t)
	sim := newCollectionsSim(org)
	c := newTestClient(t, org, testCreds)
	var ids []string
	var refs []RecordWrite
	for i := range 450 {
		id := sim.newID()
		if i == 3 {
			id = "003RO0000035WQgYAM"
		}
		ids = append(ids, id)
		refs = append(refs, RecordWrite{SObject: "Lead", ID: id})
	}
	// 450 IDs fit one retrieve; 4,500 take three, carried by one Composite call.
	for _, n := range []int{450, 4500} {
		all := ids
		for len(all) < n {
			all = append(all, sim.newID())
		}
		composites := sim.composites
		recs, err := c.RetrieveMany(testContext(t), "Lead", all, []string{"Id"})
		if err != nil || len(recs) != n {
			t.Fatalf("RetrieveMany(%d) = %d, %v", n, len(recs), err)
		}
		for i, r := range recs {
			if (i == 3) != (r == nil) || (r != nil && r.ID() != all[i]) {
				t.Fatalf("record %d of %d = %v", i, n, r)
			}
		}
		if want := map[int]int{450: 0, 4500: 1}[n]; sim.composites-composites != want {
			t.Fatalf("RetrieveMany(%d): %d composite calls, want %d", n, sim.composites-composites, want)
		}
	}
	results, err := c.DeleteMany(testContext(t), refs)
	if err != nil {
		t.Fatalf("DeleteMany: %v", err)
	}
	for i, r := range results {
		if (i == 3) != (r.Err != nil) || (i == 3 && !IsNotFound(r.Err)) {
			t.Fatalf("delete row %d = %+v", i, r)
		}
	}
	if sim.composites != 2 {
		t.Fatalf("%d composite calls, want one for the large retrieve and one for the delete", sim.composites)
	}
}

func TestFindLeadsByEmail(t *testing.T) {
	org := newFakeOrg(t)
	sim := newCollectionsSim(org)
	c := newTestClient(t, org, testCreds)
	var emails []string
	for i := range 1000 {
		e := fmt.Sprintf("person.number%04d+tag@example.com", i)
		emails = append(emails, e)
		if i%10 == 0 {
			sim.leads[e] = sim.newID()
		}
	}
	emails = append(emails, "o'brien\\x@acme.com", "", "PERSON.NUMBER0000+tag@example.com")
	sim.leads["o'brien\\x@acme.com"] = sim.newID()
	found, err := c.FindLeadsByEmail(testContext(t), emails)
	if err != nil {
		t.Fatalf("FindLeadsByEmail: %v", err)
	}
	if len(found) != 101 {
		t.Fatalf("found %d emails, want 101", len(found))
	}
	if m := found["person.number0000+tag@example.com"]; len(m) != 1 || m[0].ID != sim.leads["person.number0000+tag@example.com"] {
		t.Fatalf("match = %+v", m)
	}
	if len(found["o'brien\\x@acme.com"]) != 1 {
		t.Fatalf("escaped email not found")
	}
	if sim.composites != 1 || len(org.dataRequests()) != 1 {
		t.Fatalf("%d composite calls, %d requests; want 1,000 emails in one API call", sim.composites, len(org.dataRequests()))
	}
	queries := leadQueries(emails)
	for _, q := range queries {
		if len(q) > leadQuerySOQLBudget {
			t.Fatalf("query is %d characters", len(q))
		}
	}
	if len(queries) != 2 {
		t.Fatalf("1,000 emails in %d queries, want 2", len(queries))
	}
}

func TestFindLeadsByEmailRecordedPages(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("GET", "/services/data/v68.0/query", org.reply(200, "query_page1.json"))
	org.handle("GET", "/services/data/v66.0/query/01gRO0000016PIAYA2-2000", org.reply(200, "query_page2.json"))
	c := newTestClient(t, org, testCreds)
	found, err := c.FindLeadsByEmail(testContext(t), []string{"a@b.com", "c@d.com"})
	if err != nil {
		t.Fatal(err)
	}
	want := LeadMatch{ID: "00Q5g000001AbceEAC", Email: "C@d.com", IsConverted: true, ConvertedContactID: "003RO0000035WQgYAM"}
	if len(found["c@d.com"]) != 2 || found["c@d.com"][0] != want || len(found["a@b.com"]) != 1 {
		t.Fatalf("found = %+v", found)
	}
	q, _ := url.ParseQuery(org.dataRequests()[0].RawQuery)
	if q.Get("q") != "SELECT Id, Email, IsConverted, ConvertedContactId, IsDeleted FROM Lead WHERE Email IN ('a@b.com','c@d.com')" {
		t.Fatalf("soql = %s", q.Get("q"))
	}
}

func TestFindLeadsByEmailNoEmails(t *testing.T) {
	org := newFakeOrg(t)
	c := newTestClient(t, org, testCreds)
	found, err := c.FindLeadsByEmail(testContext(t), []string{"", "  "})
	if err != nil || len(found) != 0 || len(org.recorded()) != 0 {
		t.Fatalf("FindLeadsByEmail() = %v, %v with %d requests", found, err, len(org.recorded()))
	}
}

func TestCompositeRecordedBody(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("POST", "/services/data/v68.0/composite", org.reply(200, "composite_mixed.json"))
	c := newTestClient(t, org, testCreds)
	acct, _ := NewCreateSubrequest("refAccount", "Account", map[string]any{"Name": "Acme"})
	contact, _ := NewCreateSubrequest("refContact", "Contact", map[string]any{"AccountId": "@{refAccount.id}"})
	resps, err := c.Composite(testContext(t), false, []Subrequest{acct, contact})
	if err != nil || len(resps) != 2 {
		t.Fatalf("Composite() = %+v, %v", resps, err)
	}
	if resps[0].Err != nil || resps[0].StatusCode != 201 || resps[0].Headers["Location"] == "" {
		t.Fatalf("first = %+v", resps[0])
	}
	if e, ok := asError(resps[1].Err); !ok || e.Code != "REQUIRED_FIELD_MISSING" || e.StatusCode != 400 {
		t.Fatalf("second = %+v", resps[1])
	}
	var sent compositeRequest
	_ = json.Unmarshal([]byte(org.dataRequests()[0].Body), &sent)
	if sent.CompositeRequest[1].URL != "/services/data/v68.0/sobjects/Contact" || sent.AllOrNone {
		t.Fatalf("sent = %s", org.dataRequests()[0].Body)
	}
}

func TestCompositeRejectsBadEnvelopes(t *testing.T) {
	org := newFakeOrg(t)
	c := newTestClient(t, org, testCreds)
	many := make([]Subrequest, 26)
	for i := range many {
		many[i] = NewQuerySubrequest("", "SELECT Id FROM Lead")
	}
	cases := map[string][]Subrequest{
		"empty":          nil,
		"too many":       many,
		"six queries":    many[:6],
		"bad reference":  {{Method: "GET", URL: "/limits", ReferenceID: "a-b"}},
		"repeated ref":   {{Method: "GET", URL: "/limits", ReferenceID: "a"}, {Method: "GET", URL: "/limits", ReferenceID: "a"}},
		"foreign url":    {{Method: "GET", URL: "//evil.example.com/x"}},
		"dot dot in url": {{Method: "GET", URL: "/sobjects/../../x"}},
	}
	for name, subs := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := c.Composite(testContext(t), false, subs); !IsPermanent(err) {
				t.Fatalf("Composite() = %v, want a permanent input error", err)
			}
		})
	}
	if len(org.recorded()) != 0 {
		t.Fatal("a bad envelope was sent")
	}
}

// With allOrNone, Salesforce rolls back or halts the rows and subrequests that
// did not fail themselves; whether retrying them can help is decided by the
// failure that caused it, and a rolled-back create names no record.
func TestRolledBackRowsFollowTheirRootCause(t *testing.T) {
	const rolledBack = `{"id":"001RM000003oLrfYAE","success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}]}`
	const halted = `{"body":[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}],"httpStatusCode":400,"referenceId":"r0"}`
	cases := map[string]struct {
		root string // the failing row's error
		want classes
	}{
		"row lock":       {`{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record","fields":[]}`, classes{transient: true}},
		"api limit":      {`{"statusCode":"REQUEST_LIMIT_EXCEEDED","message":"ConcurrentRequests (Concurrent API Requests) Limit exceeded.","fields":[]}`, classes{transient: true, throttled: true, concurrency: true}},
		"required field": {`{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}`, classes{permanent: true}},
	}
	for name, tc := range cases {
		t.Run("collections "+name, func(t *testing.T) {
			org := newFakeOrg(t)
			org.handle("POST", "/services/data/v68.0/composite/sobjects", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `[%s,{"success":false,"errors":[%s]}]`, rolledBack, tc.root)
			})
			c := newTestClient(t, org, testCreds)
			results, err := c.CollectionCreate(testContext(t), true, []RecordWrite{
				{SObject: "Account", Fields: map[string]any{"Name": "a"}},
				{SObject: "Account", Fields: map[string]any{"Name": "b"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := classify(results[0].Err); got != tc.want {
				t.Fatalf("rolled-back row %v: classes %+v, want %+v", results[0].Err, got, tc.want)
			}
			if got := classify(results[1].Err); got != tc.want {
				t.Fatalf("failing row %v: classes %+v, want %+v", results[1].Err, got, tc.want)
			}
			if results[0].ID != "" {
				t.Fatalf("rolled-back create reports id %q of a record that does not exist", results[0].ID)
			}
			if e, _ := asError(results[0].Err); e.Code != "ALL_OR_NONE_OPERATION_ROLLED_BACK" || !strings.Contains(e.Error(), "caused by") {
				t.Fatalf("rolled-back row error %q should keep its code and name its cause", e)
			}
		})
		t.Run("composite "+name, func(t *testing.T) {
			org := newFakeOrg(t)
			org.handle("POST", "/services/data/v68.0/composite", func(w http.ResponseWriter, r *http.Request) {
				root := strings.Replace(tc.root, `"statusCode"`, `"errorCode"`, 1)
				fmt.Fprintf(w, `{"compositeResponse":[%s,{"body":[%s],"httpStatusCode":400,"referenceId":"r1"}]}`, halted, root)
			})
			c := newTestClient(t, org, testCreds)
			a, _ := NewCreateSubrequest("r0", "Account", map[string]any{"Name": "a"})
			b, _ := NewCreateSubrequest("r1", "Account", map[string]any{"Name": "b"})
			resps, err := c.Composite(testContext(t), true, []Subrequest{a, b})
			if err != nil {
				t.Fatal(err)
			}
			if got := classify(resps[0].Err); got != tc.want {
				t.Fatalf("halted subrequest %v: classes %+v, want %+v", resps[0].Err, got, tc.want)
			}
		})
	}
}
