package localenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// EmulatorOptions configure the emulator process. Empty credentials take the emulator's
// defaults, which are also what config/samples/credentials-secret.yaml holds.
type EmulatorOptions struct {
	Username, Password, SecurityToken string
	// Seed is the JSON seed document ({"Contact":[{...}]}); empty seeds nothing.
	Seed string
	// Args are extra flags, such as --daily-limit.
	Args []string
}

// Emulator is a running salesforce-emulator process and a client of its admin API.
type Emulator struct {
	*Process
	URL  string
	http *http.Client
}

// StartEmulator runs the emulator binary on a loopback port of its own binding, in dir, and
// waits until it prints the URL it serves: the port is never released and bound again.
func StartEmulator(ctx context.Context, bin, dir string, opts EmulatorOptions) (*Emulator, error) {
	args := []string{"--addr", "127.0.0.1:0"}
	for flag, value := range map[string]string{"--username": opts.Username, "--password": opts.Password, "--security-token": opts.SecurityToken} {
		if value != "" {
			args = append(args, flag+"="+value)
		}
	}
	if opts.Seed != "" {
		seedPath := filepath.Join(dir, "emulator-seed.json")
		if err := os.WriteFile(seedPath, []byte(opts.Seed), 0o600); err != nil {
			return nil, fmt.Errorf("write emulator seed: %w", err)
		}
		args = append(args, "--seed", seedPath)
	}
	args = append(args, opts.Args...)
	announced := newLineWatcher("salesforce emulator listening on ")
	proc, err := StartProcess("salesforce-emulator", bin, args, nil, filepath.Join(dir, "emulator.log"), announced)
	if err != nil {
		return nil, err
	}
	select {
	case rest := <-announced.found:
		return &Emulator{Process: proc, URL: strings.TrimSpace(rest), http: &http.Client{Timeout: 10 * time.Second}}, nil
	case <-proc.Exited():
		return nil, fmt.Errorf("salesforce-emulator exited before serving (%v); see %s", proc.Err(), proc.LogPath)
	case <-time.After(30 * time.Second):
		_ = proc.Stop(5 * time.Second)
		return nil, fmt.Errorf("salesforce-emulator printed no URL within 30s; see %s", proc.LogPath)
	case <-ctx.Done():
		_ = proc.Stop(5 * time.Second)
		return nil, ctx.Err()
	}
}

// Record is one Salesforce row as the admin API returns it.
type Record map[string]any

// String returns a field as text ("" when absent), for comparisons and tables.
func (r Record) String(field string) string {
	v, ok := r[field]
	if !ok || v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// Records lists the live rows of an object type.
func (e *Emulator) Records(ctx context.Context, objectType string) ([]Record, error) {
	var rows []Record
	err := e.admin(ctx, http.MethodGet, "/_emulator/records/"+url.PathEscape(objectType), nil, &rows)
	return rows, err
}

// Record reads one row by ID, deleted rows included; found is false for an unknown ID.
func (e *Emulator) Record(ctx context.Context, objectType, id string) (rec Record, found bool, err error) {
	err = e.admin(ctx, http.MethodGet, "/_emulator/records/"+url.PathEscape(objectType)+"/"+url.PathEscape(id), nil, &rec)
	if err != nil && strings.Contains(err.Error(), "404") {
		return nil, false, nil
	}
	return rec, err == nil, err
}

// RequestLog returns the emulator's request log as raw JSON.
func (e *Emulator) RequestLog(ctx context.Context) ([]byte, error) {
	var raw json.RawMessage
	err := e.admin(ctx, http.MethodGet, "/_emulator/requests", nil, &raw)
	return raw, err
}

func (e *Emulator) admin(ctx context.Context, method, path string, body, out any) error {
	return CallEmulatorAdmin(ctx, e.http, e.URL, method, path, body, out)
}

// CallEmulatorAdmin sends one request to the admin API of the emulator at baseURL and decodes
// its JSON answer into out (when out is not nil).
func CallEmulatorAdmin(ctx context.Context, hc *http.Client, baseURL, method, path string, body, out any) error {
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, baseURL+path, reader)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decode: %w", method, path, err)
	}
	return nil
}

// lineWatcher passes output through and reports the rest of the first line that starts with
// prefix.
type lineWatcher struct {
	prefix string
	found  chan string
	mu     sync.Mutex
	buf    []byte
	sent   bool
}

func newLineWatcher(prefix string) *lineWatcher {
	return &lineWatcher{prefix: prefix, found: make(chan string, 1)}
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(w.buf[:i])
		w.buf = w.buf[i+1:]
		if rest, ok := strings.CutPrefix(line, w.prefix); ok {
			w.found <- rest
			w.sent, w.buf = true, nil
			return len(p), nil
		}
	}
}
