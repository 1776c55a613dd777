package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// faultJSON is the admin API form of Fault; latency is a Go duration string such as "250ms".
type faultJSON struct {
	Preset       string  `json:"preset,omitempty"`
	Method       string  `json:"method,omitempty"`
	PathContains string  `json:"pathContains,omitempty"`
	Status       int     `json:"status,omitempty"`
	Body         string  `json:"body,omitempty"`
	ContentType  string  `json:"contentType,omitempty"`
	Times        int     `json:"times,omitempty"`
	Rate         float64 `json:"rate,omitempty"`
	Latency      string  `json:"latency,omitempty"`
	Hang         bool    `json:"hang,omitempty"`
	Drop         bool    `json:"drop,omitempty"`
}

func (fj faultJSON) fault() (Fault, error) {
	f := Fault{}
	if fj.Preset != "" {
		p, ok := Preset(fj.Preset)
		if !ok {
			return f, fmt.Errorf("unknown preset %q", fj.Preset)
		}
		f = p
	}
	f.Method, f.PathContains, f.Times, f.Rate = fj.Method, fj.PathContains, fj.Times, fj.Rate
	if fj.Status != 0 {
		f.Status = fj.Status
	}
	if fj.Body != "" {
		f.Body = fj.Body
	}
	if fj.ContentType != "" {
		f.ContentType = fj.ContentType
	}
	f.Hang, f.Drop = f.Hang || fj.Hang, f.Drop || fj.Drop
	if fj.Latency != "" {
		d, err := time.ParseDuration(fj.Latency)
		if err != nil {
			return f, fmt.Errorf("latency: %w", err)
		}
		f.Latency = d
	}
	return f, nil
}

func faultToJSON(f Fault) faultJSON {
	fj := faultJSON{Method: f.Method, PathContains: f.PathContains, Status: f.Status, Body: f.Body,
		ContentType: f.ContentType, Times: f.Times, Rate: f.Rate, Hang: f.Hang, Drop: f.Drop}
	if f.Latency > 0 {
		fj.Latency = f.Latency.String()
	}
	return fj
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

func adminError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	if errors.Is(err, ErrNotFound) {
		status = http.StatusNotFound
	}
	adminJSON(w, status, map[string]string{"error": err.Error()})
}

func readJSON(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	return nil
}

var adminIndex = map[string]string{
	"GET /_emulator/":                    "this index",
	"POST /_emulator/seed":               `seed records: {"Lead":[{...}],...} -> {"Lead":["00Q..."]}`,
	"GET /_emulator/records/{T}":         "list rows of a type (?deleted=true includes the recycle bin)",
	"POST /_emulator/records/{T}":        "seed one record (object) or several (array)",
	"GET /_emulator/records/{T}/{id}":    "one row, deleted rows included",
	"PATCH /_emulator/records/{T}/{id}":  "set fields as a UI user would (not counted)",
	"POST /_emulator/leads/{id}/convert": "convert a lead -> {contactId, accountId}",
	"GET /_emulator/requests":            "request log, oldest first",
	"GET /_emulator/counters":            "apiCallsUsed, dailyLimit, logins, per-endpoint counters",
	"POST /_emulator/usage":              `set API usage: {"apiCallsUsed":n}`,
	"GET /_emulator/faults":              "installed fault rules",
	"POST /_emulator/faults":             "add a fault rule (Fault fields in camelCase, or preset) -> {id}",
	"DELETE /_emulator/faults":           "clear all fault rules",
	"DELETE /_emulator/faults/{id}":      "remove one fault rule",
	"POST /_emulator/sessions/expire":    "expire every session now",
	"POST /_emulator/credentials":        `rotate credentials: {"password":"..","securityToken":".."}`,
	"GET /_emulator/soap-login":          `whether SOAP login() answers: {"mode":"available|disabled|retired"}`,
	"POST /_emulator/soap-login":         `switch SOAP login(): {"mode":"retired"} refuses it as after Summer '27`,
	"POST /_emulator/objects":            "define a custom object (ObjectDef)",
	"POST /_emulator/fields":             "define a custom field (FieldDef)",
	"POST /_emulator/reset":              "reset data, sessions, counters, log and faults",
}

// serveAdmin implements the test-control API under /_emulator/: JSON, no auth, never counted.
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	segs := splitPath(strings.TrimPrefix(r.URL.EscapedPath(), "/_emulator"))
	if len(segs) == 1 && segs[0] == "" {
		segs = nil
	}
	route := r.Method + " " + strings.Join(segs, "/")
	switch {
	case len(segs) == 0 && r.Method == http.MethodGet:
		adminJSON(w, 200, adminIndex)
	case route == "POST seed":
		var body map[string][]map[string]any
		if err := readJSON(r, &body); err != nil {
			adminError(w, err)
			return
		}
		ids, err := e.SeedAll(body)
		if err != nil {
			adminError(w, err)
			return
		}
		adminJSON(w, 200, ids)
	case len(segs) == 2 && segs[0] == "records":
		e.adminRecords(w, r, segs[1])
	case len(segs) == 3 && segs[0] == "records":
		e.adminRecord(w, r, segs[1], segs[2])
	case len(segs) == 3 && segs[0] == "leads" && segs[2] == "convert" && r.Method == http.MethodPost:
		contactID, err := e.ConvertLead(segs[1])
		if err != nil {
			adminError(w, err)
			return
		}
		contact, _ := e.Record("Contact", contactID)
		adminJSON(w, 200, map[string]any{"contactId": contactID, "accountId": contact["AccountId"]})
	case route == "GET requests":
		adminJSON(w, 200, e.Requests())
	case route == "GET counters":
		adminJSON(w, 200, map[string]any{"apiCallsUsed": e.APICallsUsed(), "dailyLimit": e.opts.DailyLimit,
			"logins": e.Logins(), "counters": e.Counters()})
	case route == "POST usage":
		var body struct {
			APICallsUsed int `json:"apiCallsUsed"`
		}
		if err := readJSON(r, &body); err != nil {
			adminError(w, err)
			return
		}
		e.SetAPICallsUsed(body.APICallsUsed)
		w.WriteHeader(http.StatusNoContent)
	case route == "GET faults":
		out := map[string]faultJSON{}
		for id, f := range e.Faults() {
			out[strconv.Itoa(id)] = faultToJSON(f)
		}
		adminJSON(w, 200, out)
	case route == "POST faults":
		var fj faultJSON
		if err := readJSON(r, &fj); err != nil {
			adminError(w, err)
			return
		}
		f, err := fj.fault()
		if err != nil {
			adminError(w, err)
			return
		}
		adminJSON(w, 200, map[string]int{"id": e.AddFault(f)})
	case route == "DELETE faults":
		e.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	case len(segs) == 2 && segs[0] == "faults" && r.Method == http.MethodDelete:
		id, err := strconv.Atoi(segs[1])
		if err != nil {
			adminError(w, fmt.Errorf("fault id: %w", err))
			return
		}
		e.RemoveFault(id)
		w.WriteHeader(http.StatusNoContent)
	case route == "POST sessions/expire":
		e.ExpireSessions()
		w.WriteHeader(http.StatusNoContent)
	case route == "POST credentials":
		var body struct {
			Password      string `json:"password"`
			SecurityToken string `json:"securityToken"`
		}
		if err := readJSON(r, &body); err != nil {
			adminError(w, err)
			return
		}
		e.SetCredentials(body.Password, body.SecurityToken)
		w.WriteHeader(http.StatusNoContent)
	case route == "GET soap-login":
		adminJSON(w, 200, map[string]SOAPLoginMode{"mode": e.SOAPLogin()})
	case route == "POST soap-login":
		var body struct {
			Mode string `json:"mode"`
		}
		if err := readJSON(r, &body); err != nil {
			adminError(w, err)
			return
		}
		mode, err := ParseSOAPLoginMode(body.Mode)
		if err != nil {
			adminError(w, err)
			return
		}
		e.SetSOAPLogin(mode)
		w.WriteHeader(http.StatusNoContent)
	case route == "POST objects":
		var def ObjectDef
		if err := readJSON(r, &def); err != nil {
			adminError(w, err)
			return
		}
		if err := e.DefineObject(def); err != nil {
			adminError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case route == "POST fields":
		var def FieldDef
		if err := readJSON(r, &def); err != nil {
			adminError(w, err)
			return
		}
		if err := e.DefineField(def); err != nil {
			adminError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case route == "POST reset":
		e.Reset()
		w.WriteHeader(http.StatusNoContent)
	default:
		adminJSON(w, http.StatusNotFound, map[string]string{"error": "no such admin endpoint: " + route})
	}
}

func (e *Emulator) adminRecords(w http.ResponseWriter, r *http.Request, sobject string) {
	switch r.Method {
	case http.MethodGet:
		rows := e.records(sobject, r.URL.Query().Get("deleted") == "true")
		if rows == nil {
			adminError(w, fmt.Errorf("list %s: %w", sobject, ErrNotFound))
			return
		}
		adminJSON(w, 200, rows)
	case http.MethodPost:
		var body any
		if err := readJSON(r, &body); err != nil {
			adminError(w, err)
			return
		}
		var list []map[string]any
		switch b := body.(type) {
		case map[string]any:
			list = []map[string]any{b}
		case []any:
			for _, item := range b {
				m, ok := item.(map[string]any)
				if !ok {
					adminError(w, errors.New("records must be JSON objects"))
					return
				}
				list = append(list, m)
			}
		default:
			adminError(w, errors.New("body must be a record or an array of records"))
			return
		}
		ids, err := e.SeedAll(map[string][]map[string]any{sobject: list})
		if err != nil {
			adminError(w, err)
			return
		}
		if _, isObject := body.(map[string]any); isObject {
			adminJSON(w, 201, map[string]string{"id": ids[sobject][0]})
			return
		}
		adminJSON(w, 201, map[string][]string{"ids": ids[sobject]})
	default:
		adminJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET or POST"})
	}
}

func (e *Emulator) adminRecord(w http.ResponseWriter, r *http.Request, sobject, id string) {
	switch r.Method {
	case http.MethodGet:
		rec, ok := e.Record(sobject, id)
		if !ok {
			adminError(w, fmt.Errorf("record %s %s: %w", sobject, id, ErrNotFound))
			return
		}
		adminJSON(w, 200, rec)
	case http.MethodPatch:
		var fields map[string]any
		if err := readJSON(r, &fields); err != nil {
			adminError(w, err)
			return
		}
		if err := e.SetFields(sobject, id, fields); err != nil {
			adminError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		adminJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET or PATCH"})
	}
}
