package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

const (
	// MaxCompositeSubrequests is Salesforce's cap on subrequests per Composite call.
	MaxCompositeSubrequests = 25
	// MaxCompositeQueries caps query and sObject Collections subrequests per call.
	MaxCompositeQueries = 5
)

// Subrequest is one request inside a Composite call. Prefer the New…Subrequest
// constructors, which validate names and IDs and build the URL.
type Subrequest struct {
	Method string
	// URL is relative to the versioned data root ("/sobjects/Lead") or a full
	// "/services/data/vXX.X/..." path.
	URL string
	// ReferenceID names the subrequest; left empty, "r<index>" is used.
	ReferenceID string
	Body        any
	HTTPHeaders map[string]string
}

// Subresponse is the answer to one Subrequest, in the same position.
type Subresponse struct {
	ReferenceID string
	StatusCode  int
	Headers     map[string]string
	Body        json.RawMessage
	// Err is the *Error of a subrequest that failed (status 400 and above).
	Err error
}

// NewQuerySubrequest runs SOQL inside a Composite call, where long queries
// avoid the URI limits of a plain GET.
func NewQuerySubrequest(ref, soql string) Subrequest {
	return Subrequest{Method: http.MethodGet, URL: "/query?q=" + url.QueryEscape(soql), ReferenceID: ref}
}

// NewCreateSubrequest inserts one record.
func NewCreateSubrequest(ref, sobject string, fields map[string]any) (Subrequest, error) {
	if err := checkSObject(sobject); err != nil {
		return Subrequest{}, err
	}
	return Subrequest{Method: http.MethodPost, URL: pathJoin("sobjects", sobject), ReferenceID: ref, Body: nonNil(fields)}, nil
}

// NewUpdateSubrequest patches one record.
func NewUpdateSubrequest(ref, sobject, id string, fields map[string]any) (Subrequest, error) {
	if err := validate(sobject, id, nil); err != nil {
		return Subrequest{}, err
	}
	return Subrequest{Method: http.MethodPatch, URL: pathJoin("sobjects", sobject, id), ReferenceID: ref, Body: nonNil(fields)}, nil
}

// NewDeleteSubrequest deletes one record.
func NewDeleteSubrequest(ref, sobject, id string) (Subrequest, error) {
	if err := validate(sobject, id, nil); err != nil {
		return Subrequest{}, err
	}
	return Subrequest{Method: http.MethodDelete, URL: pathJoin("sobjects", sobject, id), ReferenceID: ref}, nil
}

var referenceIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]{0,79}$`)

type compositeRequest struct {
	AllOrNone          bool                  `json:"allOrNone"`
	CollateSubrequests bool                  `json:"collateSubrequests"`
	CompositeRequest   []compositeSubrequest `json:"compositeRequest"`
}

type compositeSubrequest struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        any               `json:"body,omitempty"`
	HTTPHeaders map[string]string `json:"httpHeaders,omitempty"`
}

type compositeResponse struct {
	CompositeResponse []struct {
		Body           json.RawMessage   `json:"body"`
		HTTPHeaders    map[string]string `json:"httpHeaders"`
		HTTPStatusCode int               `json:"httpStatusCode"`
		ReferenceID    string            `json:"referenceId"`
	} `json:"compositeResponse"`
}

// Composite sends up to 25 subrequests as one API call and returns one
// Subresponse per subrequest, in order. The top-level error is set only when
// the call as a whole failed; a failed subrequest carries its own Err.
func (c *Client) Composite(ctx context.Context, allOrNone bool, subrequests []Subrequest) ([]Subresponse, error) {
	return c.composite(ctx, "composite", allOrNone, subrequests)
}

// composite sends a Composite request under the name op, which metrics and errors show:
// a Composite that carries batched work is named after it ("composite: find leads + save").
func (c *Client) composite(ctx context.Context, op string, allOrNone bool, subrequests []Subrequest) ([]Subresponse, error) {
	req, err := c.compositeBody(allOrNone, subrequests)
	if err != nil {
		return nil, withOp(err, op)
	}
	resp, err := c.call(ctx, op, http.MethodPost, "/composite", req)
	if err != nil {
		return nil, err
	}
	var parsed compositeResponse
	if err := decode(resp, op, &parsed); err != nil {
		return nil, err
	}
	byRef := make(map[string]int, len(parsed.CompositeResponse))
	for i, sr := range parsed.CompositeResponse {
		byRef[sr.ReferenceID] = i
	}
	out := make([]Subresponse, len(subrequests))
	errs := make([]*Error, len(subrequests))
	for i, sub := range req.CompositeRequest {
		j, ok := byRef[sub.ReferenceID]
		if !ok {
			out[i] = Subresponse{ReferenceID: sub.ReferenceID, Err: &Error{StatusCode: resp.status, Code: CodeUnexpectedResponse,
				Operation: op, Message: "no subresponse for " + sub.ReferenceID}}
			continue
		}
		sr := parsed.CompositeResponse[j]
		out[i] = Subresponse{ReferenceID: sr.ReferenceID, StatusCode: sr.HTTPStatusCode, Headers: sr.HTTPHeaders, Body: sr.Body}
		if sr.HTTPStatusCode >= 400 || sr.HTTPStatusCode == 0 {
			errs[i] = c.scrub(parseError(sr.HTTPStatusCode, op+" "+sub.ReferenceID, sr.Body), nil)
			out[i].Err = errs[i]
		}
	}
	// With allOrNone, or when a reference cannot be resolved, Salesforce halts
	// the other subrequests for one failure: they follow its nature.
	linkRootCause(errs)
	return out, nil
}

func (c *Client) compositeBody(allOrNone bool, subrequests []Subrequest) (*compositeRequest, error) {
	if len(subrequests) == 0 || len(subrequests) > MaxCompositeSubrequests {
		return nil, &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("composite needs 1 to %d subrequests, got %d", MaxCompositeSubrequests, len(subrequests))}
	}
	req := &compositeRequest{AllOrNone: allOrNone, CompositeRequest: make([]compositeSubrequest, len(subrequests))}
	seen := make(map[string]bool, len(subrequests))
	heavy := 0
	for i, s := range subrequests {
		ref := s.ReferenceID
		if ref == "" {
			ref = fmt.Sprintf("r%d", i)
		}
		if !referenceIDPattern.MatchString(ref) || seen[ref] {
			return nil, &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("invalid or repeated referenceId %q", ref)}
		}
		seen[ref] = true
		path := s.URL
		if !strings.HasPrefix(path, "/services/") {
			path = c.dataRoot() + path
		}
		if !validNextRecordsURL(path) {
			return nil, &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("invalid subrequest url for %s", ref)}
		}
		if isHeavySubrequest(path) {
			heavy++
		}
		req.CompositeRequest[i] = compositeSubrequest{Method: s.Method, URL: path, ReferenceID: ref, Body: s.Body, HTTPHeaders: s.HTTPHeaders}
	}
	if heavy > MaxCompositeQueries {
		return nil, &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("composite allows %d query or collections subrequests, got %d", MaxCompositeQueries, heavy)}
	}
	return req, nil
}

// isHeavySubrequest reports whether Salesforce counts the subrequest against
// the five query/collections slots of a Composite call.
func isHeavySubrequest(path string) bool {
	rest := path[strings.Index(path[len("/services/data/"):], "/")+len("/services/data/"):]
	for _, prefix := range []string{"/query", "/queryAll", "/composite/sobjects"} {
		if strings.HasPrefix(rest, prefix) {
			return true
		}
	}
	return false
}
