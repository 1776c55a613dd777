package salesforce

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// DefaultAllowedLoginHosts are Salesforce's own login and instance domains:
//   - login.salesforce.com and test.salesforce.com, the generic production and sandbox logins;
//   - *.my.salesforce.com, every My Domain host, also the partitioned ones such as
//     name--sbx.sandbox.my.salesforce.com, name.develop.my.salesforce.com or
//     name.scratch.my.salesforce.com;
//   - *.salesforce.com, the instanced hosts (usa77.salesforce.com, cs42.salesforce.com) that
//     orgs without enhanced domains still get as instance_url;
//   - *.my.salesforce.mil, My Domain hosts of Government Cloud Plus – Defense;
//   - *.sfcrmproducts.cn, the domain of Salesforce on Alibaba Cloud in mainland China.
//
// Experience Cloud and Visualforce domains (*.force.com, *.site.com) are left out: they serve
// pages an org's admin writes, not the login or the data API.
const DefaultAllowedLoginHosts = "login.salesforce.com,test.salesforce.com,*.my.salesforce.com,*.salesforce.com,*.my.salesforce.mil,*.sfcrmproducts.cn"

// HostPolicy says which hosts may receive credentials and sessions. A pattern is a host name
// ("login.salesforce.com"), a wildcard covering every subdomain ("*.my.salesforce.com"), or
// either with "http://" in front, which also allows plain http; that is accepted only for
// loopback hosts. Loopback hosts and IP addresses match only when a pattern names them
// exactly. Ports are not part of a pattern.
type HostPolicy struct {
	patterns []hostPattern
	source   string
}

type hostPattern struct {
	host      string // lower case; for a wildcard, the suffix with its leading dot
	wildcard  bool
	plainHTTP bool
}

// ParseHostPolicy reads a comma-separated list of patterns.
func ParseHostPolicy(list string) (*HostPolicy, error) {
	p := &HostPolicy{}
	var kept []string
	for _, raw := range strings.Split(list, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		hp, err := parseHostPattern(raw)
		if err != nil {
			return nil, err
		}
		p.patterns = append(p.patterns, hp)
		kept = append(kept, raw)
	}
	if len(p.patterns) == 0 {
		return nil, errors.New("allowed login hosts: the list is empty")
	}
	p.source = strings.Join(kept, ",")
	return p, nil
}

// DefaultHostPolicy allows DefaultAllowedLoginHosts.
func DefaultHostPolicy() *HostPolicy {
	p, err := ParseHostPolicy(DefaultAllowedLoginHosts)
	if err != nil {
		panic(err)
	}
	return p
}

func parseHostPattern(raw string) (hostPattern, error) {
	var hp hostPattern
	host := strings.ToLower(raw)
	if rest, ok := strings.CutPrefix(host, "http://"); ok {
		hp.plainHTTP, host = true, rest
	} else if rest, ok := strings.CutPrefix(host, "https://"); ok {
		host = rest
	}
	if rest, ok := strings.CutPrefix(host, "*."); ok {
		hp.wildcard, host = true, rest
	}
	if host == "" || strings.ContainsAny(host, "*/:@?# ") && net.ParseIP(strings.Trim(host, "[]")) == nil {
		return hp, fmt.Errorf("allowed login hosts: invalid pattern %q: want host, *.domain or http://loopback-host", raw)
	}
	host = strings.Trim(host, "[]")
	if hp.wildcard && (!strings.Contains(host, ".") || net.ParseIP(host) != nil) {
		return hp, fmt.Errorf("allowed login hosts: wildcard %q must cover a domain with at least two labels", raw)
	}
	if hp.plainHTTP && (hp.wildcard || !isLoopback(host)) {
		return hp, fmt.Errorf("allowed login hosts: %q: plain http is allowed only for a loopback host named exactly", raw)
	}
	if hp.wildcard {
		host = "." + host
	}
	hp.host = host
	return hp, nil
}

func (hp hostPattern) matches(host string) bool {
	if !hp.wildcard {
		return host == hp.host
	}
	// IP literals and loopback names never match a wildcard.
	return strings.HasSuffix(host, hp.host) && len(host) > len(hp.host) &&
		net.ParseIP(host) == nil && !isLoopback(host)
}

// String is the list the policy was parsed from.
func (p *HostPolicy) String() string { return p.source }

// Check reports a *HostNotAllowedError unless the URL's scheme and host are allowed.
func (p *HostPolicy) Check(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return &HostNotAllowedError{Host: "(invalid URL)", Allowed: p.source}
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	for _, hp := range p.patterns {
		if hp.matches(host) && (u.Scheme == "https" || u.Scheme == "http" && hp.plainHTTP) {
			return nil
		}
	}
	return &HostNotAllowedError{Host: host, Scheme: u.Scheme, Allowed: p.source}
}

// HostNotAllowedError is a URL the policy refuses. Nothing was sent to it.
type HostNotAllowedError struct {
	Host, Scheme string
	Allowed      string
	// What names the URL: "login URL" or "instance URL".
	What string
}

func (e *HostNotAllowedError) Error() string {
	what := e.What
	if what == "" {
		what = "URL"
	}
	scheme := ""
	if e.Scheme == "http" {
		scheme = " over plain http"
	}
	return fmt.Sprintf("%s host %q%s is not allowed by --allowed-login-hosts (%s); nothing was sent to it", what, e.Host, scheme, e.Allowed)
}

// IsHostNotAllowed reports whether err is a refusal of the host policy.
func IsHostNotAllowed(err error) bool {
	var e *HostNotAllowedError
	return errors.As(err, &e)
}

func (p *HostPolicy) check(raw, what string) error {
	err := p.Check(raw)
	var e *HostNotAllowedError
	if errors.As(err, &e) {
		e.What = what
	}
	return err
}
