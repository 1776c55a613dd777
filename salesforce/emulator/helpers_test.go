package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

type response struct {
	status int
	header http.Header
	raw    []byte
}

func (r response) json(t *testing.T) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(r.raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, r.raw)
	}
	return v
}

func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.json(t).(map[string]any)
	if !ok {
		t.Fatalf("body is not a JSON object: %s", r.raw)
	}
	return m
}

func (r response) array(t *testing.T) []any {
	t.Helper()
	a, ok := r.json(t).([]any)
	if !ok {
		t.Fatalf("body is not a JSON array: %s", r.raw)
	}
	return a
}

// firstError returns errorCode and message of a single-record REST error array.
func (r response) firstError(t *testing.T) (code, message string) {
	t.Helper()
	a := r.array(t)
	if len(a) == 0 {
		t.Fatalf("empty error array")
	}
	m := a[0].(map[string]any)
	code, _ = m["errorCode"].(string)
	message, _ = m["message"].(string)
	return code, message
}

type harness struct {
	t     *testing.T
	emu   *Emulator
	srv   *httptest.Server
	token string
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	emu := New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	h := &harness{t: t, emu: emu, srv: srv}
	h.token = h.login()
	return h
}

func (h *harness) login() string {
	h.t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {defaultUsername},
		"password": {defaultPassword + defaultSecurityToken}}
	if h.emu.opts.ClientID != "" {
		form.Set("client_id", h.emu.opts.ClientID)
		form.Set("client_secret", h.emu.opts.ClientSecret)
	}
	res := h.form("/services/oauth2/token", form, nil)
	if res.status != 200 {
		h.t.Fatalf("login: %d %s", res.status, res.raw)
	}
	return res.object(h.t)["access_token"].(string)
}

func (h *harness) form(path string, values url.Values, header map[string]string) response {
	h.t.Helper()
	hdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range header {
		hdr[k] = v
	}
	return h.raw(http.MethodPost, path, values.Encode(), hdr)
}

// do sends an authenticated data API request; body may be a string or any JSON-marshalable value.
func (h *harness) do(method, path string, body any, header ...string) response {
	h.t.Helper()
	hdr := map[string]string{"Authorization": "Bearer " + h.token}
	var text string
	switch b := body.(type) {
	case nil:
	case string:
		text = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		text = string(data)
	}
	if text != "" {
		hdr["Content-Type"] = "application/json"
	}
	for i := 0; i+1 < len(header); i += 2 {
		hdr[header[i]] = header[i+1]
	}
	return h.raw(method, path, text, hdr)
}

func (h *harness) raw(method, path, body string, header map[string]string) response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, raw: data}
}

func q(soql string) string { return "/services/data/v64.0/query?q=" + url.QueryEscape(soql) }

const v64 = "/services/data/v64.0"

func (h *harness) seed(sobject string, fields map[string]any) string {
	h.t.Helper()
	id, err := h.emu.Seed(sobject, fields)
	if err != nil {
		h.t.Fatalf("seed %s: %v", sobject, err)
	}
	return id
}
