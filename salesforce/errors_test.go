package salesforce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
)

// classes lists which classifiers an error satisfies, for compact tables.
type classes struct{ transient, throttled, concurrency, auth, notFound, converted, permanent bool }

func classify(err error) classes {
	return classes{IsTransient(err), IsThrottled(err), IsConcurrencyLimited(err), IsAuth(err), IsNotFound(err), IsConvertedLead(err), IsPermanent(err)}
}

func TestErrorClassificationOfRecordedBodies(t *testing.T) {
	cases := map[string]struct {
		status   int
		body     string
		wantCode string
		want     classes
	}{
		"required field":     {400, "required_field_missing.json", "REQUIRED_FIELD_MISSING", classes{permanent: true}},
		"invalid email":      {400, "invalid_email.json", "INVALID_EMAIL_ADDRESS", classes{permanent: true}},
		"duplicates":         {400, "duplicates_detected.json", "DUPLICATES_DETECTED", classes{permanent: true}},
		"soql invalid field": {400, "query_malformed.json", "INVALID_FIELD", classes{permanent: true}},
		"not found":          {404, "not_found.json", "NOT_FOUND", classes{notFound: true, permanent: true}},
		"entity deleted":     {404, "entity_deleted.json", "ENTITY_IS_DELETED", classes{notFound: true, permanent: true}},
		"converted lead":     {400, "converted_lead.json", "CANNOT_UPDATE_CONVERTED_LEAD", classes{converted: true, permanent: true}},
		"row lock":           {400, "unable_to_lock_row.json", "UNABLE_TO_LOCK_ROW", classes{transient: true}},
		"wrapped row lock":   {400, "wrapped_lock.json", "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", classes{transient: true}},
		"too many soql":      {400, "too_many_soql.json", "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", classes{transient: true}},
		"request limit":      {403, "request_limit.json", "REQUEST_LIMIT_EXCEEDED", classes{transient: true, throttled: true}},
		"server unavailable": {503, "server_unavailable.json", "SERVER_UNAVAILABLE", classes{transient: true}},
		"gateway html 503":   {503, "gateway_503.html", CodeUnexpectedResponse, classes{transient: true}},
		"gateway html 502":   {502, "gateway_503.html", CodeUnexpectedResponse, classes{transient: true}},
		"html 414":           {414, "uri_too_long.html", CodeUnexpectedResponse, classes{permanent: true}},
		"empty 504":          {504, "", CodeUnexpectedResponse, classes{transient: true}},
		"429":                {429, "", CodeUnexpectedResponse, classes{transient: true}},
		"invalid auth":       {401, "invalid_auth_header.json", "INVALID_AUTH_HEADER", classes{auth: true}},
		"expired password":   {401, "expired_password.json", "INVALID_OPERATION_WITH_EXPIRED_PASSWORD", classes{auth: true}},
		"api disabled":       {403, "api_disabled.json", "API_DISABLED_FOR_ORG", classes{auth: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			org := newFakeOrg(t)
			org.handle("PATCH", leadPath+"/00Q5g000001AbcdEAC", org.reply(tc.status, tc.body))
			c := newTestClient(t, org, testCreds)
			err := c.Update(testContext(t), "Lead", "00Q5g000001AbcdEAC", map[string]any{"Email": "x"})
			e, ok := asError(err)
			if !ok || e.Code != tc.wantCode || e.StatusCode != tc.status || e.Operation != "update Lead" {
				t.Fatalf("Update() = %#v, want code %s status %d", err, tc.wantCode, tc.status)
			}
			if got := classify(err); got != tc.want {
				t.Fatalf("classes of %v = %+v, want %+v", err, got, tc.want)
			}
			if got := classify(fmt.Errorf("cannot sync: %w", err)); got != tc.want {
				t.Fatalf("wrapping changed the classes to %+v", got)
			}
		})
	}
}

func TestErrorShapes(t *testing.T) {
	cases := map[string]struct {
		body string
		want Error
	}{
		"single record":    {`[{"message":"m","errorCode":"E","fields":["A"]}]`, Error{StatusCode: 400, Code: "E", Message: "m", Fields: []string{"A"}}},
		"collections item": {`[{"statusCode":"S","message":"m","fields":[]}]`, Error{StatusCode: 400, Code: "S", Message: "m", Fields: nil}},
		"oauth":            {`{"error":"invalid_grant","error_description":"authentication failure"}`, Error{StatusCode: 400, Code: "invalid_grant", Message: "authentication failure"}},
		"object form":      {`{"errorCode":"SERVER_UNAVAILABLE","message":"down"}`, Error{StatusCode: 400, Code: "SERVER_UNAVAILABLE", Message: "down"}},
		"bulk form":        {`{"exceptionCode":"InvalidSessionId","exceptionMessage":"Invalid session id"}`, Error{StatusCode: 400, Code: "InvalidSessionId", Message: "Invalid session id"}},
		"two errors":       {`[{"message":"a","errorCode":"X"},{"message":"b","errorCode":"Y"}]`, Error{StatusCode: 400, Code: "X", Message: "a; b"}},
		"empty array":      {`[]`, Error{StatusCode: 400, Code: CodeUnexpectedResponse, Message: "HTTP 400 Bad Request with a body that is not the expected JSON"}},
		"string":           {`"oops"`, Error{StatusCode: 400, Code: CodeUnexpectedResponse, Message: "HTTP 400 Bad Request with a body that is not the expected JSON"}},
		"duplicate rule": {fixture(t, "duplicates_detected.json", ""), Error{StatusCode: 400, Code: "DUPLICATES_DETECTED",
			Message: "Use one of these records? (matching records: 00Q5g000001AbcdEAC)", MatchedIDs: []string{"00Q5g000001AbcdEAC"}}},
		"duplicate rule, key spelt right": {`[{"duplicateResult":{"matchResults":[{"matchRecords":[{"record":{"Id":"003RO0000035WQgYAM"}}]},{"matchRecords":[{"record":{"Id":"00Q5g000001AbcdEAC"}}]}]},"errorCode":"DUPLICATES_DETECTED","message":"You're creating a duplicate record."}]`,
			Error{StatusCode: 400, Code: "DUPLICATES_DETECTED", Message: "You're creating a duplicate record. (matching records: 003RO0000035WQgYAM, 00Q5g000001AbcdEAC)", MatchedIDs: []string{"003RO0000035WQgYAM", "00Q5g000001AbcdEAC"}}},
		"collections duplicate, no details": {`[{"statusCode":"DUPLICATES_DETECTED","message":"Use one of these records?","fields":[]}]`, Error{StatusCode: 400, Code: "DUPLICATES_DETECTED", Message: "Use one of these records?"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := parseError(400, "", []byte(tc.body))
			if got.Code != tc.want.Code || got.Message != tc.want.Message || got.StatusCode != tc.want.StatusCode || fmt.Sprint(got.Fields) != fmt.Sprint(tc.want.Fields) ||
				fmt.Sprint(got.MatchedIDs) != fmt.Sprint(tc.want.MatchedIDs) {
				t.Fatalf("parseError() = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestClassifyNonAPIErrors(t *testing.T) {
	cases := map[string]struct {
		err  error
		want classes
	}{
		"nil":               {nil, classes{}},
		"deadline":          {context.DeadlineExceeded, classes{transient: true}},
		"canceled":          {context.Canceled, classes{}},
		"unexpected eof":    {fmt.Errorf("read: %w", io.ErrUnexpectedEOF), classes{transient: true}},
		"dial":              {&net.OpError{Op: "dial", Err: errors.New("connection refused")}, classes{transient: true}},
		"plain go error":    {errors.New("something"), classes{}},
		"client validation": {&Error{Code: CodeMalformedID}, classes{permanent: true}},
		"unknown 500":       {&Error{StatusCode: 500, Code: "UNKNOWN_EXCEPTION"}, classes{transient: true}},
		"soap old version":  {&Error{StatusCode: 500, Code: "UNSUPPORTED_API_VERSION"}, classes{permanent: true}},
		"oauth rate limit":  {&Error{StatusCode: 400, Code: "rate_limit_exceeded"}, classes{transient: true, throttled: true}},
		"401 bulk session":  {parseError(401, "", []byte(`{"exceptionCode":"InvalidSessionId","exceptionMessage":"Invalid session id"}`)), classes{auth: true}},
		"401 page":          {parseError(401, "", []byte(`<html><title>Unauthorized</title></html>`)), classes{auth: true}},
		"concurrent requests": {&Error{StatusCode: 403, Code: CodeRequestLimit, Message: "ConcurrentRequests (Concurrent API Requests) Limit exceeded."},
			classes{transient: true, throttled: true, concurrency: true}},
		"daily requests":  {&Error{StatusCode: 403, Code: CodeRequestLimit, Message: "TotalRequests Limit exceeded."}, classes{transient: true, throttled: true}},
		"expired locator": {&Error{StatusCode: 400, Code: "INVALID_QUERY_LOCATOR", Message: "invalid query locator"}, classes{transient: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := classify(tc.err); got != tc.want {
				t.Fatalf("classes of %v = %+v, want %+v", tc.err, got, tc.want)
			}
		})
	}
}

func TestNetworkFailuresAreTransient(t *testing.T) {
	org := newFakeOrg(t)
	c := newTestClient(t, org, testCreds)
	if err := c.Login(testContext(t)); err != nil {
		t.Fatal(err)
	}
	org.srv.CloseClientConnections()
	org.srv.Close()
	_, err := c.Get(testContext(t), "Lead", "00Q5g000001AbcdEAC", nil)
	if err == nil || !IsTransient(err) || IsPermanent(err) {
		t.Fatalf("Get() on a closed server = %v, want transient", err)
	}
}

func TestErrorTextFormat(t *testing.T) {
	e := &Error{StatusCode: 400, Code: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [LastName]", Fields: []string{"LastName"}, Operation: "create Lead"}
	want := "salesforce create Lead: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [LastName] (fields: LastName)"
	if e.Error() != want {
		t.Fatalf("Error() = %q, want %q", e.Error(), want)
	}
}
