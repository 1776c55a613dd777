package salesforce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"
)

const redacted = "[redacted]"

// dataSecretMin is the shortest secret scrubbed from a success body that is the JSON data
// Salesforce documents. Such a body is also record data, and blanking a short value there
// would change what the controller reads; a secret that long never occurs in data by chance.
// Error bodies, and anything that is not the documented JSON, lose secrets of any length.
const dataSecretMin = 8

// errorSecretMin is the shortest secret scrubbed from error texts. A single character is
// left: blanking it would garble every message and reveal nothing.
const errorSecretMin = 2

// redactor removes secrets, in every encoding a server might echo them in, from server bytes
// and from the errors built of them.
type redactor struct{ forms []string }

// secretValues lists what must never leave the client: the credentials, the private key and
// its lines, the last JWT assertion, and the given session tokens.
func (c *Client) secretValues(tokens ...string) []string {
	cr := c.creds
	values := []string{cr.Password + cr.SecurityToken, cr.Password, cr.SecurityToken, cr.ClientSecret}
	if len(cr.PrivateKeyPEM) > 0 {
		pem := strings.TrimSpace(string(cr.PrivateKeyPEM))
		values = append(values, pem)
		for _, line := range strings.Split(pem, "\n") {
			if line = strings.TrimSpace(line); len(line) >= 16 && !strings.HasPrefix(line, "-----") {
				values = append(values, line)
			}
		}
	}
	c.mu.RLock()
	values = append(values, c.assertion)
	if c.current != nil {
		values = append(values, c.current.accessToken)
	}
	c.mu.RUnlock()
	return append(values, tokens...)
}

// redactor scrubs the client's secrets of at least min bytes.
func (c *Client) redactor(min int, tokens ...string) redactor {
	var forms []string
	for _, v := range c.secretValues(tokens...) {
		if v == "" || len(v) < min {
			continue
		}
		quoted, _ := json.Marshal(v)
		forms = append(forms, v, url.QueryEscape(v), url.PathEscape(v), xmlEscape(v), html.EscapeString(v),
			string(quoted[1:len(quoted)-1]))
	}
	// Longer forms first, so a password followed by its token goes as one.
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return redactor{forms: slices.Compact(forms)}
}

func (r redactor) text(s string) string {
	for _, f := range r.forms {
		s = strings.ReplaceAll(s, f, redacted)
	}
	return s
}

func (r redactor) bytes(b []byte) []byte {
	for _, f := range r.forms {
		if bytes.Contains(b, []byte(f)) {
			b = bytes.ReplaceAll(b, []byte(f), []byte(redacted))
		}
	}
	return b
}

// error scrubs every text of e, its root cause included.
func (r redactor) error(top *Error) *Error {
	for e := top; e != nil; e = e.rootCause {
		e.Message = r.text(e.Message)
		e.Code = r.text(e.Code)
		for i := range e.Fields {
			e.Fields[i] = r.text(e.Fields[i])
		}
		for i := range e.MatchedIDs {
			e.MatchedIDs[i] = r.text(e.MatchedIDs[i])
		}
	}
	return top
}

// scrubBody is the one place server bytes lose the secrets: before any error text, title or
// row message is built from them, and before a title is cut short, which could otherwise
// leave part of a secret behind.
func (c *Client) scrubBody(status int, bearer string, body []byte) []byte {
	min := errorSecretMin
	if status < 300 {
		switch {
		case json.Valid(body):
			min = dataSecretMin
		case !bytes.Contains(bytes.ToLower(body), []byte("<title")):
			// A SOAP login answer: only fixed texts are built from it, never an echo.
			return body
		}
	}
	return c.redactor(min, bearer).bytes(body)
}

// String keeps the credentials, the key and the session out of anything that formats a client.
func (c *Client) String() string {
	return fmt.Sprintf("salesforce.Client{loginURL:%s flow:%s api:%s instance:%s}", c.loginURL, c.flow, c.apiVersion, c.InstanceURL())
}

// GoString does the same for %#v.
func (c *Client) GoString() string { return c.String() }
