package salesforce

import (
	"context"
	"net/http"
	"strings"
)

// DescribedField is what an object's describe says of one field.
type DescribedField struct {
	Name string
	Type string
	// Length is the most characters the field holds; 0 when the describe gives none.
	Length     int
	Createable bool
	Updateable bool
	Filterable bool
}

// DescribeFields returns sobject's fields keyed by lower-case name, from GET
// /sobjects/{sobject}/describe. A client describes each object once and keeps the answer;
// fresh asks Salesforce again, for a field added since. Callers that ask at the same time
// share one call: a thousand reconciles starting together would otherwise each describe the
// object before the first answer is kept.
func (c *Client) DescribeFields(ctx context.Context, sobject string, fresh bool) (map[string]DescribedField, error) {
	if err := checkSObject(sobject); err != nil {
		return nil, withOp(err, "describe")
	}
	key := strings.ToLower(sobject)
	if !fresh {
		c.describeMu.Lock()
		known, ok := c.described[key]
		c.describeMu.Unlock()
		if ok {
			return known, nil
		}
	}
	v, err, _ := c.describes.Do(key, func() (any, error) { return c.describe(ctx, sobject, key) })
	if err != nil {
		return nil, err
	}
	return v.(map[string]DescribedField), nil
}

// describe reads sobject's describe and keeps it under key.
func (c *Client) describe(ctx context.Context, sobject, key string) (map[string]DescribedField, error) {
	op := "describe " + sobject
	resp, err := c.call(ctx, op, http.MethodGet, pathJoin("sobjects", sobject, "describe"), nil)
	if err != nil {
		return nil, err
	}
	var described struct {
		Fields []struct {
			Name       string `json:"name"`
			Type       string `json:"type"`
			Length     int    `json:"length"`
			Createable bool   `json:"createable"`
			Updateable bool   `json:"updateable"`
			Filterable *bool  `json:"filterable"`
		} `json:"fields"`
	}
	if err := decode(resp, op, &described); err != nil {
		return nil, err
	}
	fields := make(map[string]DescribedField, len(described.Fields))
	for _, f := range described.Fields {
		fields[strings.ToLower(f.Name)] = DescribedField{Name: f.Name, Type: f.Type, Length: f.Length,
			Createable: f.Createable, Updateable: f.Updateable, Filterable: f.Filterable == nil || *f.Filterable}
	}
	c.describeMu.Lock()
	if c.described == nil {
		c.described = map[string]map[string]DescribedField{}
	}
	c.described[key] = fields
	c.describeMu.Unlock()
	return fields, nil
}
