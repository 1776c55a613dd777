package salesforce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
)

// Error codes the client produces itself, next to those Salesforce sends.
const (
	// CodeUnexpectedResponse marks a body that is not the documented JSON, such
	// as the HTML pages gateways serve during maintenance.
	CodeUnexpectedResponse = "UNEXPECTED_RESPONSE"
	// CodeMultipleMatches marks an upsert that matched more than one record (HTTP 300).
	CodeMultipleMatches = "MULTIPLE_MATCHES"
	// CodeLoginInProgress marks a call not sent because the org's login was still under way
	// after Config.LoginWait.
	CodeLoginInProgress = "LOGIN_IN_PROGRESS"

	CodeInvalidType   = "INVALID_TYPE"
	CodeInvalidField  = "INVALID_FIELD"
	CodeMalformedID   = "MALFORMED_ID"
	CodeInvalidInput  = "INVALID_INPUT"
	CodeNotFound      = "NOT_FOUND"
	CodeEntityDeleted = "ENTITY_IS_DELETED"
	CodeInvalidLogin  = "INVALID_LOGIN"
	CodeSession       = "INVALID_SESSION_ID"
	CodeRequestLimit  = "REQUEST_LIMIT_EXCEEDED"
	CodeConvertedLead = "CANNOT_UPDATE_CONVERTED_LEAD"
)

// Error is a failure reported by Salesforce (or a request the client refused
// to send). Its text carries the code and message Salesforce sent, never a
// credential or token.
type Error struct {
	StatusCode int      // HTTP status; 0 when the request was never sent
	Code       string   // errorCode, statusCode, OAuth error or SOAP fault code
	Message    string   // human-readable text from Salesforce
	Fields     []string // fields the error is about, when Salesforce names them
	Operation  string   // what the client was doing, e.g. "update Lead"
	// MatchedIDs lists the records an upsert matched when it matched several,
	// or those a duplicate rule found (DUPLICATES_DETECTED).
	MatchedIDs []string

	// rootCause is, for a row or subrequest Salesforce rolled back or halted
	// only because another one failed, that other failure: whether a retry
	// can help depends on it, not on the rollback.
	rootCause *Error
}

// Codes Salesforce gives rows and subrequests that did not fail themselves
// but were undone or skipped because another one in the same call failed.
const (
	codeRolledBack       = "ALL_OR_NONE_OPERATION_ROLLED_BACK"
	codeProcessingHalted = "PROCESSING_HALTED"
)

func isKnockOn(e *Error) bool {
	return e != nil && (e.Code == codeRolledBack || e.Code == codeProcessingHalted)
}

// linkRootCause points every knock-on failure among errs (rolled back or
// halted) at the first failure that is not one, and names it in the message,
// so such a row is retried, or not, as that failure would be.
func linkRootCause(errs []*Error) {
	var root *Error
	for _, e := range errs {
		if e != nil && !isKnockOn(e) {
			root = e
			break
		}
	}
	if root == nil {
		return
	}
	for _, e := range errs {
		if isKnockOn(e) && e.rootCause == nil {
			e.rootCause = root
			e.Message += " (caused by " + root.Code + ": " + root.Message + ")"
		}
	}
}

// retryBasis is the error whose nature decides whether retrying can help.
func (e *Error) retryBasis() *Error {
	if e.rootCause != nil {
		return e.rootCause
	}
	return e
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("salesforce")
	if e.Operation != "" {
		b.WriteString(" " + e.Operation)
	}
	b.WriteString(":")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Fields) > 0 {
		fmt.Fprintf(&b, " (fields: %s)", strings.Join(e.Fields, ", "))
	}
	return b.String()
}

// apiErrorItem is one element of an error array. Single-record calls use
// errorCode, collections use statusCode; both are read.
type apiErrorItem struct {
	ErrorCode  string   `json:"errorCode"`
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
	// Bulk API shape, seen on some session failures.
	ExceptionCode    string `json:"exceptionCode"`
	ExceptionMessage string `json:"exceptionMessage"`
	// OAuth token endpoint shape.
	OAuthError       string `json:"error"`
	OAuthDescription string `json:"error_description"`
	// DUPLICATES_DETECTED details. Salesforce spells the key "duplicateResut";
	// the correct spelling is read too in case it is ever fixed.
	DuplicateResut  *duplicateResult `json:"duplicateResut"`
	DuplicateResult *duplicateResult `json:"duplicateResult"`
}

type duplicateResult struct {
	MatchResults []struct {
		MatchRecords []struct {
			Record struct {
				ID string `json:"Id"`
			} `json:"record"`
		} `json:"matchRecords"`
	} `json:"matchResults"`
}

// matchedIDs lists the records a duplicate rule matched.
func (i apiErrorItem) matchedIDs() []string {
	var ids []string
	for _, d := range []*duplicateResult{i.DuplicateResut, i.DuplicateResult} {
		if d == nil {
			continue
		}
		for _, mr := range d.MatchResults {
			for _, rec := range mr.MatchRecords {
				if rec.Record.ID != "" && !slices.Contains(ids, rec.Record.ID) {
					ids = append(ids, rec.Record.ID)
				}
			}
		}
	}
	return ids
}

func (i apiErrorItem) code() string {
	for _, c := range []string{i.ErrorCode, i.StatusCode, i.ExceptionCode, i.OAuthError} {
		if c != "" {
			return c
		}
	}
	return ""
}

func (i apiErrorItem) message() string {
	for _, m := range []string{i.Message, i.ExceptionMessage, i.OAuthDescription} {
		if m != "" {
			return m
		}
	}
	return ""
}

// errorFromItems folds an error array into one Error: the first code wins, and
// the messages of all items are kept so none is lost.
func errorFromItems(status int, op string, items []apiErrorItem) *Error {
	e := &Error{StatusCode: status, Operation: op}
	var msgs []string
	for _, it := range items {
		if e.Code == "" {
			e.Code = it.code()
		}
		m := it.message()
		if ids := it.matchedIDs(); len(ids) > 0 {
			// The rule's own message ("Use one of these records?") does not say which.
			m += " (matching records: " + strings.Join(ids, ", ") + ")"
			e.MatchedIDs = append(e.MatchedIDs, ids...)
		}
		if m != "" {
			msgs = append(msgs, m)
		}
		e.Fields = append(e.Fields, it.Fields...)
	}
	e.Message = strings.Join(msgs, "; ")
	if e.Code == "" && e.Message == "" {
		e.Code = CodeUnexpectedResponse
		e.Message = statusText(status)
	}
	return e
}

// parseError turns an error response body into an Error, whatever its shape:
// an array of error objects, a single object, an OAuth error, or something that
// is not JSON at all.
func parseError(status int, op string, body []byte) *Error {
	trimmed := trimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var items []apiErrorItem
		if err := jsonUnmarshal(trimmed, &items); err == nil && len(items) > 0 {
			return errorFromItems(status, op, items)
		}
	}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var item apiErrorItem
		if err := jsonUnmarshal(trimmed, &item); err == nil && (item.code() != "" || item.message() != "") {
			return errorFromItems(status, op, []apiErrorItem{item})
		}
	}
	return unexpected(status, op, body)
}

// unexpected describes a body that is not the JSON Salesforce documents,
// without echoing the body: gateway pages are long and could reflect request data.
func unexpected(status int, op string, body []byte) *Error {
	msg := statusText(status)
	if t := htmlTitle(body); t != "" {
		msg += ": " + t
	} else if len(trimSpace(body)) == 0 {
		msg += " with an empty body"
	} else {
		msg += " with a body that is not the expected JSON"
	}
	return &Error{StatusCode: status, Code: CodeUnexpectedResponse, Operation: op, Message: msg}
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return fmt.Sprintf("HTTP %d %s", status, t)
	}
	return fmt.Sprintf("HTTP %d", status)
}

// htmlTitle returns the text of a <title> element, shortened, or "".
func htmlTitle(body []byte) string {
	lower := strings.ToLower(string(body))
	start := strings.Index(lower, "<title>")
	if start < 0 {
		return ""
	}
	start += len("<title>")
	end := strings.Index(lower[start:], "</title>")
	if end < 0 {
		return ""
	}
	title := strings.Join(strings.Fields(string(body[start:start+end])), " ")
	title = strings.Map(func(r rune) rune {
		if r < 0x20 || r == '<' || r == '>' {
			return -1
		}
		return r
	}, title)
	if len(title) > 120 {
		title = title[:120]
	}
	return title
}

func asError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

func (e *Error) mentions(s string) bool {
	return e.Code == s || strings.Contains(e.Message, s)
}

// IsTransient reports whether retrying later, with backoff, may succeed:
// network failures and timeouts, 5xx and 429 answers, pages that are not JSON
// on a 2xx or 5xx, SERVER_UNAVAILABLE, an expired query locator, row-lock
// contention (also when a trigger wraps it), governor noise such as "Too many
// SOQL queries", query timeouts, and API limit throttling. A row rolled back
// or halted for another row's failure is judged by that failure.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	if e, ok := asError(err); ok {
		// A row rolled back for another row's failure is retried as that failure would be.
		e = e.retryBasis()
		switch {
		case IsAuth(e), e.Code == "UNSUPPORTED_API_VERSION":
			// SOAP reports these as HTTP 500 faults; retrying cannot help.
			return false
		case e.StatusCode >= 500, e.StatusCode == http.StatusTooManyRequests, e.StatusCode == http.StatusRequestTimeout:
			return true
		case e.Code == CodeUnexpectedResponse:
			return e.StatusCode < 300
		case e.Code == CodeLoginInProgress,
			e.Code == "SERVER_UNAVAILABLE", e.Code == "QUERY_TIMEOUT", e.Code == "UNKNOWN_EXCEPTION",
			// An expired query cursor: the query itself succeeds when run again.
			e.Code == "INVALID_QUERY_LOCATOR":
			return true
		case e.mentions("UNABLE_TO_LOCK_ROW"), strings.Contains(e.Message, "Too many SOQL queries"):
			return true
		}
		return IsThrottled(e)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}

// IsThrottled reports whether the org's API allocation is used up
// (403 REQUEST_LIMIT_EXCEEDED, or the token endpoint's rate_limit_exceeded).
// Such errors are also transient; callers usually wait longer for them.
func IsThrottled(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	e = e.retryBasis()
	return e.Code == CodeRequestLimit || e.Code == "rate_limit_exceeded"
}

// IsConcurrencyLimited reports a REQUEST_LIMIT_EXCEEDED for too many long-running requests
// in the org at once (ConcurrentRequests, ConcurrentPerOrgLongTxn), not for the daily
// allowance: it clears as soon as the org's other requests finish, so a short backoff fits.
func IsConcurrencyLimited(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	e = e.retryBasis()
	return e.Code == CodeRequestLimit && strings.Contains(e.Message, "Concurrent")
}

var authCodes = map[string]bool{
	"invalid_grant":                           true,
	"invalid_client":                          true,
	"invalid_client_id":                       true,
	"invalid_client_secret":                   true,
	"unsupported_grant_type":                  true,
	"inactive_user":                           true,
	"inactive_org":                            true,
	"invalid_request":                         true,
	CodeInvalidLogin:                          true,
	CodeSession:                               true,
	"INVALID_AUTH_HEADER":                     true,
	"INVALID_OPERATION_WITH_EXPIRED_PASSWORD": true,
	"API_DISABLED_FOR_ORG":                    true,
	"API_CURRENTLY_DISABLED":                  true,
	"LOGIN_MUST_USE_SECURITY_TOKEN":           true,
	"INVALID_SSO_GATEWAY_URL":                 true,
	"PASSWORD_LOCKOUT":                        true,
}

// IsAuth reports whether the credentials or the session cannot be used: bad
// login, a blocked flow, an expired password, API access disabled, or a session
// Salesforce rejected even right after a fresh login. Retrying does not help
// until the credentials change.
func IsAuth(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	// Any 401 means the request was not authenticated, whatever its body says:
	// the Bulk API's {"exceptionCode":"InvalidSessionId"} shape, or a page.
	return authCodes[e.Code] || strings.HasPrefix(e.Code, "invalid_client") || e.StatusCode == http.StatusUnauthorized
}

// IsNotFound reports whether the record does not exist or is in the recycle bin.
func IsNotFound(err error) bool {
	e, ok := asError(err)
	return ok && (e.Code == CodeNotFound || e.Code == CodeEntityDeleted)
}

// IsConvertedLead reports whether the write was aimed at a converted Lead,
// which Salesforce keeps read-only.
func IsConvertedLead(err error) bool {
	e, ok := asError(err)
	return ok && e.mentions(CodeConvertedLead)
}

// IsPermanent reports whether err is a Salesforce answer that retrying cannot
// fix until data or configuration changes: validation and field errors,
// duplicates, converted leads, missing records, several upsert matches.
// Authentication failures are reported by IsAuth instead, and a cancelled
// context is neither.
func IsPermanent(err error) bool {
	if err == nil || IsTransient(err) || IsAuth(err) {
		return false
	}
	_, ok := asError(err)
	return ok
}
