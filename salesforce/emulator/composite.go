package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

const (
	maxSubrequests      = 25
	maxQuerySubrequests = 5
)

type compositeSub struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        json.RawMessage   `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
}

type compositeRequest struct {
	AllOrNone          bool           `json:"allOrNone"`
	CollateSubrequests *bool          `json:"collateSubrequests"`
	CompositeRequest   []compositeSub `json:"compositeRequest"`
}

var (
	referenceIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)
	referencePattern   = regexp.MustCompile(`@\{([A-Za-z0-9_]+)\.([^}]+)\}`)
)

func invalidComposite(msg string) result {
	return errResult(&apiError{Status: 400, Code: "INVALID_INPUT", Message: msg})
}

func halted(msg string) *apiError {
	return &apiError{Status: 400, Code: "PROCESSING_HALTED", Message: msg}
}

const rolledBackMessage = "The transaction was rolled back since another operation in the same transaction failed."

// composite runs POST /composite. The caller holds e.mu exclusively; the whole request is one API call.
func (e *Emulator) composite(c *call) result {
	if c.nested {
		return errResult(errNotFound())
	}
	var req compositeRequest
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return errResult(errJSON(jsonErrorMessage(c.body, err)))
	}
	if len(req.CompositeRequest) == 0 {
		return invalidComposite("compositeRequest: at least one subrequest is required")
	}
	if len(req.CompositeRequest) > maxSubrequests {
		return invalidComposite(fmt.Sprintf("Limit Exceeded: The number of subrequests can't exceed %d.", maxSubrequests))
	}
	seen, heavy := map[string]bool{}, 0
	for _, sub := range req.CompositeRequest {
		if !referenceIDPattern.MatchString(sub.ReferenceID) {
			return invalidComposite("Invalid referenceId: " + sub.ReferenceID)
		}
		if seen[sub.ReferenceID] {
			return invalidComposite("Duplicate referenceId provided in the request: " + sub.ReferenceID)
		}
		seen[sub.ReferenceID] = true
		if isHeavySubrequest(sub.URL) {
			heavy++
		}
	}
	if heavy > maxQuerySubrequests {
		return invalidComposite(fmt.Sprintf("Limit Exceeded: The number of query and sObject Collections subrequests can't exceed %d.", maxQuerySubrequests))
	}

	x := &tx{}
	outputs := map[string]any{} // referenceId -> JSON-normalised body of a successful subrequest
	responses := make([]result, len(req.CompositeRequest))
	failedAt := -1
	for i, sub := range req.CompositeRequest {
		res := e.runSubrequest(c, x, sub, outputs, req.AllOrNone)
		responses[i] = res
		// Under allOrNone a collection with a failed record fails the transaction even though
		// the collection itself answers 200.
		if req.AllOrNone && (res.status >= 400 || res.rowsFailed) {
			failedAt = i
			break
		}
		if res.status < 400 {
			outputs[sub.ReferenceID] = normalise(res.body)
		}
	}
	if failedAt >= 0 {
		x.rollback()
		for i := range responses {
			if i != failedAt {
				responses[i] = errResult(halted(rolledBackMessage))
			}
		}
	}
	items := make([]any, len(responses))
	for i, res := range responses {
		headers := map[string]string{}
		for k, v := range res.headers {
			headers[k] = v
		}
		items[i] = orderedMap{keys: []string{"body", "httpHeaders", "httpStatusCode", "referenceId"},
			vals: []any{res.body, headers, res.status, req.CompositeRequest[i].ReferenceID}}
	}
	return result{status: 200, body: orderedMap{keys: []string{"compositeResponse"}, vals: []any{items}}}
}

func isHeavySubrequest(u string) bool {
	p, _, _ := strings.Cut(u, "?")
	return strings.Contains(p, "/query") || strings.Contains(p, "/composite/sobjects")
}

func normalise(body any) any {
	if body == nil {
		return nil
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

func (e *Emulator) runSubrequest(parent *call, x *tx, sub compositeSub, outputs map[string]any, allOrNone bool) result {
	rawURL, missing := resolveString(sub.URL, outputs, true)
	if missing != "" {
		return errResult(halted(missing))
	}
	var body []byte
	if len(sub.Body) > 0 && string(sub.Body) != "null" {
		var v any
		dec := json.NewDecoder(bytes.NewReader(sub.Body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return errResult(errJSON(jsonErrorMessage(sub.Body, err)))
		}
		resolved, missing := resolveValue(v, outputs)
		if missing != "" {
			return errResult(halted(missing))
		}
		body, _ = json.Marshal(resolved)
	}
	u, err := url.Parse(rawURL)
	if err != nil || !strings.HasPrefix(u.Path, "/services/data/") {
		return errResult(errNotFound())
	}
	segs := splitPath(u.EscapedPath())[2:]
	version, major, apiErr := parseVersion(segs[0])
	if apiErr != nil {
		return errResult(apiErr)
	}
	header := http.Header{}
	for k, v := range sub.HTTPHeaders {
		header.Set(k, v)
	}
	c := &call{method: strings.ToUpper(sub.Method), version: version, major: major, segs: segs[1:],
		query: u.Query(), body: body, header: header, nested: true, x: x, allOrNone: allOrNone}
	if c.method == "" {
		c.method = http.MethodGet
	}
	return e.dispatch(c)
}

func unresolvedMessage(ref, path string) string {
	return fmt.Sprintf("Invalid reference specified. No value for %s.%s found in %s. Provided referenceId ('%s') must be that of a previous subrequest that succeeded, and the path must exist in its response.",
		ref, path, ref, ref)
}

// resolveString substitutes @{ref.path} occurrences; escape url-encodes values placed in a URL.
func resolveString(s string, outputs map[string]any, escape bool) (string, string) {
	missing := ""
	out := referencePattern.ReplaceAllStringFunc(s, func(m string) string {
		parts := referencePattern.FindStringSubmatch(m)
		v, ok := lookupPath(outputs, parts[1], parts[2])
		if !ok {
			if missing == "" {
				missing = unresolvedMessage(parts[1], parts[2])
			}
			return m
		}
		str := fmt.Sprint(v)
		if escape {
			str = url.PathEscape(str)
		}
		return str
	})
	return out, missing
}

func resolveValue(v any, outputs map[string]any) (any, string) {
	switch x := v.(type) {
	case string:
		if m := referencePattern.FindStringSubmatch(x); m != nil && m[0] == x {
			val, ok := lookupPath(outputs, m[1], m[2])
			if !ok {
				return nil, unresolvedMessage(m[1], m[2])
			}
			return val, ""
		}
		return resolveString(x, outputs, false)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			r, missing := resolveValue(item, outputs)
			if missing != "" {
				return nil, missing
			}
			out[k] = r
		}
		return out, ""
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			r, missing := resolveValue(item, outputs)
			if missing != "" {
				return nil, missing
			}
			out[i] = r
		}
		return out, ""
	}
	return v, ""
}

// lookupPath walks a path such as "id" or "records[0].Id" through a subrequest's response body.
func lookupPath(outputs map[string]any, ref, path string) (any, bool) {
	cur, ok := outputs[ref]
	if !ok {
		return nil, false
	}
	for _, part := range strings.Split(path, ".") {
		name, idx := part, ""
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			name, idx = part[:i], part[i+1:len(part)-1]
		}
		if name != "" {
			m, isMap := cur.(map[string]any)
			if !isMap {
				return nil, false
			}
			if cur, ok = m[name]; !ok {
				return nil, false
			}
		}
		if idx != "" {
			list, isList := cur.([]any)
			n, err := strconv.Atoi(idx)
			if !isList || err != nil || n < 0 || n >= len(list) {
				return nil, false
			}
			cur = list[n]
		}
	}
	if cur == nil {
		return nil, false
	}
	return cur, true
}
