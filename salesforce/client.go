package salesforce

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Client talks to one Salesforce org. It is safe for concurrent use; all
// goroutines share one session.
type Client struct {
	loginURL   string
	apiVersion string
	creds      Credentials
	flow       Flow
	privateKey *rsa.PrivateKey
	httpClient *http.Client
	userAgent  string
	observer   Observer
	hosts      *HostPolicy
	maxData    int64
	calls      *CallLimit
	loginWait  time.Duration

	logins singleflight.Group

	mu      sync.RWMutex
	current *session
	usage   apiUsage
	// assertion is the last JWT assertion sent, scrubbed from what servers echo.
	assertion string

	describeMu sync.Mutex
	described  map[string]map[string]DescribedField // lower-case object → lower-case field
	describes  singleflight.Group                   // describes under way, by lower-case object
}

type apiUsage struct {
	used, max int
	ok        bool
}

// New validates cfg and returns a client. It does not contact Salesforce; the
// first call (or Login) logs in.
func New(cfg Config) (*Client, error) {
	flow, err := cfg.Credentials.Flow()
	if err != nil {
		return nil, err
	}
	loginURL, err := checkBaseURL(LoginURL(false, cfg.LoginURL), "login URL")
	if err != nil {
		return nil, err
	}
	hosts := cfg.AllowedHosts
	if hosts == nil {
		hosts = DefaultHostPolicy()
	}
	if err := hosts.check(loginURL, "login URL"); err != nil {
		return nil, err
	}
	version := cfg.APIVersion
	if version == "" {
		version = DefaultAPIVersion
	}
	if !apiVersionPattern.MatchString(version) {
		return nil, fmt.Errorf("invalid api version %q: want a form like %q", version, DefaultAPIVersion)
	}
	c := &Client{
		loginURL:   loginURL,
		apiVersion: version,
		creds:      cfg.Credentials,
		flow:       flow,
		httpClient: cfg.HTTPClient,
		userAgent:  cfg.UserAgent,
		observer:   cfg.Observer,
		hosts:      hosts,
		maxData:    cfg.MaxDataBytes,
		calls:      cfg.Calls,
		loginWait:  cfg.LoginWait,
	}
	if c.loginWait <= 0 {
		c.loginWait = DefaultLoginWait
	}
	if c.maxData <= 0 {
		c.maxData = DefaultMaxDataBytes
	}
	if c.httpClient == nil {
		c.httpClient = NewHTTPClient()
	}
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent()
	}
	if flow == FlowJWTBearer {
		if c.privateKey, err = parsePrivateKey(cfg.Credentials.PrivateKeyPEM); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Flow returns the login flow the client uses.
func (c *Client) Flow() Flow { return c.flow }

// APIVersion returns the REST API version of data calls, e.g. "68.0".
func (c *Client) APIVersion() string { return c.apiVersion }

// InstanceURL returns the instance of the current session, or "" before the first login.
func (c *Client) InstanceURL() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.current == nil {
		return ""
	}
	return c.current.instanceURL
}

// APIUsage returns the org's rolling 24-hour API usage from the last
// Sforce-Limit-Info header seen; ok is false until one has been seen.
func (c *Client) APIUsage() (used, max int, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.usage.used, c.usage.max, c.usage.ok
}

func (c *Client) recordUsage(header string) {
	used, max, ok := parseLimitInfo(header)
	if !ok {
		return
	}
	c.mu.Lock()
	c.usage = apiUsage{used: used, max: max, ok: true}
	c.mu.Unlock()
}
