package salesforce

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

type queryPage struct {
	TotalSize      int      `json:"totalSize"`
	Done           bool     `json:"done"`
	NextRecordsURL string   `json:"nextRecordsUrl"`
	Records        []Record `json:"records"`
}

// Query runs a SOQL query and returns every row, fetching further pages
// through nextRecordsUrl (each page is one API call). Build the SOQL with
// EscapeSOQL or QuoteSOQL for every string value.
func (c *Client) Query(ctx context.Context, soql string) ([]Record, error) {
	return c.query(ctx, "query", soql)
}

// QueryAll is Query including deleted and archived rows.
func (c *Client) QueryAll(ctx context.Context, soql string) ([]Record, error) {
	return c.query(ctx, "queryAll", soql)
}

func (c *Client) query(ctx context.Context, resource, soql string) ([]Record, error) {
	op := resource
	resp, err := c.call(ctx, op, http.MethodGet, "/"+resource+"?q="+url.QueryEscape(soql), nil)
	if err != nil {
		return nil, err
	}
	var page queryPage
	if err := decode(resp, op, &page); err != nil {
		return nil, err
	}
	return c.restOfQuery(ctx, op, page)
}

// restOfQuery appends the remaining pages of a query to its first page.
func (c *Client) restOfQuery(ctx context.Context, op string, page queryPage) ([]Record, error) {
	records := page.Records
	seen := map[string]bool{}
	for !page.Done {
		next := page.NextRecordsURL
		if next == "" {
			// Rows are missing; a lookup that takes them for all of them could
			// create a record that already exists.
			return nil, &Error{Code: CodeUnexpectedResponse, Operation: op, Message: "query is not done but returned no nextRecordsUrl"}
		}
		if !validNextRecordsURL(next) {
			return nil, &Error{Code: CodeUnexpectedResponse, Operation: op, Message: "query returned an unusable nextRecordsUrl"}
		}
		// A locator that comes back again would page forever.
		if seen[next] {
			return nil, &Error{Code: CodeUnexpectedResponse, Operation: op, Message: "query returned the same nextRecordsUrl twice"}
		}
		seen[next] = true
		resp, err := c.call(ctx, op, http.MethodGet, next, nil)
		if err != nil {
			return nil, err
		}
		page = queryPage{}
		if err := decode(resp, op, &page); err != nil {
			return nil, err
		}
		records = append(records, page.Records...)
	}
	if records == nil {
		records = []Record{}
	}
	return records, nil
}

// validNextRecordsURL accepts only a path on the current instance, so a
// response can never send the session token to another host.
func validNextRecordsURL(u string) bool {
	if !strings.HasPrefix(u, "/services/data/") || strings.Contains(u, "//") || strings.Contains(u, "\\") {
		return false
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host != "" || parsed.Scheme != "" {
		return false
	}
	for _, seg := range strings.Split(parsed.Path, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
