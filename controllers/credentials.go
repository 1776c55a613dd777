package controllers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// Keys of the credentials Secret (api-contract.md).
const (
	keyUsername      = "username"
	keyPassword      = "password"
	keySecurityToken = "securityToken"
	keyClientID      = "clientId"
	keyClientSecret  = "clientSecret"
	keyPrivateKey    = "privateKey"
)

// missingKeysError names the Secret keys a login needs but does not have. It never carries
// values.
type missingKeysError struct {
	secret string
	keys   []string
}

func (e *missingKeysError) Error() string {
	return fmt.Sprintf("Secret %q has no value for %s", e.secret, quoteList(e.keys))
}

// credentialsFromSecret picks the login flow from the keys present, the way the API contract
// describes it, and reports every missing or empty key at once.
func credentialsFromSecret(secret *corev1.Secret) (salesforce.Credentials, error) {
	val := func(k string) string { return strings.TrimSpace(string(secret.Data[k])) }
	has := func(k string) bool { return val(k) != "" }
	creds := salesforce.Credentials{
		Username:      val(keyUsername),
		Password:      string(secret.Data[keyPassword]),
		SecurityToken: val(keySecurityToken),
		ClientID:      val(keyClientID),
		ClientSecret:  string(secret.Data[keyClientSecret]),
		PrivateKeyPEM: secret.Data[keyPrivateKey],
	}
	var required []string
	switch {
	case has(keyClientID) && has(keyPrivateKey):
		required = []string{keyUsername}
	case has(keyClientID) && has(keyClientSecret) && len(secret.Data[keyPassword]) > 0:
		// OAuth username-password. A connected app may relax IP restrictions, so the token is
		// optional here.
		required = []string{keyUsername}
	case has(keyClientID) && has(keyClientSecret):
		// Client credentials: the app's run-as user logs in; a username left in place from
		// an earlier flow is not sent, so moving to it is adding two keys and removing one.
	case has(keyClientID):
		required = []string{keyClientSecret}
	default:
		// The seed's three settings: username, password and security token.
		required = []string{keyUsername, keyPassword, keySecurityToken}
	}
	var missing []string
	for _, k := range required {
		if len(secret.Data[k]) == 0 || (k != keyPassword && !has(k)) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return salesforce.Credentials{}, &missingKeysError{secret: secret.Name, keys: missing}
	}
	return creds, nil
}

// loginKey names what a client's login depends on in the destination's spec. Other settings
// (drift interval, budget, mapping) change without a new login.
func loginKey(dest *sfv1.SalesforceDestination) string {
	return fmt.Sprintf("%s\x00%s\x00%t\x00%s", dest.UID, dest.Spec.LoginURL, dest.Spec.Sandbox, dest.Spec.APIVersion)
}

// secretFingerprint hashes the login settings and the Secret's data, so a rotation or a new
// login URL rebuilds the client; the hash is kept in memory only.
func secretFingerprint(dest *sfv1.SalesforceDestination, secret *corev1.Secret) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", loginKey(dest))
	keys := make([]string, 0, len(secret.Data))
	for k := range secret.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s\x00%d\x00", k, len(secret.Data[k]))
		h.Write(secret.Data[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// insecureLoginURL reports a plain-http login URL to a host that is not loopback: credentials
// would cross the network in clear text.
func insecureLoginURL(raw string) bool {
	if raw == "" {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
