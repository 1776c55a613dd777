package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Emulator is an in-memory, fault-injecting double of the Salesforce REST API. It implements
// http.Handler and is safe for concurrent use.
type Emulator struct {
	opts Options

	// mu guards tables and idCounter. Reads take it shared; writes and composite calls exclusively.
	mu             sync.RWMutex
	tables         map[string]*table
	idCounter      int64
	customPrefixes int

	userID, uiUserID string

	authMu   sync.Mutex
	password string
	token    string
	sessions map[string]*session
	logins   int
	// soapLogin is whether login() answers; admin-switchable, reset to Options.SOAPLogin.
	soapLogin SOAPLoginMode

	statMu   sync.Mutex
	used     int
	counters map[string]int
	log      []LoggedRequest
	logNext  int

	faultMu     sync.Mutex
	faults      []*faultRule
	nextFaultID int
	rnd         *rand.Rand

	cursorMu    sync.Mutex
	cursors     map[string]*cursor
	cursorOrder []string
	cursorSeq   int64
}

// LoggedRequest is one entry of the request log. Query strings are kept only for data API calls,
// so that credentials sent in a token request's query string are never recorded.
type LoggedRequest struct {
	Method   string        `json:"method"`
	Path     string        `json:"path"`
	Query    string        `json:"query,omitempty"`
	Status   int           `json:"status"`
	Time     time.Time     `json:"time"`
	Duration time.Duration `json:"durationNanos"`
}

// New returns an emulator with the standard objects and the custom objects and fields in opts.
// It panics if a custom definition in opts is invalid, because that is a programming error in a test.
func New(opts Options) *Emulator {
	opts = opts.withDefaults()
	if _, err := ParseSOAPLoginMode(string(opts.SOAPLogin)); err != nil {
		panic(fmt.Sprintf("emulator: %v", err))
	}
	e := &Emulator{
		opts:     opts,
		userID:   To18("0055g00000EmuUS"),
		uiUserID: To18("0055g00000EmuUI"),
		rnd:      rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1)),
	}
	e.password, e.token = opts.Password, opts.SecurityToken
	e.resetState()
	return e
}

// resetState rebuilds schema, data, sessions, counters and faults from the options.
func (e *Emulator) resetState() {
	e.mu.Lock()
	e.tables = map[string]*table{}
	for _, def := range standardObjects() {
		e.tables[strings.ToLower(def.Name)] = newTable(def)
	}
	e.idCounter, e.customPrefixes = 0, 0
	for _, def := range e.opts.CustomObjects {
		if err := e.defineObject(def); err != nil {
			panic(fmt.Sprintf("emulator: %v", err))
		}
	}
	for _, def := range e.opts.CustomFields {
		if err := e.defineField(def); err != nil {
			panic(fmt.Sprintf("emulator: %v", err))
		}
	}
	e.mu.Unlock()

	e.authMu.Lock()
	e.sessions = map[string]*session{}
	e.logins = 0
	e.soapLogin = e.opts.SOAPLogin
	e.authMu.Unlock()

	e.statMu.Lock()
	e.used, e.counters, e.log, e.logNext = 0, map[string]int{}, nil, 0
	e.statMu.Unlock()

	e.faultMu.Lock()
	e.faults = nil
	e.faultMu.Unlock()

	e.cursorMu.Lock()
	e.cursors, e.cursorOrder = map[string]*cursor{}, nil
	e.cursorMu.Unlock()
}

func (e *Emulator) now() time.Time { return e.opts.Now() }

const maxURILength = 16384

// ServeHTTP implements http.Handler.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_emulator" || strings.HasPrefix(r.URL.Path, "/_emulator/") {
		e.serveAdmin(w, r)
		return
	}
	start := e.now()
	rec := &statusRecorder{ResponseWriter: w}
	defer func() { e.logRequest(r, rec.status, start) }()

	if len(r.RequestURI) > maxURILength || len(r.URL.RawQuery)+len(r.URL.Path) > maxURILength {
		writeURITooLong(rec)
		return
	}
	if e.applyFaults(rec, r) {
		return
	}
	path := r.URL.Path
	switch {
	case path == "/services/oauth2/token":
		e.serveToken(rec, r)
	case path == "/services/oauth2/revoke":
		e.serveRevoke(rec, r)
	case strings.HasPrefix(path, "/services/Soap/u/") || strings.HasPrefix(path, "/services/Soap/c/"):
		e.serveSOAPLogin(rec, r)
	case path == "/services/data" || path == "/services/data/":
		e.serveVersions(rec, r)
	case strings.HasPrefix(path, "/services/data/"):
		e.serveData(rec, r)
	default:
		writeJSON(rec, r, http.StatusNotFound, errNotFound().restBody())
	}
}

func writeURITooLong(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html;charset=iso-8859-1")
	w.WriteHeader(http.StatusRequestURITooLong)
	_, _ = w.Write([]byte("<h1>Bad Message 414</h1><pre>reason: URI Too Long</pre>"))
}

const jsonContentType = "application/json;charset=UTF-8"

// writeJSON writes body as JSON; a nil body writes no content. X-PrettyPrint: 1 indents.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	data, err := json.Marshal(body)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`[{"message":"An unexpected error occurred.","errorCode":"UNKNOWN_EXCEPTION"}]`)
	}
	if r != nil && r.Header.Get("X-PrettyPrint") == "1" {
		var buf bytes.Buffer
		if json.Indent(&buf, data, "", "  ") == nil {
			data = buf.Bytes()
		}
	}
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(status)
	if r == nil || r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (e *Emulator) logRequest(r *http.Request, status int, start time.Time) {
	entry := LoggedRequest{Method: r.Method, Path: r.URL.Path, Status: status, Time: start,
		Duration: e.now().Sub(start)}
	if strings.HasPrefix(r.URL.Path, "/services/data/") {
		entry.Query = r.URL.RawQuery
	}
	e.statMu.Lock()
	defer e.statMu.Unlock()
	if len(e.log) < e.opts.RequestLogSize {
		e.log = append(e.log, entry)
		return
	}
	e.log[e.logNext] = entry
	e.logNext = (e.logNext + 1) % len(e.log)
}

func (e *Emulator) count(key string) {
	e.statMu.Lock()
	e.counters[key]++
	e.statMu.Unlock()
}

// charge records one API call, or reports that the daily allocation is exhausted.
func (e *Emulator) charge() (used int, ok bool) {
	e.statMu.Lock()
	defer e.statMu.Unlock()
	if e.used >= e.opts.DailyLimit {
		return e.used, false
	}
	e.used++
	return e.used, true
}

func (e *Emulator) limitInfo() string {
	e.statMu.Lock()
	defer e.statMu.Unlock()
	return fmt.Sprintf("api-usage=%d/%d", e.used, e.opts.DailyLimit)
}

// sleep waits for d or until the request is abandoned.
func sleep(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}
