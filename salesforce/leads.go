package salesforce

import (
	"context"
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
	// leadQueryURIBudget is the longest query URI sent as a plain call, well
	// under Salesforce's 16,384-byte limit on URI plus headers. Longer
	// queries travel inside Composite calls, where that limit does not apply.
	leadQueryURIBudget = 10000
	// leadQuerySOQLBudget caps the SOQL text of one lookup query, a fifth of
	// Salesforce's 100,000 characters: about 700 typical emails.
	leadQuerySOQLBudget = 20000
)

// FindLeadsByEmail looks many emails up at once with
// SELECT Id, Email, IsConverted, ConvertedContactId, IsDeleted FROM Lead WHERE Email IN (...).
// The IN list is split so each SOQL text stays well under Salesforce's
// limit; the queries travel as query subrequests of Composite calls (five per
// call), so thousands of typical emails cost one API call, and a short
// lookup goes as a plain query. Matching is case-insensitive; the result is
// keyed by strings.ToLower(email) and holds only emails that matched at
// least one Lead.
func (c *Client) FindLeadsByEmail(ctx context.Context, emails []string) (map[string][]LeadMatch, error) {
	j := c.NewLeadLookupJob(emails)
	if err := c.Send(ctx, j); err != nil {
		return nil, withOp(err, "find leads")
	}
	if j.Err != nil {
		return nil, j.Err
	}
	return j.Found, nil
}

// leadQueries builds the SOQL texts, each with as many distinct emails as fit
// in the SOQL budget.
func leadQueries(emails []string) []string {
	var (
		queries []string
		list    []string
		fill    LeadQueryFill
		seen    = map[string]bool{}
	)
	for _, e := range emails {
		e = strings.TrimSpace(e)
		key := strings.ToLower(e)
		if e == "" || seen[key] {
			continue
		}
		seen[key] = true
		if !fill.Add(e) {
			queries = append(queries, leadQueryPrefix+strings.Join(list, ",")+leadQuerySuffix)
			list = nil
		}
		list = append(list, QuoteSOQL(e))
	}
	if len(list) > 0 {
		queries = append(queries, leadQueryPrefix+strings.Join(list, ",")+leadQuerySuffix)
	}
	return queries
}

// LeadQueryFill tracks how full the lookup query being built is.
type LeadQueryFill struct{ size int }

func leadQueryCost(email string) int { return len(QuoteSOQL(email)) + len(",") }

// Fits reports whether email still fits in the current query.
func (f *LeadQueryFill) Fits(email string) bool {
	return f.size == 0 || len(leadQueryPrefix)+len(leadQuerySuffix)+f.size+leadQueryCost(email) <= leadQuerySOQLBudget
}

// Add counts email into the current query and reports true, or, when it does
// not fit, starts a new query holding only it and reports false.
func (f *LeadQueryFill) Add(email string) bool {
	if !f.Fits(email) {
		f.size = leadQueryCost(email)
		return false
	}
	f.size += leadQueryCost(email)
	return true
}

// Started reports whether the current query holds any email.
func (f *LeadQueryFill) Started() bool { return f.size > 0 }
