package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestQueryPagingCountsEachPage(t *testing.T) {
	h := newHarness(t, Options{})
	for i := 0; i < 2500; i++ {
		h.seed("Lead", map[string]any{"LastName": "L", "Company": "C"})
	}
	cases := map[string]struct {
		header []string
		pages  []int
	}{
		"default 2000":  {pages: []int{2000, 500}},
		"batchSize=500": {header: []string{"Sforce-Query-Options", "batchSize=500"}, pages: []int{500, 500, 500, 500, 500}},
		"batchSize=10 is raised to 200": {header: []string{"Sforce-Query-Options", "batchSize=10"},
			pages: []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 100}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := h.emu.APICallsUsed()
			path := q("SELECT Id FROM Lead")
			var sizes []int
			for path != "" {
				r := h.do("GET", path, nil, tc.header...)
				m := r.object(t)
				if m["totalSize"] != json.Number("2500") {
					t.Fatalf("totalSize = %v", m["totalSize"])
				}
				sizes = append(sizes, len(m["records"].([]any)))
				path, _ = m["nextRecordsUrl"].(string)
				if (path == "") != (m["done"] == true) {
					t.Fatalf("done/nextRecordsUrl mismatch: %v %q", m["done"], path)
				}
				if path != "" && !strings.HasPrefix(path, v64+"/query/01g") {
					t.Fatalf("nextRecordsUrl = %q", path)
				}
			}
			if len(sizes) != len(tc.pages) || h.emu.APICallsUsed()-before != len(tc.pages) {
				t.Errorf("pages = %v, calls = %d, want %v", sizes, h.emu.APICallsUsed()-before, tc.pages)
			}
		})
	}
	r := h.do("GET", v64+"/query/01gbogus-2000", nil)
	wantError("INVALID_QUERY_LOCATOR", "")(t, r)
}

func TestDailyLimit(t *testing.T) {
	h := newHarness(t, Options{DailyLimit: 3})
	for i := 1; i <= 3; i++ {
		r := h.do("GET", v64+"/limits", nil)
		if r.status != 200 || r.header.Get("Sforce-Limit-Info") != "api-usage="+string(rune('0'+i))+"/3" {
			t.Fatalf("call %d: %d %q", i, r.status, r.header.Get("Sforce-Limit-Info"))
		}
	}
	r := h.do("GET", v64+"/limits", nil)
	if r.status != 403 || r.header.Get("Sforce-Limit-Info") != "api-usage=3/3" {
		t.Fatalf("over limit: %d %q", r.status, r.header.Get("Sforce-Limit-Info"))
	}
	wantJSON(`[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)(t, r)
	if r := h.raw("GET", "/services/data/", "", nil); r.status != 200 || r.header.Get("Sforce-Limit-Info") != "" {
		t.Errorf("versions list: %d %q", r.status, r.header.Get("Sforce-Limit-Info"))
	}
	if got := h.emu.Counters()["GET /limits"]; got != 3 {
		t.Errorf("counter GET /limits = %d", got)
	}
}

func TestURITooLong(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.do("GET", q("SELECT Id FROM Lead WHERE Email IN ('"+strings.Repeat("a", 17000)+"')"), nil)
	if r.status != 414 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("got %d %q", r.status, r.header.Get("Content-Type"))
	}
}

func TestSearchIndexLag(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, Options{SearchIndexLag: time.Minute, Now: func() time.Time { return now }})
	id := h.seed("Lead", map[string]any{"LastName": "Lag", "Company": "C", "Email": "old@acme.com"})
	search := func(term string) int {
		r := h.do("GET", v64+"/parameterizedSearch/?q="+term+"&sobject=Lead&in=EMAIL", nil)
		return len(r.object(t)["searchRecords"].([]any))
	}
	if search("old%40acme.com") != 0 {
		t.Errorf("found before the index caught up")
	}
	now = now.Add(time.Minute)
	if search("old%40acme.com") != 1 {
		t.Errorf("not found after the lag")
	}
	if r := h.do("PATCH", v64+"/sobjects/Lead/"+id, map[string]any{"Email": "new@acme.com"}); r.status != 204 {
		t.Fatal(r.status)
	}
	if search("old%40acme.com") != 1 || search("new%40acme.com") != 0 {
		t.Errorf("index must keep serving the old value while the write lags")
	}
	now = now.Add(time.Minute)
	if search("old%40acme.com") != 0 || search("new%40acme.com") != 1 {
		t.Errorf("index did not catch up")
	}
	r := h.do("GET", q("SELECT Id FROM Lead WHERE Email = 'new@acme.com'"), nil)
	if r.object(t)["totalSize"] != json.Number("1") {
		t.Errorf("SOQL must be immediate")
	}
}

func TestFaults(t *testing.T) {
	h := newHarness(t, Options{})
	preset := func(name string) Fault { f, _ := Preset(name); return f }
	withTimes := func(f Fault, method, path string) Fault {
		f.Method, f.PathContains, f.Times = method, path, 1
		return f
	}
	cases := map[string]struct {
		fault  Fault
		status int
		ct     string
		code   string
	}{
		"503 SERVER_UNAVAILABLE":  {withTimes(preset("SERVER_UNAVAILABLE"), "GET", "/limits"), 503, jsonContentType, "SERVER_UNAVAILABLE"},
		"502 HTML":                {withTimes(preset("BAD_GATEWAY"), "", "/limits"), 502, "text/html", ""},
		"500 UNKNOWN_EXCEPTION":   {withTimes(preset("UNKNOWN_EXCEPTION"), "", "/limits"), 500, jsonContentType, "UNKNOWN_EXCEPTION"},
		"400 UNABLE_TO_LOCK_ROW":  {withTimes(preset("UNABLE_TO_LOCK_ROW"), "", "/limits"), 400, jsonContentType, "UNABLE_TO_LOCK_ROW"},
		"403 limit":               {withTimes(preset("REQUEST_LIMIT_EXCEEDED"), "", "/limits"), 403, jsonContentType, "REQUEST_LIMIT_EXCEEDED"},
		"400 DUPLICATES_DETECTED": {withTimes(preset("DUPLICATES_DETECTED"), "", "/limits"), 400, jsonContentType, "DUPLICATES_DETECTED"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h.emu.AddFault(tc.fault)
			if r := h.do("POST", v64+"/composite/sobjects", map[string]any{"records": []any{}}); r.status != 200 {
				t.Errorf("non-matching path was faulted: %d", r.status)
			}
			r := h.do("GET", v64+"/limits", nil)
			if r.status != tc.status || !strings.HasPrefix(r.header.Get("Content-Type"), tc.ct) {
				t.Fatalf("got %d %q", r.status, r.header.Get("Content-Type"))
			}
			if tc.code != "" {
				wantError(tc.code, "")(t, r)
			}
			if r := h.do("GET", v64+"/limits", nil); r.status != 200 {
				t.Errorf("Times=1 fault answered twice: %d", r.status)
			}
		})
	}
	t.Run("duplicateResut spelling", func(t *testing.T) {
		if !strings.Contains(DuplicatesDetectedBody("Lead", "00Q5g00000EmuDPAAY", true), `"duplicateResut":{"allowSave":true`) {
			t.Error("misspelt key missing")
		}
	})
	t.Run("rate 0 < p < 1 hits some calls", func(t *testing.T) {
		id := h.emu.AddFault(Fault{PathContains: "/limits", Status: 503, Body: BodyServerUnavailable, Rate: 0.5})
		defer h.emu.RemoveFault(id)
		hits := 0
		for i := 0; i < 200; i++ {
			if h.do("GET", v64+"/limits", nil).status == 503 {
				hits++
			}
		}
		if hits < 50 || hits > 150 {
			t.Errorf("hits = %d of 200 at rate 0.5", hits)
		}
	})
	t.Run("latency", func(t *testing.T) {
		h.emu.AddFault(Fault{PathContains: "/limits", Latency: 100 * time.Millisecond, Times: 1})
		start := time.Now()
		if r := h.do("GET", v64+"/limits", nil); r.status != 200 {
			t.Fatal(r.status)
		}
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Errorf("latency %v", d)
		}
	})
	t.Run("hang until the client gives up", func(t *testing.T) {
		h.emu.AddFault(Fault{PathContains: "/limits", Hang: true, Times: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", h.srv.URL+v64+"/limits", nil)
		req.Header.Set("Authorization", "Bearer "+h.token)
		if _, err := h.srv.Client().Do(req); err == nil {
			t.Error("hung request answered")
		}
	})
	t.Run("drop", func(t *testing.T) {
		h.emu.AddFault(Fault{PathContains: "/limits", Drop: true, Times: 1})
		req, _ := http.NewRequest("GET", h.srv.URL+v64+"/limits", nil)
		req.Header.Set("Authorization", "Bearer "+h.token)
		if _, err := h.srv.Client().Do(req); err == nil {
			t.Error("dropped connection answered")
		}
	})
	t.Run("ClearFaults", func(t *testing.T) {
		h.emu.AddFault(Fault{Status: 503, Body: BodyServerUnavailable})
		h.emu.ClearFaults()
		if r := h.do("GET", v64+"/limits", nil); r.status != 200 {
			t.Errorf("status %d", r.status)
		}
	})
}

func TestUIEditsAndConversion(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.seed("Lead", map[string]any{"FirstName": "Ann", "LastName": "Lee", "Company": "Acme", "Email": "ann@acme.com"})
	used := h.emu.APICallsUsed()
	if err := h.emu.SetFields("Lead", id, map[string]any{"Title": "Drifted"}); err != nil {
		t.Fatal(err)
	}
	rec, _ := h.emu.Record("Lead", id)
	if rec["Title"] != "Drifted" || rec["LastModifiedById"] == rec["CreatedById"] || h.emu.APICallsUsed() != used {
		t.Errorf("UI edit = %v", rec)
	}
	contactID, err := h.emu.ConvertLead(id)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ = h.emu.Record("Lead", id)
	contact, _ := h.emu.Record("Contact", contactID)
	if rec["IsConverted"] != true || rec["ConvertedContactId"] != contactID || rec["ConvertedAccountId"] != contact["AccountId"] ||
		rec["ConvertedDate"] == nil || contact["Email"] != "ann@acme.com" || contact["Name"] != "Ann Lee" {
		t.Errorf("lead = %v\ncontact = %v", rec, contact)
	}
	if _, err := h.emu.ConvertLead(id); err == nil {
		t.Error("second conversion accepted")
	}
}

func TestIDs(t *testing.T) {
	for in, want := range map[string]string{"001D000000IqhSL": "001D000000IqhSLIAZ", "00190000001pPvH": "00190000001pPvHAAU",
		"003RO0000035WQg": "003RO0000035WQgYAM"} {
		if got := To18(in); got != want {
			t.Errorf("To18(%s) = %s, want %s", in, got, want)
		}
		if got, ok := canonicalID(strings.ToLower(want)); !ok || got != in {
			t.Errorf("canonicalID(lower %s) = %s %v", want, got, ok)
		}
	}
}
