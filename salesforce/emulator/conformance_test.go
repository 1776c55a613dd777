package emulator

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// conformanceCase is one documented behaviour of salesforce-rest.md: a request and the exact
// status, headers and body shape Salesforce gives.
type conformanceCase struct {
	section string
	method  string
	path    string
	body    any
	header  []string
	noAuth  bool
	status  int
	ct      string // Content-Type prefix; "" means no body
	limit   bool   // Sforce-Limit-Info expected
	check   func(t *testing.T, r response)
}

func wantError(code, message string) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		gotCode, gotMsg := r.firstError(t)
		if gotCode != code || (message != "" && gotMsg != message) {
			t.Errorf("error = %s %q, want %s %q", gotCode, gotMsg, code, message)
		}
	}
}

func wantErrorFields(code, message string, fields []any) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		wantError(code, message)(t, r)
		got := r.array(t)[0].(map[string]any)["fields"]
		if !reflect.DeepEqual(got, fields) {
			t.Errorf("fields = %v, want %v", got, fields)
		}
	}
}

func wantJSON(want string) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		var w any
		if err := json.Unmarshal([]byte(want), &w); err != nil {
			t.Fatal(err)
		}
		var g any
		if err := json.Unmarshal(r.raw, &g); err != nil {
			t.Fatalf("body not JSON: %s", r.raw)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("body = %s, want %s", r.raw, want)
		}
	}
}

var id18 = regexp.MustCompile(`^[0-9A-Za-z]{18}$`)

func TestConformance(t *testing.T) {
	h := newHarness(t, Options{
		CustomObjects: []ObjectDef{{Name: "Invoice__c", Label: "Invoice", KeyPrefix: "a0A"}},
		CustomFields: []FieldDef{
			{Object: "Lead", Name: "Ext_Id__c", ExternalID: true, Unique: true},
			{Object: "Contact", Name: "Ext_Id__c", ExternalID: true},
		},
	})
	lead := h.seed("Lead", map[string]any{"FirstName": "Ann", "LastName": "O'Brien", "Company": "Acme",
		"Email": "ann@acme.com", "Ext_Id__c": "k1"})
	converted := h.seed("Lead", map[string]any{"LastName": "Conv", "Company": "Acme", "Email": "conv@acme.com"})
	if _, err := h.emu.ConvertLead(converted); err != nil {
		t.Fatal(err)
	}
	deleted := h.seed("Lead", map[string]any{"LastName": "Gone", "Company": "Acme"})
	if r := h.do("DELETE", v64+"/sobjects/Lead/"+deleted, nil); r.status != 204 {
		t.Fatalf("delete fixture: %d", r.status)
	}
	toDelete := h.seed("Lead", map[string]any{"LastName": "Del", "Company": "Acme"})
	h.seed("Contact", map[string]any{"LastName": "Twin", "Email": "twin@acme.com"})
	h.seed("Contact", map[string]any{"LastName": "Twin", "Email": "twin@acme.com"})
	missing := To18("00Q5g00000ZZZZZ")
	account := h.seed("Account", map[string]any{"Name": "Parent"})
	deletedAccount := h.seed("Account", map[string]any{"Name": "Gone"})
	if r := h.do("DELETE", v64+"/sobjects/Account/"+deletedAccount, nil); r.status != 204 {
		t.Fatalf("delete fixture: %d", r.status)
	}
	missingAccount := To18("0015g00000ZZZZZ")
	h.seed("Lead", map[string]any{"LastName": "Under", "Company": "Acme", "Email": "bo_lee@acme.com"})
	h.seed("Lead", map[string]any{"LastName": "Under", "Company": "Acme", "Email": "boxlee@acme.com"})
	h.seed("Lead", map[string]any{"LastName": `Under\x`, "Company": "Acme"})
	kase := h.seed("Case", map[string]any{"Subject": "Help", "AccountId": account})

	cases := map[string]conformanceCase{
		"versions list needs no auth and carries no limit header": {section: "2.7", method: "GET",
			path: "/services/data/", noAuth: true, status: 200, ct: jsonContentType,
			check: func(t *testing.T, r response) {
				a := r.array(t)
				first, last := a[0].(map[string]any), a[len(a)-1].(map[string]any)
				if first["version"] != "31.0" || last["version"] != "68.0" || last["label"] != "Winter '27" ||
					last["url"] != "/services/data/v68.0" {
					t.Errorf("versions = %v … %v", first, last)
				}
			}},
		"resources map": {section: "2.7", method: "GET", path: v64 + "/", status: 200, ct: jsonContentType, limit: true,
			check: func(t *testing.T, r response) {
				if r.object(t)["query"] != v64+"/query" {
					t.Errorf("query resource = %v", r.object(t)["query"])
				}
			}},
		"limits": {section: "2.7", method: "GET", path: v64 + "/limits", status: 200, ct: jsonContentType, limit: true,
			check: func(t *testing.T, r response) {
				d := r.object(t)["DailyApiRequests"].(map[string]any)
				if d["Max"] != json.Number("15000") {
					t.Errorf("DailyApiRequests = %v", d)
				}
			}},
		"retired version is 410": {section: "2.7", method: "GET", path: "/services/data/v30.0/limits", status: 410,
			ct: jsonContentType, limit: true, check: wantError("GONE", "")},
		"future version is 404": {section: "2.7", method: "GET", path: "/services/data/v69.0/limits", status: 404,
			ct: jsonContentType, limit: true, check: wantError("NOT_FOUND", "The requested resource does not exist")},
		"missing Authorization": {section: "1.7", method: "GET", path: v64 + "/limits", noAuth: true, status: 401,
			ct: jsonContentType, limit: true, check: wantJSON(`[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]`)},
		"unknown token": {section: "1.7", method: "GET", path: v64 + "/limits", header: []string{"Authorization", "Bearer 00Dxx!nope"},
			status: 401, ct: jsonContentType, limit: true,
			check: wantJSON(`[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)},
		"create": {section: "2.1", method: "POST", path: v64 + "/sobjects/lead/",
			body:   map[string]any{"lastname": "Smith", "Company": "Acme", "Email": "smith@acme.com"},
			status: 201, ct: jsonContentType, limit: true,
			check: func(t *testing.T, r response) {
				m := r.object(t)
				id, _ := m["id"].(string)
				if !id18.MatchString(id) || !strings.HasPrefix(id, "00Q") || m["success"] != true ||
					!reflect.DeepEqual(m["errors"], []any{}) {
					t.Errorf("body = %s", r.raw)
				}
				if r.header.Get("Location") != v64+"/sobjects/Lead/"+id {
					t.Errorf("Location = %q", r.header.Get("Location"))
				}
			}},
		"create without required fields": {section: "7.2", method: "POST", path: v64 + "/sobjects/Lead", body: map[string]any{"Email": "a@b.co"},
			status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName, Company]", []any{"LastName", "Company"})},
		"create with unknown field": {section: "5.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": "x", "Company": "y", "Foo__c": 1}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("INVALID_FIELD", "No such column 'Foo__c' on sobject of type Lead", []any{})},
		"create with read-only Name": {section: "7.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": "x", "Company": "y", "Name": "z"}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: Name. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", []any{"Name"})},
		"create with too long Company": {section: "5.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": "x", "Company": strings.Repeat("c", 256)}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("STRING_TOO_LONG", "Company: data value too large: "+strings.Repeat("c", 256)+" (max length=255)", []any{"Company"})},
		"create with too long LastName": {section: "7.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": strings.Repeat("l", 81), "Company": "y"}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("STRING_TOO_LONG", "Last Name: data value too large: "+strings.Repeat("l", 81)+" (max length=80)", []any{"LastName"})},
		"create with too long Email": {section: "7.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": "x", "Company": "y", "Email": strings.Repeat("e", 76) + "@b.co"}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("STRING_TOO_LONG", "Email: data value too large: "+strings.Repeat("e", 76)+"@b.co (max length=80)", []any{"Email"})},
		"update with too long Company": {section: "7.2", method: "PATCH", path: v64 + "/sobjects/Lead/" + lead,
			body: map[string]any{"Company": strings.Repeat("c", 256)}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("STRING_TOO_LONG", "Company: data value too large: "+strings.Repeat("c", 256)+" (max length=255)", []any{"Company"})},
		"create with read-only PhotoUrl": {section: "7.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": "x", "Company": "y", "PhotoUrl": "https://example.com/p.png"}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: PhotoUrl. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", []any{"PhotoUrl"})},
		"update with read-only JigsawContactId": {section: "7.2", method: "PATCH", path: v64 + "/sobjects/Lead/" + lead,
			body: map[string]any{"JigsawContactId": "12345"}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("INVALID_FIELD_FOR_INSERT_UPDATE", "", []any{"JigsawContactId"})},
		"update with writable email bounce fields": {section: "7.2", method: "PATCH", path: v64 + "/sobjects/Lead/" + lead,
			body: map[string]any{"EmailBouncedReason": "mailbox full", "EmailBouncedDate": "2026-01-01T00:00:00.000+0000"}, status: 204, limit: true},
		"create with invalid email": {section: "5.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": "x", "Company": "y", "Email": "not-an-email"}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("INVALID_EMAIL_ADDRESS", "Email: invalid email address: not-an-email", []any{"Email"})},
		"create with company object": {section: "5.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": "x", "Company": map[string]any{"size": 3}}, status: 400, ct: jsonContentType, limit: true,
			check: wantError("JSON_PARSER_ERROR", "")},
		"create with malformed JSON": {section: "5.2", method: "POST", path: v64 + "/sobjects/Lead", body: `{junk}`,
			status: 400, ct: jsonContentType, limit: true, check: wantError("JSON_PARSER_ERROR", "")},
		"create on unknown object": {section: "2.6", method: "POST", path: v64 + "/sobjects/Foo", body: map[string]any{},
			status: 404, ct: jsonContentType, limit: true, check: wantError("NOT_FOUND", "The requested resource does not exist")},
		"create under an existing parent": {section: "5.2", method: "POST", path: v64 + "/sobjects/Case",
			body: map[string]any{"Subject": "Kid", "AccountId": account}, status: 201, ct: jsonContentType, limit: true},
		"create with a lookup to a missing record": {section: "5.2", method: "POST", path: v64 + "/sobjects/Case",
			body: map[string]any{"Subject": "Orphan", "AccountId": missingAccount}, status: 400, ct: jsonContentType, limit: true,
			check: wantJSON(`[{"message":"invalid cross reference id","errorCode":"INVALID_CROSS_REFERENCE_KEY","fields":[]}]`)},
		"update with a lookup to a deleted record": {section: "5.2", method: "PATCH", path: v64 + "/sobjects/Case/" + kase,
			body: map[string]any{"AccountId": deletedAccount}, status: 400, ct: jsonContentType, limit: true,
			check: wantJSON(`[{"message":"invalid cross reference id","errorCode":"INVALID_CROSS_REFERENCE_KEY","fields":[]}]`)},
		"collection item with a lookup to a deleted record": {section: "4.2", method: "POST", path: v64 + "/composite/sobjects",
			body: map[string]any{"records": []any{map[string]any{"attributes": map[string]any{"type": "Case"}, "Subject": "Orphan",
				"AccountId": deletedAccount}}},
			status: 200, ct: jsonContentType, limit: true,
			check: wantJSON(`[{"success":false,"errors":[{"statusCode":"INVALID_CROSS_REFERENCE_KEY","message":"invalid cross reference id","fields":[]}]}]`)},
		"retrieve": {section: "2.2", method: "GET", path: v64 + "/sobjects/Lead/" + lead, status: 200, ct: jsonContentType, limit: true,
			check: func(t *testing.T, r response) {
				m := r.object(t)
				attrs := m["attributes"].(map[string]any)
				if attrs["type"] != "Lead" || attrs["url"] != v64+"/sobjects/Lead/"+lead || m["Id"] != lead ||
					m["Name"] != "Ann O'Brien" || m["Fax"] != nil || m["IsConverted"] != false {
					t.Errorf("record = %s", r.raw)
				}
				if _, ok := m["Fax"]; !ok {
					t.Errorf("null fields must be present")
				}
				if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$`).MatchString(m["CreatedDate"].(string)) {
					t.Errorf("CreatedDate = %v", m["CreatedDate"])
				}
			}},
		"retrieve by 15-char id with fields": {section: "7.3", method: "GET", path: v64 + "/sobjects/Lead/" + lead[:15] + "?fields=email,Id",
			status: 200, ct: jsonContentType, limit: true,
			check: wantJSON(`{"attributes":{"type":"Lead","url":"` + v64 + `/sobjects/Lead/` + lead + `"},"Email":"ann@acme.com","Id":"` + lead + `"}`)},
		"retrieve missing id": {section: "2.2", method: "GET", path: v64 + "/sobjects/Lead/" + missing, status: 404,
			ct: jsonContentType, limit: true, check: wantError("NOT_FOUND", "The requested resource does not exist")},
		"retrieve malformed id": {section: "2.2", method: "GET", path: v64 + "/sobjects/Lead/001i000000xxxxxx", status: 404,
			ct: jsonContentType, limit: true,
			check: wantError("NOT_FOUND", "Provided external ID field does not exist or is not accessible: 001i000000xxxxxx")},
		"retrieve id of another type": {section: "2.2", method: "GET", path: v64 + "/sobjects/Contact/" + lead, status: 404,
			ct: jsonContentType, limit: true, check: wantError("NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+lead)},
		"retrieve deleted": {section: "2.2", method: "GET", path: v64 + "/sobjects/Lead/" + deleted, status: 404,
			ct: jsonContentType, limit: true, check: wantError("ENTITY_IS_DELETED", "entity is deleted")},
		"update": {section: "2.3", method: "PATCH", path: v64 + "/sobjects/Lead/" + lead, body: map[string]any{"Title": "CEO"},
			status: 204, limit: true},
		"update via _HttpMethod": {section: "2.3", method: "POST", path: v64 + "/sobjects/Lead/" + lead + "?_HttpMethod=PATCH",
			body: map[string]any{"Phone": "123"}, status: 204, limit: true},
		"update converted lead": {section: "7.2", method: "PATCH", path: v64 + "/sobjects/Lead/" + converted,
			body: map[string]any{"Title": "x"}, status: 400, ct: jsonContentType, limit: true,
			check: wantError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")},
		"update IsConverted": {section: "7.2", method: "PATCH", path: v64 + "/sobjects/Lead/" + lead,
			body: map[string]any{"IsConverted": true}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("INVALID_FIELD_FOR_INSERT_UPDATE", "", []any{"IsConverted"})},
		"clear required field": {section: "7.2", method: "PATCH", path: v64 + "/sobjects/Lead/" + lead,
			body: map[string]any{"Company": nil}, status: 400, ct: jsonContentType, limit: true,
			check: wantErrorFields("REQUIRED_FIELD_MISSING", "Required fields are missing: [Company]", []any{"Company"})},
		"delete": {section: "2.4", method: "DELETE", path: v64 + "/sobjects/Lead/" + toDelete, status: 204, limit: true},
		"delete again": {section: "2.4", method: "DELETE", path: v64 + "/sobjects/Lead/" + deleted, status: 404, ct: jsonContentType, limit: true,
			check: wantJSON(`[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]`)},
		"upsert creates": {section: "2.5", method: "PATCH", path: v64 + "/sobjects/Lead/Ext_Id__c/new-key",
			body: map[string]any{"LastName": "Up", "Company": "Acme"}, status: 201, ct: jsonContentType, limit: true,
			check: func(t *testing.T, r response) {
				m := r.object(t)
				if m["created"] != true || m["success"] != true || !id18.MatchString(m["id"].(string)) {
					t.Errorf("body = %s", r.raw)
				}
			}},
		"upsert updates (v46+)": {section: "2.5", method: "PATCH", path: v64 + "/sobjects/Lead/ext_id__c/K1",
			body: map[string]any{"Title": "VP"}, status: 200, ct: jsonContentType, limit: true,
			check: wantJSON(`{"id":"` + lead + `","success":true,"errors":[],"created":false}`)},
		"upsert updates (v45)": {section: "2.5", method: "PATCH", path: "/services/data/v45.0/sobjects/Lead/Email/ANN@acme.com",
			body: map[string]any{"Title": "VP"}, status: 204, limit: true},
		"upsert multiple matches": {section: "2.5", method: "PATCH", path: v64 + "/sobjects/Contact/Email/twin@acme.com",
			body: map[string]any{"Title": "x"}, status: 300, ct: jsonContentType, limit: true,
			check: func(t *testing.T, r response) {
				a := r.array(t)
				if len(a) != 2 || !strings.HasPrefix(a[0].(string), v64+"/sobjects/Contact/003") {
					t.Errorf("body = %s", r.raw)
				}
			}},
		"upsert unknown field": {section: "2.5", method: "PATCH", path: v64 + "/sobjects/Lead/ERP_Id__c/1",
			body: map[string]any{}, status: 404, ct: jsonContentType, limit: true,
			check: wantJSON(`[{"message":"Provided external ID field does not exist or is not accessible: ERP_Id__c","errorCode":"NOT_FOUND"}]`)},
		"create with duplicate unique value": {section: "5.2", method: "POST", path: v64 + "/sobjects/Lead",
			body: map[string]any{"LastName": "x", "Company": "y", "Ext_Id__c": "K1"}, status: 400, ct: jsonContentType, limit: true,
			check: wantError("DUPLICATE_VALUE", "duplicate value found: Ext_Id__c duplicates value on record with id: "+lead)},
		"describe": {section: "2.6", method: "GET", path: v64 + "/sobjects/Lead/describe", status: 200, ct: jsonContentType, limit: true,
			check: func(t *testing.T, r response) {
				m := r.object(t)
				if m["keyPrefix"] != "00Q" || m["name"] != "Lead" {
					t.Errorf("describe = %v %v", m["name"], m["keyPrefix"])
				}
				var email map[string]any
				for _, f := range m["fields"].([]any) {
					if f.(map[string]any)["name"] == "Email" {
						email = f.(map[string]any)
					}
				}
				for k, want := range map[string]any{"type": "email", "length": json.Number("80"), "nillable": true,
					"createable": true, "updateable": true, "custom": false, "externalId": false, "idLookup": true, "filterable": true} {
					if email[k] != want {
						t.Errorf("Email.%s = %v, want %v", k, email[k], want)
					}
				}
				for _, f := range m["fields"].([]any) {
					if fd := f.(map[string]any); fd["name"] == "Description" && fd["filterable"] != false {
						t.Errorf("Description.filterable = %v, want false: a long text area", fd["filterable"])
					}
				}
			}},
		"describe custom object": {section: "2.6", method: "GET", path: v64 + "/sobjects/invoice__c/describe", status: 200,
			ct: jsonContentType, limit: true, check: func(t *testing.T, r response) {
				if m := r.object(t); m["keyPrefix"] != "a0A" || m["custom"] != true {
					t.Errorf("describe = %v %v", m["keyPrefix"], m["custom"])
				}
			}},
		"query": {section: "3.1", method: "GET", path: q(`SELECT Id, IsConverted, ConvertedContactId FROM Lead WHERE Email = 'CONV@acme.com' LIMIT 2`),
			status: 200, ct: jsonContentType, limit: true, check: func(t *testing.T, r response) {
				m := r.object(t)
				recs := m["records"].([]any)
				if m["totalSize"] != json.Number("1") || m["done"] != true || len(recs) != 1 {
					t.Fatalf("body = %s", r.raw)
				}
				rec := recs[0].(map[string]any)
				if rec["IsConverted"] != true || !strings.HasPrefix(rec["ConvertedContactId"].(string), "003") {
					t.Errorf("record = %v", rec)
				}
				if _, ok := m["nextRecordsUrl"]; ok {
					t.Errorf("nextRecordsUrl present when done")
				}
			}},
		"query with escaped quote": {section: "3.1", method: "GET", path: q(`SELECT Name FROM Lead WHERE LastName = 'o\'brien'`),
			status: 200, ct: jsonContentType, limit: true, check: func(t *testing.T, r response) {
				if r.object(t)["totalSize"] != json.Number("1") {
					t.Errorf("body = %s", r.raw)
				}
			}},
		"query with IN, OR and parentheses": {section: "3.1", method: "GET",
			path:   q(`SELECT Id FROM Lead WHERE (Email IN ('ann@acme.com', 'x@y.z') OR Email = 'conv@acme.com') AND IsConverted = false`),
			status: 200, ct: jsonContentType, limit: true, check: func(t *testing.T, r response) {
				if r.object(t)["totalSize"] != json.Number("1") {
					t.Errorf("body = %s", r.raw)
				}
			}},
		"query mixing AND and OR": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE Email = 'a' AND Email = 'b' OR Email = 'c'`),
			status: 400, ct: jsonContentType, limit: true, check: wantError("MALFORMED_QUERY", "")},
		"query with bad escape": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE Email = 'a\qb'`),
			status: 400, ct: jsonContentType, limit: true, check: wantError("MALFORMED_QUERY", "")},
		"query with an escaped _ outside LIKE": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE Email = 'bo\_lee@acme.com'`),
			status: 400, ct: jsonContentType, limit: true,
			check: wantError("MALFORMED_QUERY", "\nSELECT Id FROM Lead WHERE Email = 'bo\\_lee@acme.com'\n                                  ^\nERROR at Row:1:Column:35\nInvalid string literal 'bo\\_lee@acme.com'. Illegal character sequence '\\_' in string literal.")},
		"query with an escaped % in IN": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE Email IN ('a@acme.com', '100\%@acme.com')`),
			status: 400, ct: jsonContentType, limit: true, check: wantError("MALFORMED_QUERY", "")},
		"query LIKE with escaped _ and backslash": {section: "3.1", method: "GET",
			path:   q(`SELECT LastName, Email FROM Lead WHERE Email LIKE 'bo\_lee%' OR LastName LIKE 'under\\_'`),
			status: 200, ct: jsonContentType, limit: true, check: func(t *testing.T, r response) {
				recs := r.object(t)["records"].([]any)
				if len(recs) != 2 || recs[0].(map[string]any)["Email"] != "bo_lee@acme.com" ||
					recs[1].(map[string]any)["LastName"] != `Under\x` {
					t.Errorf("body = %s", r.raw)
				}
			}},
		"query unknown column": {section: "3.1", method: "GET", path: q(`SELECT Foo FROM Lead`), status: 400, ct: jsonContentType, limit: true,
			check: wantError("INVALID_FIELD", "\nSELECT Foo FROM Lead\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")},
		"query filtering a long text area": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE Description = 'x'`), status: 400, ct: jsonContentType, limit: true,
			check: wantError("INVALID_QUERY_FILTER_OPERATOR", "\nSELECT Id FROM Lead WHERE Description = 'x'\n                          ^\nERROR at Row:1:Column:27\nfield 'Description' can not be filtered in a query call")},
		"query selecting a long text area": {section: "3.1", method: "GET", path: q(`SELECT Description FROM Lead WHERE Street = 'x'`), status: 200, ct: jsonContentType, limit: true,
			check: wantJSON(`{"totalSize":0,"done":true,"records":[]}`)},
		"query quoting a boolean": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE IsConverted = 'false'`), status: 400, ct: jsonContentType, limit: true,
			check: wantError("INVALID_FIELD", "\nSELECT Id FROM Lead WHERE IsConverted = 'false'\n                                        ^\nERROR at Row:1:Column:41\nvalue of filter criterion for field 'IsConverted' must be of type boolean and should not be enclosed in quotes")},
		"query quoting a date": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Contact WHERE Birthdate = '1990-01-31'`), status: 400, ct: jsonContentType, limit: true,
			check: wantError("INVALID_FIELD", "\nSELECT Id FROM Contact WHERE Birthdate = '1990-01-31'\n                                         ^\nERROR at Row:1:Column:42\nvalue of filter criterion for field 'Birthdate' must be of type date and should not be enclosed in quotes")},
		"query quoting a number in IN": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE NumberOfEmployees IN (5, '6')`), status: 400, ct: jsonContentType, limit: true,
			check: wantError("INVALID_FIELD", "\nSELECT Id FROM Lead WHERE NumberOfEmployees IN (5, '6')\n                                                   ^\nERROR at Row:1:Column:52\nvalue of filter criterion for field 'NumberOfEmployees' must be of type int and should not be enclosed in quotes")},
		"query with an unquoted string": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE Email = 42`), status: 400, ct: jsonContentType, limit: true,
			check: wantError("INVALID_FIELD", "\nSELECT Id FROM Lead WHERE Email = 42\n                                  ^\nERROR at Row:1:Column:35\nvalue of filter criterion for field 'Email' must be of type string and should be enclosed in quotes")},
		"query with bare date, datetime and null": {section: "3.1", method: "GET",
			path:   q(`SELECT Id FROM Contact WHERE Birthdate = 1990-01-31 AND CreatedDate > 2000-01-01T00:00:00Z AND AccountId = null`),
			status: 200, ct: jsonContentType, limit: true, check: wantJSON(`{"totalSize":0,"done":true,"records":[]}`)},
		"query unknown object": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Foo`), status: 400, ct: jsonContentType, limit: true,
			check: wantError("INVALID_TYPE", "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.")},
		"query COUNT()": {section: "3.1", method: "GET", path: q(`SELECT COUNT() FROM Contact`), status: 200, ct: jsonContentType, limit: true,
			check: wantJSON(`{"totalSize":3,"done":true,"records":[]}`)},
		"queryAll includes deleted": {section: "3.1", method: "GET",
			path:   "/services/data/v64.0/queryAll?q=" + strings.ReplaceAll(`SELECT+Id,IsDeleted+FROM+Lead+WHERE+Id='`+deleted+`'`, "'", "%27"),
			status: 200, ct: jsonContentType, limit: true, check: func(t *testing.T, r response) {
				recs := r.object(t)["records"].([]any)
				if len(recs) != 1 || recs[0].(map[string]any)["IsDeleted"] != true {
					t.Errorf("body = %s", r.raw)
				}
			}},
		"query excludes deleted": {section: "3.1", method: "GET", path: q(`SELECT Id FROM Lead WHERE Id = '` + deleted + `'`),
			status: 200, ct: jsonContentType, limit: true, check: wantJSON(`{"totalSize":0,"done":true,"records":[]}`)},
		"search term too short": {section: "3.2", method: "GET", path: v64 + "/parameterizedSearch/?q=a&sobject=Lead",
			status: 400, ct: jsonContentType, limit: true, check: wantError("INVALID_SEARCH", "")},
		"search": {section: "3.2", method: "GET", path: v64 + "/parameterizedSearch/?q=ann%40acme.com&sobject=Lead&Lead.fields=Id,Email&in=EMAIL",
			status: 200, ct: jsonContentType, limit: true, check: func(t *testing.T, r response) {
				recs := r.object(t)["searchRecords"].([]any)
				if len(recs) != 1 || recs[0].(map[string]any)["Email"] != "ann@acme.com" {
					t.Errorf("body = %s", r.raw)
				}
			}},
		"unknown resource": {section: "5.2", method: "GET", path: v64 + "/nope", status: 404, ct: jsonContentType, limit: true,
			check: wantError("NOT_FOUND", "The requested resource does not exist")},
		"method not allowed": {section: "5.2", method: "PUT", path: v64 + "/sobjects/Lead/" + lead, body: "{}", status: 405,
			ct: jsonContentType, limit: true, check: wantError("METHOD_NOT_ALLOWED", "HTTP Method 'PUT' not allowed. Allowed are HEAD,GET,PATCH,DELETE")},
	}
	for name, tc := range cases {
		t.Run(tc.section+" "+name, func(t *testing.T) {
			var r response
			if tc.noAuth {
				r = h.raw(tc.method, tc.path, "", nil)
			} else {
				r = h.do(tc.method, tc.path, tc.body, tc.header...)
			}
			if r.status != tc.status {
				t.Fatalf("status = %d, want %d; body %s", r.status, tc.status, r.raw)
			}
			if got := r.header.Get("Content-Type"); tc.ct != "" && got != tc.ct {
				t.Errorf("Content-Type = %q, want %q", got, tc.ct)
			}
			if tc.ct == "" && len(r.raw) != 0 {
				t.Errorf("body = %q, want empty", r.raw)
			}
			limit := r.header.Get("Sforce-Limit-Info")
			if tc.limit != (limit != "") || (limit != "" && !regexp.MustCompile(`^api-usage=\d+/15000$`).MatchString(limit)) {
				t.Errorf("Sforce-Limit-Info = %q, want present=%v", limit, tc.limit)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}
