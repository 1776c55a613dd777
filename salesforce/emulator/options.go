package emulator

import (
	"crypto/rsa"
	"time"
)

// Options configure an Emulator. The zero value gives a Developer Edition org with the
// credentials dev@example.com / password / token.
type Options struct {
	Username, Password, SecurityToken string
	ClientID, ClientSecret            string
	JWTPublicKey                      *rsa.PublicKey
	OrgID                             string        // default a valid 00D id
	DailyLimit                        int           // default 15000
	Latency                           time.Duration // added to every data call
	SessionIdleTimeout                time.Duration // default 2h
	SearchIndexLag                    time.Duration
	InstanceURL                       string        // default: scheme://host of the request
	LoginHostOnly                     bool          // behave as login.salesforce.com (client_credentials refused)
	SOAPLogin                         SOAPLoginMode // default available; disabled or retired refuse login()
	CustomObjects                     []ObjectDef
	CustomFields                      []FieldDef

	// Now replaces the wall clock (session idle timeout, search index lag, audit fields).
	Now func() time.Time
	// RequestLogSize bounds the request log ring buffer; default 1000.
	RequestLogSize int
}

// ObjectDef declares a custom object. Name must end in __c; KeyPrefix defaults to a0A, a0B, ...
type ObjectDef struct {
	Name, Label, KeyPrefix string
	Required               []string
}

// FieldDef declares a custom field. Name must end in __c. Type is one of string (default), email,
// phone, url, textarea, picklist, boolean, double, int, currency, percent, date, datetime, reference.
type FieldDef struct {
	Object, Name, Type string
	Length             int
	ExternalID, Unique bool
}

const (
	defaultUsername      = "dev@example.com"
	defaultPassword      = "password"
	defaultSecurityToken = "token"
	defaultDailyLimit    = 15000
	defaultIdleTimeout   = 2 * time.Hour
	defaultLogSize       = 1000
)

func (o Options) withDefaults() Options {
	if o.Username == "" {
		o.Username = defaultUsername
	}
	if o.Password == "" {
		o.Password = defaultPassword
	}
	if o.SecurityToken == "" {
		o.SecurityToken = defaultSecurityToken
	}
	if o.OrgID == "" {
		o.OrgID = To18("00D5g00000EmuLT")
	}
	o.OrgID = To18(o.OrgID)
	if o.DailyLimit <= 0 {
		o.DailyLimit = defaultDailyLimit
	}
	if o.SessionIdleTimeout <= 0 {
		o.SessionIdleTimeout = defaultIdleTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SOAPLogin == "" {
		o.SOAPLogin = SOAPLoginAvailable
	}
	if o.RequestLogSize <= 0 {
		o.RequestLogSize = defaultLogSize
	}
	return o
}
