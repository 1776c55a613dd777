package salesforce

import (
	"fmt"
	"strings"
)

// Credentials hold everything a login flow may need. Which flow runs is decided
// by which fields are set; see Flow.
type Credentials struct {
	Username, Password, SecurityToken string
	ClientID, ClientSecret            string
	PrivateKeyPEM                     []byte // JWT bearer flow (PKCS#1 or PKCS#8 RSA)
}

// Flow names a login flow.
type Flow string

const (
	FlowSOAPLogin         Flow = "soap-login"
	FlowOAuthPassword     Flow = "oauth-password"
	FlowJWTBearer         Flow = "jwt-bearer"
	FlowClientCredentials Flow = "client-credentials"
)

// Flow chooses the login flow from the credentials present:
//   - ClientID and PrivateKeyPEM: JWT bearer (Username names the user);
//   - ClientID, ClientSecret, Username and Password: OAuth username-password;
//   - ClientID and ClientSecret without Password: client credentials (My Domain only). A
//     Username left in place is not sent: the app's run-as user is who logs in, so moving off
//     a password flow is adding the client keys and removing the password;
//   - Username and Password alone (SecurityToken optional): SOAP login().
//
// The error names the missing keys, using the Secret key names, never values.
func (c Credentials) Flow() (Flow, error) {
	has := func(s string) bool { return s != "" }
	switch {
	case has(c.ClientID) && len(c.PrivateKeyPEM) > 0:
		if !has(c.Username) {
			return "", missing("username")
		}
		return FlowJWTBearer, nil
	case has(c.ClientID) && has(c.ClientSecret):
		if !has(c.Password) {
			return FlowClientCredentials, nil
		}
		if !has(c.Username) {
			return "", missing("username")
		}
		return FlowOAuthPassword, nil
	case has(c.ClientID):
		return "", missing("clientSecret or privateKey")
	case has(c.ClientSecret) || len(c.PrivateKeyPEM) > 0:
		return "", missing("clientId")
	}
	var absent []string
	if !has(c.Username) {
		absent = append(absent, "username")
	}
	if !has(c.Password) {
		absent = append(absent, "password")
	}
	if len(absent) > 0 {
		return "", missing(absent...)
	}
	return FlowSOAPLogin, nil
}

// Deprecated reports a flow Salesforce is retiring: SOAP login() ends with the Summer '27
// release, and the OAuth username-password flow is blocked by default in orgs created since
// Summer '23 and not offered to External Client Apps. JWT bearer and client credentials stay.
func (f Flow) Deprecated() bool { return f == FlowSOAPLogin || f == FlowOAuthPassword }

func missing(keys ...string) error {
	return fmt.Errorf("incomplete salesforce credentials: missing %s", strings.Join(keys, ", "))
}

// String keeps secrets out of logs and error messages that format a Credentials value.
func (c Credentials) String() string {
	set := func(s string) string {
		if s == "" {
			return "unset"
		}
		return "set"
	}
	key := "unset"
	if len(c.PrivateKeyPEM) > 0 {
		key = "set"
	}
	return fmt.Sprintf("Credentials{Username:%q Password:%s SecurityToken:%s ClientID:%s ClientSecret:%s PrivateKeyPEM:%s}",
		c.Username, set(c.Password), set(c.SecurityToken), set(c.ClientID), set(c.ClientSecret), key)
}

// GoString does the same for %#v.
func (c Credentials) GoString() string { return c.String() }
