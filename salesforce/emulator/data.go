package emulator

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	minVersion = 31
	maxVersion = 68
)

// releaseLabel names the release that shipped API version v (68.0 = Winter '27, three per year).
func releaseLabel(v int) string {
	k := maxVersion - v
	g, rem := k/3, k%3
	switch rem {
	case 0:
		return fmt.Sprintf("Winter '%02d", 27-g)
	case 1:
		return fmt.Sprintf("Summer '%02d", 26-g)
	default:
		return fmt.Sprintf("Spring '%02d", 26-g)
	}
}

// serveVersions answers GET /services/data/: no auth, not counted, no Sforce-Limit-Info.
func (e *Emulator) serveVersions(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeJSON(w, r, http.StatusMethodNotAllowed, methodNotAllowed(r.Method, "GET,HEAD").restBody())
		return
	}
	list := make([]any, 0, maxVersion-minVersion+1)
	for v := minVersion; v <= maxVersion; v++ {
		list = append(list, orderedMap{keys: []string{"label", "url", "version"},
			vals: []any{releaseLabel(v), fmt.Sprintf("/services/data/v%d.0", v), fmt.Sprintf("%d.0", v)}})
	}
	writeJSON(w, r, http.StatusOK, list)
}

func methodNotAllowed(method, allowed string) *apiError {
	return &apiError{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED",
		Message: fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are %s", method, allowed)}
}

// call is one data API request, top-level or a composite subrequest.
type call struct {
	method  string
	version string // "64.0"
	major   int
	segs    []string // unescaped path segments after /services/data/vNN.N/
	query   url.Values
	body    []byte
	header  http.Header
	nested  bool // inside /composite
	x       *tx  // undo log of the enclosing composite, if any
	// allOrNone is the enclosing composite's flag: when set it overrides a collection's own.
	allOrNone bool
}

// result is the answer to a call; a nil body means no content.
type result struct {
	status  int
	headers map[string]string
	body    any
	key     string // counter key such as "POST /sobjects/Lead"
	// rowsFailed marks a collections answer (always 200) in which some record failed.
	rowsFailed bool
}

func errResult(err *apiError) result { return result{status: err.Status, body: err.restBody()} }

func (c *call) base() string { return "/services/data/v" + c.version }

// parseVersion validates the vNN.N path segment.
func parseVersion(seg string) (version string, major int, err *apiError) {
	if !strings.HasPrefix(seg, "v") {
		return "", 0, errNotFound()
	}
	num := seg[1:]
	dot := strings.IndexByte(num, '.')
	if dot < 0 || num[dot+1:] != "0" {
		return "", 0, errNotFound()
	}
	n, convErr := strconv.Atoi(num[:dot])
	if convErr != nil || n <= 0 {
		return "", 0, errNotFound()
	}
	if n < minVersion {
		return "", 0, &apiError{Status: http.StatusGone, Code: "GONE",
			Message: fmt.Sprintf("Version %s is retired and no longer supported.", num)}
	}
	if n > maxVersion {
		return "", 0, errNotFound()
	}
	return num, n, nil
}

// splitPath returns the unescaped segments of an escaped path, so %2F stays inside a segment.
func splitPath(escaped string) []string {
	raw := strings.Split(strings.Trim(escaped, "/"), "/")
	segs := make([]string, 0, len(raw))
	for _, s := range raw {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs = append(segs, s)
	}
	return segs
}

func (e *Emulator) serveData(w http.ResponseWriter, r *http.Request) {
	sleep(r, e.opts.Latency)
	if apiErr := e.authenticate(r); apiErr != nil {
		w.Header().Set("Sforce-Limit-Info", e.limitInfo())
		writeJSON(w, r, apiErr.Status, apiErr.restBody())
		return
	}
	used, ok := e.charge()
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", used, e.opts.DailyLimit))
	if !ok {
		writeJSON(w, r, http.StatusForbidden, errLimitExceeded().restBody())
		return
	}
	segs := splitPath(r.URL.EscapedPath())[2:] // drop "services", "data"
	version, major, apiErr := parseVersion(segs[0])
	if apiErr != nil {
		e.count(r.Method + " /unknown")
		writeJSON(w, r, apiErr.Status, apiErr.restBody())
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSON(w, r, http.StatusBadRequest, errJSON("could not read request body").restBody())
		return
	}
	c := &call{method: r.Method, version: version, major: major, segs: segs[1:], query: r.URL.Query(),
		body: body, header: r.Header}
	if c.method == http.MethodPost {
		if m := c.query.Get("_HttpMethod"); m != "" {
			c.method = strings.ToUpper(m)
		}
	}
	res := e.run(c)
	e.count(res.key)
	for k, v := range res.headers {
		w.Header().Set(k, v)
	}
	writeJSON(w, r, res.status, res.body)
}

// run executes a top-level call under the appropriate lock.
func (e *Emulator) run(c *call) result {
	if c.method == http.MethodGet || c.method == http.MethodHead {
		e.mu.RLock()
		defer e.mu.RUnlock()
	} else {
		e.mu.Lock()
		defer e.mu.Unlock()
	}
	return e.dispatch(c)
}

// dispatch routes a call. The caller holds e.mu (exclusively for anything that writes).
func (e *Emulator) dispatch(c *call) result {
	segs := c.segs
	if n := len(segs); n > 0 && segs[n-1] == "" {
		segs = segs[:n-1]
	}
	if len(segs) == 0 {
		return e.resources(c)
	}
	res := e.route(c, segs)
	if res.key == "" {
		res.key = c.method + " /" + segs[0]
	}
	return res
}

func (e *Emulator) route(c *call, segs []string) result {
	switch segs[0] {
	case "limits":
		if len(segs) == 1 && c.method == http.MethodGet {
			return e.limits()
		}
	case "sobjects":
		return e.routeSObjects(c, segs[1:])
	case "query", "queryAll":
		if len(segs) <= 2 && c.method == http.MethodGet {
			return e.query(c, segs[0] == "queryAll", segs[1:])
		}
	case "parameterizedSearch":
		if len(segs) == 1 && c.method == http.MethodGet {
			return e.parameterizedSearch(c)
		}
	case "composite":
		return e.routeComposite(c, segs[1:])
	}
	return errResult(errNotFound())
}

func (e *Emulator) routeSObjects(c *call, segs []string) result {
	if len(segs) == 0 {
		if c.method != http.MethodGet {
			return errResult(methodNotAllowed(c.method, "GET,HEAD"))
		}
		return e.describeGlobal(c)
	}
	t := e.table(segs[0])
	if t == nil {
		return errResult(errNotFound())
	}
	key := "/sobjects/" + t.def.Name
	res := e.routeTable(c, t, segs[1:])
	if res.key == "" {
		res.key = c.method + " " + key
	}
	return res
}

func (e *Emulator) routeTable(c *call, t *table, segs []string) result {
	switch {
	case len(segs) == 0:
		switch c.method {
		case http.MethodGet, http.MethodHead:
			return e.basicInfo(c, t)
		case http.MethodPost:
			return e.create(c, t)
		}
		return errResult(methodNotAllowed(c.method, "GET,HEAD,POST"))
	case len(segs) == 1 && segs[0] == "describe":
		if c.method != http.MethodGet && c.method != http.MethodHead {
			return errResult(methodNotAllowed(c.method, "GET,HEAD"))
		}
		res := e.describe(c, t)
		res.key = c.method + " /sobjects/" + t.def.Name + "/describe"
		return res
	case len(segs) == 1 && c.method == http.MethodPost && strings.EqualFold(segs[0], "Id"):
		return e.create(c, t)
	case len(segs) == 1:
		r, ok := t.findByID(segs[0])
		if !ok {
			return errResult(errBadExternalField(segs[0]))
		}
		return e.byID(c, t, r)
	default:
		res := e.byExternalID(c, t, segs[0], strings.Join(segs[1:], "/"))
		if f := t.def.field(segs[0]); f != nil {
			res.key = c.method + " /sobjects/" + t.def.Name + "/" + f.Name
		}
		return res
	}
}

func (e *Emulator) resources(c *call) result {
	if c.method != http.MethodGet && c.method != http.MethodHead {
		return result{status: 405, body: methodNotAllowed(c.method, "GET,HEAD").restBody(), key: c.method + " /"}
	}
	m := orderedMap{}
	for _, name := range []string{"tooling", "metadata", "eclair", "folders", "prechatForms", "contact-tracing",
		"chatter", "tabs", "appMenu", "quickActions", "queryAll", "commerce", "wave", "iot", "analytics",
		"search", "identity", "composite", "parameterizedSearch", "fingerprint", "theme", "nouns",
		"domino", "event", "serviceTemplates", "recent", "connect", "licensing", "limits", "process",
		"async-queries", "query", "match", "emailConnect", "compactLayouts", "knowledgeManagement",
		"sobjects", "actions", "support", "jobs"} {
		m.set(name, c.base()+"/"+name)
	}
	m.set("jobs", c.base()+"/jobs/ingest")
	return result{status: 200, body: m, key: c.method + " /"}
}

func (e *Emulator) limits() result {
	e.statMu.Lock()
	used, max := e.used, e.opts.DailyLimit
	e.statMu.Unlock()
	pair := func(max, remaining int) orderedMap {
		return orderedMap{keys: []string{"Max", "Remaining"}, vals: []any{max, remaining}}
	}
	m := orderedMap{}
	m.set("ConcurrentAsyncGetReportInstances", pair(200, 200))
	m.set("DailyApiRequests", pair(max, max-used))
	m.set("DailyAsyncApexExecutions", pair(250000, 250000))
	m.set("DailyBulkApiBatches", pair(15000, 15000))
	m.set("DailyBulkV2QueryFileStorageMB", pair(976562, 976562))
	m.set("DailyBulkV2QueryJobs", pair(10000, 10000))
	m.set("DataStorageMB", pair(5, 5))
	m.set("FileStorageMB", pair(20, 20))
	m.set("SingleEmail", pair(15, 15))
	return result{status: 200, body: m}
}
