package emulator

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// soapLoginMinVersion and soapLoginMaxVersion bound the versions where login() still answers:
// 30.0 and older are retired, and login() is not available from 65.0.
const (
	soapLoginMinVersion = 31
	soapLoginMaxVersion = 64
)

func soapFault(w http.ResponseWriter, code, message, detail string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>%s</faultcode><faultstring>%s: %s</faultstring>%s</soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
		code, code, html.EscapeString(message), detail)
}

// unsupportedVersion answers login() on a retired API version (≤ 30.0): Salesforce's
// documented 500 UNSUPPORTED_API_VERSION.
func unsupportedVersion(w http.ResponseWriter) {
	msg := "UNSUPPORTED_API_VERSION: Invalid Api version specified on URL"
	detail := `<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>UNSUPPORTED_API_VERSION</sf:exceptionCode><sf:exceptionMessage>` +
		html.EscapeString(msg) + `</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>`
	soapFault(w, "UNSUPPORTED_API_VERSION", msg, detail)
}

// invalidOperation is how a live org refuses login() where it does not offer it: on API
// 65.0 and later, in an org where an admin has not enabled it, and (assumed, as the retired
// call's answer is not documented) after the Summer '27 retirement.
func invalidOperation(w http.ResponseWriter, msg string) {
	detail := `<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>INVALID_OPERATION</sf:exceptionCode><sf:exceptionMessage>` +
		html.EscapeString(msg) + `</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>`
	soapFault(w, "sf:INVALID_OPERATION", msg, detail)
}

// SOAPLoginMode says whether the org still offers SOAP login() on API 31.0–64.0.
type SOAPLoginMode string

const (
	// SOAPLoginAvailable: login() answers as it does in existing orgs today.
	SOAPLoginAvailable SOAPLoginMode = "available"
	// SOAPLoginDisabled: an org created with login() off, as new orgs are; an admin must enable it.
	SOAPLoginDisabled SOAPLoginMode = "disabled"
	// SOAPLoginRetired: the org after the Summer '27 release retired login() on every version.
	SOAPLoginRetired SOAPLoginMode = "retired"
)

// soapLoginRefusal is the fault message of a mode that refuses login(), or "" when it answers.
func soapLoginRefusal(mode SOAPLoginMode) string {
	switch mode {
	case SOAPLoginDisabled:
		return "SOAP API login() is disabled by default in this org. Contact the org administrator to enable SOAP API login()."
	case SOAPLoginRetired:
		return "SOAP API login() has been retired. Use OAuth 2.0 with an External Client App to authenticate."
	}
	return ""
}

// ParseSOAPLoginMode reads a mode name; empty means available.
func ParseSOAPLoginMode(s string) (SOAPLoginMode, error) {
	switch m := SOAPLoginMode(s); m {
	case "", SOAPLoginAvailable:
		return SOAPLoginAvailable, nil
	case SOAPLoginDisabled, SOAPLoginRetired:
		return m, nil
	}
	return "", fmt.Errorf("unknown SOAP login() mode %q: want available, disabled or retired", s)
}

// SetSOAPLogin switches whether login() answers, as an admin or a Salesforce release would.
func (e *Emulator) SetSOAPLogin(mode SOAPLoginMode) {
	e.authMu.Lock()
	e.soapLogin = mode
	e.authMu.Unlock()
}

// SOAPLogin reports the current mode.
func (e *Emulator) SOAPLogin() SOAPLoginMode {
	e.authMu.Lock()
	defer e.authMu.Unlock()
	return e.soapLogin
}

// serveSOAPLogin implements the partner/enterprise login() call.
func (e *Emulator) serveSOAPLogin(w http.ResponseWriter, r *http.Request) {
	e.count(r.Method + " /Soap/u")
	version := strings.Trim(strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/services/Soap/u/"), "/services/Soap/c/"), "/")
	version, _, _ = strings.Cut(version, "/")
	n, err := strconv.Atoi(strings.TrimSuffix(version, ".0"))
	switch {
	case err != nil || !strings.HasSuffix(version, ".0") || n < soapLoginMinVersion:
		unsupportedVersion(w)
		return
	case n > soapLoginMaxVersion:
		invalidOperation(w, "The SOAP Login operation is not available in the API version specified ("+version+"). Refer to the documentation for supported versions.")
		return
	}
	if msg := soapLoginRefusal(e.SOAPLogin()); msg != "" {
		invalidOperation(w, msg)
		return
	}
	username, password := parseLoginEnvelope(r.Body)
	if !e.checkPassword(username, password) {
		msg := "Invalid username, password, security token; or user locked out."
		detail := `<detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>` +
			msg + `</sf:exceptionMessage></sf:LoginFault></detail>`
		soapFault(w, "INVALID_LOGIN", msg, detail)
		return
	}
	token := e.newSession()
	base := e.instanceURL(r)
	org := e.opts.OrgID
	seconds := int(e.opts.SessionIdleTimeout.Seconds())
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>`+
		`<metadataServerUrl>%[1]s/services/Soap/m/%[2]s/%[3]s</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>false</sandbox>`+
		`<serverUrl>%[1]s/services/Soap/u/%[2]s/%[3]s</serverUrl><sessionId>%[4]s</sessionId><userId>%[5]s</userId>`+
		`<userInfo><accessibilityMode>false</accessibilityMode><currencySymbol>$</currencySymbol><orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit><orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode><orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments><orgHasPersonAccounts>false</orgHasPersonAccounts>`+
		`<organizationId>%[3]s</organizationId><organizationMultiCurrency>false</organizationMultiCurrency><organizationName>Emulated Org</organizationName><profileId>00e5g00000EmuPRAAY</profileId><roleId xsi:nil="true"/>`+
		`<sessionSecondsValid>%[6]d</sessionSecondsValid><userDefaultCurrencyIsoCode xsi:nil="true"/><userEmail>%[7]s</userEmail><userFullName>Emulated User</userFullName><userId>%[5]s</userId><userLanguage>en_US</userLanguage><userLocale>en_US</userLocale><userName>%[7]s</userName><userTimeZone>America/Los_Angeles</userTimeZone><userType>Standard</userType><userUiSkin>Theme3</userUiSkin></userInfo>`+
		`</result></loginResponse></soapenv:Body></soapenv:Envelope>`,
		html.EscapeString(base), version, org, token, e.userID, seconds, html.EscapeString(e.opts.Username))
}

// parseLoginEnvelope extracts username and password from a login() envelope, in any namespace.
func parseLoginEnvelope(body io.Reader) (username, password string) {
	dec := xml.NewDecoder(io.LimitReader(body, 1<<20))
	var current string
	for {
		tok, err := dec.Token()
		if err != nil {
			return strings.TrimSpace(username), strings.TrimSpace(password)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			current = t.Name.Local
		case xml.CharData:
			switch current {
			case "username":
				username += string(t)
			case "password":
				password += string(t)
			}
		case xml.EndElement:
			current = ""
		}
	}
}
