package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

type response struct {
	status int
	header http.Header
	body   []byte
}

// exchange sends one request and reads the whole answer. It records the
// Sforce-Limit-Info header and reports the exchange to the observer.
func (c *Client) exchange(req *http.Request, op string) (*response, error) {
	start := time.Now()
	// The last line of defence: no request leaves for a host outside the policy, whatever
	// URL a server's answer (a nextRecordsUrl, a job's locator) led to.
	if err := c.hosts.check(req.URL.String(), "request"); err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	if err := c.calls.acquire(req.Context()); err != nil {
		return nil, fmt.Errorf("salesforce %s: %w", op, err)
	}
	defer c.calls.release()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		err = c.networkError(op, err)
		c.observe(op, 0, err, start)
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readCapped(resp, c.bodyCap(op, resp.StatusCode), op)
	if e, ok := asError(err); ok {
		c.observe(op, resp.StatusCode, e, start)
		return nil, e
	}
	if err != nil {
		err = c.networkError(op, err)
		c.observe(op, resp.StatusCode, err, start)
		return nil, err
	}
	c.recordUsage(resp.Header.Get("Sforce-Limit-Info"))
	bearer := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
	body = c.scrubBody(resp.StatusCode, bearer, body)
	r := &response{status: resp.StatusCode, header: resp.Header, body: body}
	var obsErr error
	if r.status >= 400 {
		obsErr = c.scrub(parseError(r.status, op, body), &session{accessToken: bearer})
	}
	c.observe(op, r.status, obsErr, start)
	return r, nil
}

func (c *Client) observe(op string, status int, err error, start time.Time) {
	if c.observer != nil {
		c.observer.ObserveRequest(op, status, err, time.Since(start))
	}
}

// networkError drops the request URL that net/http puts in its errors: it may
// carry query text, and the operation name says enough.
func (c *Client) networkError(op string, err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return fmt.Errorf("salesforce %s: %w", op, err)
}

// call sends an authenticated request to the current instance. path is either
// relative to the versioned data root ("/sobjects/Lead") or a full
// "/services/data/..." path, as Salesforce returns in nextRecordsUrl. On 401
// INVALID_SESSION_ID it logs in again once and repeats the request. Statuses of
// 400 and above come back as *Error; 3xx are left to the caller.
func (c *Client) call(ctx context.Context, op, method, path string, body any) (*response, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("salesforce %s: cannot encode request: %w", op, err)
		}
	}
	if !strings.HasPrefix(path, "/services/") {
		path = c.dataRoot() + path
	}
	s, err := c.session(ctx)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, s.instanceURL+path, bytes.NewReader(payload))
		if err != nil {
			return nil, fmt.Errorf("salesforce %s: cannot build request: %w", op, err)
		}
		req.Header.Set("Authorization", "Bearer "+s.accessToken)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Sforce-Call-Options", callOptions)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.exchange(req, op)
		if err != nil {
			return nil, err
		}
		if resp.status < 400 {
			return resp, nil
		}
		apiErr := c.scrub(parseError(resp.status, op, resp.body), s)
		if resp.status == http.StatusUnauthorized && apiErr.Code == CodeSession && attempt == 0 {
			if s, err = c.relogin(ctx, s); err != nil {
				return nil, err
			}
			continue
		}
		return resp, apiErr
	}
}

func (c *Client) dataRoot() string {
	return "/services/data/v" + c.apiVersion
}

// scrub removes every credential and the session token from an error built of a success
// body, where secrets shorter than dataSecretMin were left in place. With s nil, the current
// session's token goes.
func (c *Client) scrub(e *Error, s *session) *Error {
	var token string
	if s != nil {
		token = s.accessToken
	}
	return c.redactor(errorSecretMin, token).error(e)
}

// decode reads a success body into v; a body that is not the expected JSON
// becomes an UNEXPECTED_RESPONSE error.
func decode(resp *response, op string, v any) error {
	if err := jsonUnmarshal(resp.body, v); err != nil {
		return unexpected(resp.status, op, resp.body)
	}
	return nil
}

func jsonUnmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v)
}

func trimSpace(b []byte) []byte {
	return bytes.TrimSpace(b)
}

// pathJoin builds a data path from segments that were validated already;
// escaping them anyway keeps a future mistake from changing the path.
func pathJoin(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}
