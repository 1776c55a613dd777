package salesforce

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
)

const (
	// DefaultAPIVersion is the REST API version used when Config.APIVersion is empty.
	DefaultAPIVersion = "68.0"
	// soapLoginVersion is the last API version that still offers SOAP login().
	soapLoginVersion = "64.0"

	ProductionLoginURL = "https://login.salesforce.com"
	SandboxLoginURL    = "https://test.salesforce.com"

	// callOptions tags every request so the org's event logs show who sent it.
	callOptions = "client=salesforce-controller"
)

// LoginURL picks the login base: loginURL wins, then sandbox, then production.
func LoginURL(sandbox bool, loginURL string) string {
	switch {
	case strings.TrimSpace(loginURL) != "":
		return strings.TrimRight(strings.TrimSpace(loginURL), "/")
	case sandbox:
		return SandboxLoginURL
	default:
		return ProductionLoginURL
	}
}

// Observer receives one call per HTTP exchange, for metrics.
type Observer interface {
	ObserveRequest(operation string, statusCode int, err error, elapsed time.Duration)
}

// Config describes one org connection.
type Config struct {
	// LoginURL is the base URL of the login host (production, sandbox or My
	// Domain). Plain http is accepted only for loopback hosts, for tests.
	LoginURL    string
	APIVersion  string // "68.0" form; default DefaultAPIVersion
	Credentials Credentials
	HTTPClient  *http.Client // default: NewHTTPClient()
	UserAgent   string       // default "salesforce-controller/<version>"
	Observer    Observer
	// AllowedHosts are the hosts the client may send credentials and sessions to: the login
	// URL, and the instance URL a login answers with. Default DefaultHostPolicy().
	AllowedHosts *HostPolicy
	// MaxDataBytes caps a data answer; default DefaultMaxDataBytes. Logins and errors have
	// their own, smaller caps.
	MaxDataBytes int64
	// LoginWait is how long a call that needs a session waits for a login under way before
	// it fails with CodeLoginInProgress; default DefaultLoginWait. Login waits to the end.
	LoginWait time.Duration
	// Calls, when set, bounds the exchanges in flight across all clients sharing it.
	Calls *CallLimit
}

var apiVersionPattern = regexp.MustCompile(`^[1-9][0-9]{1,2}\.0$`)

// DefaultLoginWait is Config.LoginWait's default: a healthy login takes well under a second.
const DefaultLoginWait = 10 * time.Second

// defaultTimeout bounds one HTTP exchange. It is longer than a typical call
// because a Composite request carrying 1,000 records can run for a while.
const defaultTimeout = 60 * time.Second

// NewHTTPClient returns the HTTP client used when Config.HTTPClient is nil:
// bounded timeouts and connection reuse suited to many goroutines talking to one host.
func NewHTTPClient() *http.Client {
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: defaultTimeout,
	}
	return &http.Client{Timeout: defaultTimeout, Transport: transport, CheckRedirect: refuseRedirects}
}

// refuseRedirects hands a redirect back to the caller as it came. Salesforce's REST API does
// not redirect, and following one would turn a POST or PATCH into a GET that reports success
// for a write that never happened.
func refuseRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func defaultUserAgent() string {
	version := "dev"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	return "salesforce-controller/" + version
}

// checkBaseURL accepts https URLs, and http only for loopback hosts: a token
// or password must never cross the network in clear text.
func checkBaseURL(raw, what string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the raw URL, which may hold a password.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return "", fmt.Errorf("invalid %s: %w", what, err)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid %s %q: want scheme://host with no credentials, query or fragment", what, u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("invalid %s %q: plain http is allowed only for loopback hosts", what, u.Redacted())
		}
	default:
		return "", fmt.Errorf("invalid %s %q: scheme must be https", what, u.Redacted())
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
