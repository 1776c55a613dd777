package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func sub(method, url, ref string, body any) map[string]any {
	m := map[string]any{"method": method, "url": url, "referenceId": ref}
	if body != nil {
		m["body"] = body
	}
	return m
}

func compositeItems(t *testing.T, r response) []map[string]any {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != jsonContentType {
		t.Fatalf("composite status %d: %s", r.status, r.raw)
	}
	var out []map[string]any
	for _, it := range r.object(t)["compositeResponse"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestComposite(t *testing.T) {
	h := newHarness(t, Options{})
	t.Run("references and one API call", func(t *testing.T) {
		before := h.emu.APICallsUsed()
		r := h.do("POST", v64+"/composite", map[string]any{"allOrNone": true, "compositeRequest": []any{
			sub("POST", v64+"/sobjects/Account", "refAccount", map[string]any{"Name": "Acme"}),
			sub("POST", v64+"/sobjects/Contact", "refContact", map[string]any{"LastName": "Smith", "AccountId": "@{refAccount.id}"}),
			sub("GET", v64+"/query?q="+strings.ReplaceAll("SELECT Id, AccountId FROM Contact WHERE LastName = 'Smith'", " ", "+"), "refQuery", nil),
			sub("GET", v64+"/sobjects/Contact/@{refQuery.records[0].Id}?fields=AccountId", "refGet", nil),
		}})
		items := compositeItems(t, r)
		if got := h.emu.APICallsUsed() - before; got != 1 {
			t.Errorf("composite charged %d calls, want 1", got)
		}
		if items[0]["httpStatusCode"] != json.Number("201") || items[0]["referenceId"] != "refAccount" {
			t.Fatalf("first = %v", items[0])
		}
		accountID := items[0]["body"].(map[string]any)["id"].(string)
		loc := items[0]["httpHeaders"].(map[string]any)["Location"]
		if loc != v64+"/sobjects/Account/"+accountID {
			t.Errorf("Location = %v", loc)
		}
		if got := items[3]["body"].(map[string]any)["AccountId"]; got != accountID {
			t.Errorf("reference chain AccountId = %v, want %s", got, accountID)
		}
	})
	t.Run("allOrNone rolls back", func(t *testing.T) {
		before := len(h.emu.Records("Account"))
		r := h.do("POST", v64+"/composite", map[string]any{"allOrNone": true, "compositeRequest": []any{
			sub("POST", v64+"/sobjects/Account", "a1", map[string]any{"Name": "Rolled"}),
			sub("POST", v64+"/sobjects/Lead", "l1", map[string]any{"LastName": "NoCompany"}),
			sub("POST", v64+"/sobjects/Account", "a2", map[string]any{"Name": "Never"}),
		}})
		items := compositeItems(t, r)
		if len(h.emu.Records("Account")) != before {
			t.Errorf("writes not rolled back")
		}
		wantHalted := `[{"message":"The transaction was rolled back since another operation in the same transaction failed.","errorCode":"PROCESSING_HALTED"}]`
		for _, i := range []int{0, 2} {
			if items[i]["httpStatusCode"] != json.Number("400") {
				t.Errorf("item %d status = %v", i, items[i]["httpStatusCode"])
			}
			data, _ := json.Marshal(items[i]["body"])
			wantJSON(wantHalted)(t, response{raw: data})
		}
		if items[1]["httpStatusCode"] != json.Number("400") ||
			items[1]["body"].([]any)[0].(map[string]any)["errorCode"] != "REQUIRED_FIELD_MISSING" {
			t.Errorf("failing item = %v", items[1])
		}
	})
	t.Run("without allOrNone dependants fail", func(t *testing.T) {
		r := h.do("POST", v64+"/composite", map[string]any{"compositeRequest": []any{
			sub("POST", v64+"/sobjects/Lead", "bad", map[string]any{"LastName": "x"}),
			sub("PATCH", v64+"/sobjects/Lead/@{bad.id}", "dep", map[string]any{"Title": "x"}),
			sub("POST", v64+"/sobjects/Account", "ok", map[string]any{"Name": "Kept"}),
		}})
		items := compositeItems(t, r)
		dep := items[1]["body"].([]any)[0].(map[string]any)
		if dep["errorCode"] != "PROCESSING_HALTED" || !strings.HasPrefix(dep["message"].(string), "Invalid reference specified. No value for bad.id found in bad.") {
			t.Errorf("dependant = %v", dep)
		}
		if items[2]["httpStatusCode"] != json.Number("201") {
			t.Errorf("independent = %v", items[2])
		}
	})
	t.Run("limits", func(t *testing.T) {
		var many, queries []any
		for i := 0; i < 26; i++ {
			many = append(many, sub("GET", v64+"/limits", fmt.Sprintf("r%d", i), nil))
		}
		for i := 0; i < 6; i++ {
			queries = append(queries, sub("GET", v64+"/query?q=SELECT+Id+FROM+Lead", fmt.Sprintf("q%d", i), nil))
		}
		for name, reqs := range map[string][]any{"26 subrequests": many, "6 queries": queries} {
			r := h.do("POST", v64+"/composite", map[string]any{"compositeRequest": reqs})
			if r.status != 400 {
				t.Errorf("%s: status %d", name, r.status)
			}
		}
	})
}

func TestCollections(t *testing.T) {
	h := newHarness(t, Options{CustomFields: []FieldDef{{Object: "Lead", Name: "Ext__c", ExternalID: true, Unique: true}}})
	lead := func(last, company string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "Lead"}, "LastName": last, "Company": company}
	}
	t.Run("create partial success", func(t *testing.T) {
		before := h.emu.APICallsUsed()
		r := h.do("POST", v64+"/composite/sobjects", map[string]any{"allOrNone": false,
			"records": []any{lead("A", "Acme"), map[string]any{"attributes": map[string]any{"type": "Lead"}, "LastName": "B"}}})
		if r.status != 200 || h.emu.APICallsUsed()-before != 1 {
			t.Fatalf("status %d, calls %d", r.status, h.emu.APICallsUsed()-before)
		}
		items := r.array(t)
		ok, bad := items[0].(map[string]any), items[1].(map[string]any)
		if ok["success"] != true || !id18.MatchString(ok["id"].(string)) {
			t.Errorf("ok item = %v", ok)
		}
		wantItem := `{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Company]","fields":["Company"]}]}`
		data, _ := json.Marshal(bad)
		wantJSON(wantItem)(t, response{raw: data})
	})
	t.Run("create allOrNone", func(t *testing.T) {
		before := len(h.emu.Records("Lead"))
		r := h.do("POST", v64+"/composite/sobjects", map[string]any{"allOrNone": true,
			"records": []any{lead("A", "Acme"), lead("", "Acme")}})
		items := r.array(t)
		rolled := items[0].(map[string]any)["errors"].([]any)[0].(map[string]any)
		if rolled["statusCode"] != "ALL_OR_NONE_OPERATION_ROLLED_BACK" || len(h.emu.Records("Lead")) != before {
			t.Errorf("rolled = %v, leads %d→%d", rolled, before, len(h.emu.Records("Lead")))
		}
	})
	t.Run("upsert, update, retrieve, delete", func(t *testing.T) {
		up := func(company string) []any {
			rec := lead("U", company)
			rec["Ext__c"] = "e1"
			r := h.do("PATCH", v64+"/composite/sobjects/Lead/Ext__c", map[string]any{"records": []any{rec}})
			return r.array(t)
		}
		first, second := up("One")[0].(map[string]any), up("Two")[0].(map[string]any)
		if first["created"] != true || second["created"] != false || first["id"] != second["id"] {
			t.Fatalf("upserts = %v / %v", first, second)
		}
		id := first["id"].(string)
		r := h.do("PATCH", v64+"/composite/sobjects", map[string]any{"records": []any{
			map[string]any{"attributes": map[string]any{"type": "Lead"}, "id": id, "Title": "T"},
			map[string]any{"attributes": map[string]any{"type": "Lead"}, "id": "00Qbad", "Title": "T"}}})
		items := r.array(t)
		if items[0].(map[string]any)["success"] != true ||
			items[1].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"] != "MALFORMED_ID" {
			t.Errorf("update = %s", r.raw)
		}
		missing := To18("00Q5g00000ZZZZZ")
		r = h.do("GET", v64+"/composite/sobjects/Lead?ids="+id+","+missing+"&fields=Id,Title,Company", nil)
		got := r.array(t)
		if got[1] != nil || got[0].(map[string]any)["Title"] != "T" || got[0].(map[string]any)["Company"] != "Two" {
			t.Errorf("retrieve = %s", r.raw)
		}
		r = h.do("POST", v64+"/composite/sobjects/Lead", map[string]any{"ids": []string{id}, "fields": []string{"Title"}})
		if r.array(t)[0].(map[string]any)["Title"] != "T" {
			t.Errorf("retrieve via POST = %s", r.raw)
		}
		r = h.do("DELETE", v64+"/composite/sobjects?ids="+id+","+id+"&allOrNone=false", nil)
		items = r.array(t)
		if items[0].(map[string]any)["success"] != true ||
			items[1].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"] != "ENTITY_IS_DELETED" {
			t.Errorf("delete = %s", r.raw)
		}
	})
	t.Run("more than 200 records", func(t *testing.T) {
		var recs []any
		for i := 0; i < 201; i++ {
			recs = append(recs, lead("A", "B"))
		}
		r := h.do("POST", v64+"/composite/sobjects", map[string]any{"records": recs})
		if r.status != 400 {
			t.Fatalf("status %d", r.status)
		}
		wantError("EXCEEDED_ID_LIMIT", "")(t, r)
	})
}

// §4.1: an outer allOrNone:true overrides each collection's own flag, and a collection with a
// failed record then rolls back the whole composite although the collection answers 200.
func TestCompositeAllOrNoneOverridesCollections(t *testing.T) {
	cases := map[string]struct {
		outer, inner bool
		wantItems    []string // per record: "" for success, else the statusCode
		wantAccount  int      // status of the independent Account create
		wantLeads    int      // leads that survive
	}{
		"outer true overrides inner false": {outer: true, inner: false,
			wantItems: []string{"ALL_OR_NONE_OPERATION_ROLLED_BACK", "REQUIRED_FIELD_MISSING"}, wantAccount: 400},
		"outer false leaves inner false": {outer: false, inner: false,
			wantItems: []string{"", "REQUIRED_FIELD_MISSING"}, wantAccount: 201, wantLeads: 1},
		"outer false leaves inner true": {outer: false, inner: true,
			wantItems: []string{"ALL_OR_NONE_OPERATION_ROLLED_BACK", "REQUIRED_FIELD_MISSING"}, wantAccount: 201},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			r := h.do("POST", v64+"/composite", map[string]any{"allOrNone": tc.outer, "compositeRequest": []any{
				sub("POST", v64+"/composite/sobjects", "leads", map[string]any{"allOrNone": tc.inner, "records": []any{
					map[string]any{"attributes": map[string]any{"type": "Lead"}, "LastName": "Ok", "Company": "Acme"},
					map[string]any{"attributes": map[string]any{"type": "Lead"}, "LastName": "NoCompany"},
				}}),
				sub("POST", v64+"/sobjects/Account", "account", map[string]any{"Name": "Independent"}),
			}})
			items := compositeItems(t, r)
			if items[0]["httpStatusCode"] != json.Number("200") {
				t.Errorf("collection status = %v, want 200", items[0]["httpStatusCode"])
			}
			rows := items[0]["body"].([]any)
			for i, want := range tc.wantItems {
				row := rows[i].(map[string]any)
				got := ""
				if errs := row["errors"].([]any); len(errs) > 0 {
					got = errs[0].(map[string]any)["statusCode"].(string)
				}
				if got != want || row["success"] != (want == "") {
					t.Errorf("record %d = %v, want error %q", i, row, want)
				}
			}
			if got := items[1]["httpStatusCode"]; got != json.Number(fmt.Sprint(tc.wantAccount)) {
				t.Errorf("account status = %v, want %d: %v", got, tc.wantAccount, items[1]["body"])
			}
			if tc.wantAccount == 400 {
				code := items[1]["body"].([]any)[0].(map[string]any)["errorCode"]
				if code != "PROCESSING_HALTED" {
					t.Errorf("account error = %v, want PROCESSING_HALTED", code)
				}
			}
			if got := len(h.emu.Records("Lead")); got != tc.wantLeads {
				t.Errorf("leads = %d, want %d", got, tc.wantLeads)
			}
			if got, want := len(h.emu.Records("Account")), map[bool]int{true: 1, false: 0}[tc.wantAccount == 201]; got != want {
				t.Errorf("accounts = %d, want %d", got, want)
			}
		})
	}
}
