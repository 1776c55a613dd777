package emulator

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// Fault scripts a misbehaviour for requests whose method and path match.
type Fault struct {
	Method, PathContains string // empty matches all
	Status               int
	Body                 string
	ContentType          string        // the answer to give
	Times                int           // how many matching calls get it (0 = unlimited until cleared)
	Rate                 float64       // probability per matching call (0 = always while Times lasts)
	Latency              time.Duration // extra delay for matching calls
	Hang                 bool          // block until the client's request context ends
	Drop                 bool          // close the connection without an answer
}

type faultRule struct {
	id        int
	f         Fault
	remaining int
}

func (r *faultRule) matches(req *http.Request) bool {
	if r.f.Method != "" && !strings.EqualFold(r.f.Method, req.Method) {
		return false
	}
	return r.f.PathContains == "" || strings.Contains(req.URL.RequestURI(), r.f.PathContains)
}

// Canned answers for the faults clients must survive.
const (
	BodyServerUnavailable = `[{"message":"Server unavailable due to scheduled maintenance","errorCode":"SERVER_UNAVAILABLE"}]`
	BodyBadGatewayHTML    = `<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>`
	BodyUnknownException  = `[{"message":"An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-123456789)","errorCode":"UNKNOWN_EXCEPTION"}]`
	BodyUnableToLockRow   = `[{"message":"unable to obtain exclusive access to this record or 1 records: 00Q5g00000EmuLK","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]`
	BodyRequestLimit      = `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`
)

// DuplicatesDetectedBody renders the DUPLICATES_DETECTED answer, with Salesforce's misspelt
// "duplicateResut" key, matching the given record of sobject.
func DuplicatesDetectedBody(sobject, matchID string, allowSave bool) string {
	save := "false"
	if allowSave {
		save = "true"
	}
	url := "/services/data/v64.0/sobjects/" + sobject + "/" + matchID
	return `[{"duplicateResut":{"allowSave":` + save + `,"duplicateRule":"Standard_` + sobject + `_Duplicate_Rule",` +
		`"duplicateRuleEntityType":"` + sobject + `","errorMessage":"Use one of these records?","matchResults":[{` +
		`"entityType":"` + sobject + `","errors":[],"matchEngine":"FuzzyMatchEngine","matchRecords":[{` +
		`"additionalInformation":[],"fieldDiffs":[],"matchConfidence":100.0,"record":{"attributes":{"type":"` +
		sobject + `","url":"` + url + `"},"Id":"` + matchID + `"}}],"rule":"Standard_` + sobject +
		`_Match_Rule_v1_0","size":1,"success":true}]},"errorCode":"DUPLICATES_DETECTED","message":"Use one of these records?"}]`
}

// Preset returns a ready-made fault by name: SERVER_UNAVAILABLE (503 JSON), BAD_GATEWAY (502 HTML),
// UNKNOWN_EXCEPTION (500), UNABLE_TO_LOCK_ROW (400), REQUEST_LIMIT_EXCEEDED (403),
// DUPLICATES_DETECTED (400, Lead match), HANG or DROP.
func Preset(name string) (Fault, bool) {
	switch strings.ToUpper(name) {
	case "SERVER_UNAVAILABLE":
		return Fault{Status: 503, Body: BodyServerUnavailable}, true
	case "BAD_GATEWAY":
		return Fault{Status: 502, Body: BodyBadGatewayHTML, ContentType: "text/html"}, true
	case "UNKNOWN_EXCEPTION":
		return Fault{Status: 500, Body: BodyUnknownException}, true
	case "UNABLE_TO_LOCK_ROW":
		return Fault{Status: 400, Body: BodyUnableToLockRow}, true
	case "REQUEST_LIMIT_EXCEEDED":
		return Fault{Status: 403, Body: BodyRequestLimit}, true
	case "DUPLICATES_DETECTED":
		return Fault{Status: 400, Body: DuplicatesDetectedBody("Lead", "00Q5g00000EmuDPAAY", true)}, true
	case "HANG":
		return Fault{Hang: true}, true
	case "DROP":
		return Fault{Drop: true}, true
	}
	return Fault{}, false
}

// AddFault installs a fault rule and returns its id (see RemoveFault).
func (e *Emulator) AddFault(f Fault) (id int) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	e.nextFaultID++
	e.faults = append(e.faults, &faultRule{id: e.nextFaultID, f: f, remaining: f.Times})
	return e.nextFaultID
}

// RemoveFault removes one fault rule.
func (e *Emulator) RemoveFault(id int) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	for i, r := range e.faults {
		if r.id == id {
			e.faults = append(e.faults[:i], e.faults[i+1:]...)
			return
		}
	}
}

// ClearFaults removes every fault rule.
func (e *Emulator) ClearFaults() {
	e.faultMu.Lock()
	e.faults = nil
	e.faultMu.Unlock()
}

// Faults lists the installed rules with their remaining Times.
func (e *Emulator) Faults() map[int]Fault {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	out := make(map[int]Fault, len(e.faults))
	for _, r := range e.faults {
		f := r.f
		f.Times = r.remaining
		out[r.id] = f
	}
	return out
}

// pickFault selects the first answering rule for req and sums the latency of every matching rule.
func (e *Emulator) pickFault(req *http.Request) (answer *Fault, delay time.Duration) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	kept := e.faults[:0]
	for _, r := range e.faults {
		if r.matches(req) && (r.f.Rate <= 0 || e.rnd.Float64() < r.f.Rate) {
			acts := r.f.Status != 0 || r.f.Hang || r.f.Drop
			if !acts || answer == nil {
				delay += r.f.Latency
				if acts {
					f := r.f
					answer = &f
				}
				if r.f.Times > 0 {
					r.remaining--
					if r.remaining <= 0 {
						continue
					}
				}
			}
		}
		kept = append(kept, r)
	}
	e.faults = kept
	return answer, delay
}

// applyFaults injects a matching fault; it reports whether the request has been answered.
func (e *Emulator) applyFaults(w http.ResponseWriter, r *http.Request) bool {
	f, delay := e.pickFault(r)
	sleep(r, delay)
	if f == nil {
		return false
	}
	switch {
	case f.Hang:
		// The server notices a client that gives up only once the request body has been
		// read; without this a hung POST would outlive its client and block shutdown.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
		return true
	case f.Drop:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
			return true
		}
		panic(http.ErrAbortHandler)
	}
	ct := f.ContentType
	if ct == "" {
		ct = "text/html;charset=UTF-8"
		if t := strings.TrimSpace(f.Body); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
			ct = jsonContentType
		}
	}
	if strings.HasPrefix(r.URL.Path, "/services/data/") {
		w.Header().Set("Sforce-Limit-Info", e.limitInfo())
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return true
}
