package salesforce

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// LeadMatch is one Lead found by email.
type LeadMatch struct {
	ID                 string
	Email              string
	IsConverted        bool
	ConvertedContactID string
	IsDeleted          bool
}

const (
	leadQueryPrefix = "SELECT Id, Email, IsConverted, ConvertedContactId, IsDeleted FROM Lead WHERE Email IN ("
	leadQuerySuffix = ")"
	// leadQueryURIBudget keeps each query URI well under Salesforce's 16,384-byte
	// limit on URI plus headers, while fitting about 250 typical emails, so
	// five queries (one Composite call) cover 1,000.
	leadQueryURIBudget = 10000
)

// FindLeadsByEmail looks many emails up at once with
// SELECT Id, Email, IsConverted, ConvertedContactId, IsDeleted FROM Lead WHERE Email IN (...).
// The IN list is split so each query URI stays well under Salesforce's limit;
// several such queries travel as query subrequests of Composite calls (five per
// call), so 1,000 typical emails cost one API call. Matching is
// case-insensitive; the result is keyed by strings.ToLower(email) and holds
// only emails that matched at least one Lead.
func (c *Client) FindLeadsByEmail(ctx context.Context, emails []string) (map[string][]LeadMatch, error) {
	const op = "find leads"
	queries := c.leadQueries(emails)
	found := map[string][]LeadMatch{}
	var records []Record
	switch len(queries) {
	case 0:
		return found, nil
	case 1:
		var err error
		if records, err = c.query(ctx, "query", queries[0]); err != nil {
			return nil, withOp(err, op)
		}
	default:
		for start := 0; start < len(queries); start += MaxCompositeQueries {
			end := min(start+MaxCompositeQueries, len(queries))
			subs := make([]Subrequest, 0, end-start)
			for i := start; i < end; i++ {
				subs = append(subs, NewQuerySubrequest(fmt.Sprintf("q%d", i), queries[i]))
			}
			resps, err := c.composite(ctx, "composite: "+op, false, subs)
			if err != nil {
				return nil, withOp(err, op)
			}
			for _, r := range resps {
				if r.Err != nil {
					return nil, setOp(r.Err, op)
				}
				var page queryPage
				if err := jsonUnmarshal(r.Body, &page); err != nil {
					return nil, unexpected(r.StatusCode, op, r.Body)
				}
				rows, err := c.restOfQuery(ctx, op, page)
				if err != nil {
					return nil, err
				}
				records = append(records, rows...)
			}
		}
	}
	seen := map[string]bool{}
	for _, r := range records {
		m := LeadMatch{
			ID:                 r.ID(),
			Email:              r.String("Email"),
			IsConverted:        r.Bool("IsConverted"),
			ConvertedContactID: r.String("ConvertedContactId"),
			IsDeleted:          r.Bool("IsDeleted"),
		}
		key := strings.ToLower(m.Email)
		if m.ID == "" || key == "" || seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		found[key] = append(found[key], m)
	}
	return found, nil
}

// leadQueries builds the SOQL texts, each with as many distinct emails as fit
// in the URI budget once URL-encoded.
func (c *Client) leadQueries(emails []string) []string {
	base := len(c.dataRoot()) + len("/query?q=") + len(url.QueryEscape(leadQueryPrefix+leadQuerySuffix))
	var (
		queries []string
		list    []string
		size    = base
		seen    = map[string]bool{}
	)
	flush := func() {
		if len(list) > 0 {
			queries = append(queries, leadQueryPrefix+strings.Join(list, ",")+leadQuerySuffix)
			list, size = nil, base
		}
	}
	for _, e := range emails {
		e = strings.TrimSpace(e)
		key := strings.ToLower(e)
		if e == "" || seen[key] {
			continue
		}
		seen[key] = true
		literal := QuoteSOQL(e)
		cost := len(url.QueryEscape(literal)) + len(url.QueryEscape(","))
		if len(list) > 0 && size+cost > leadQueryURIBudget {
			flush()
		}
		list = append(list, literal)
		size += cost
	}
	flush()
	return queries
}
