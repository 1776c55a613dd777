package salesforce

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// soapEnvelope is the partner-WSDL login() request. Username and password are
// XML-escaped where they are inserted.
const soapEnvelope = `<?xml version="1.0" encoding="utf-8"?>
<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">
<env:Header><urn:CallOptions><urn:client>salesforce-controller</urn:client></urn:CallOptions></env:Header>
<env:Body><urn:login><urn:username>%s</urn:username><urn:password>%s</urn:password></urn:login></env:Body>
</env:Envelope>`

type soapResponse struct {
	Body struct {
		LoginResponse *struct {
			Result struct {
				ServerURL       string `xml:"serverUrl"`
				SessionID       string `xml:"sessionId"`
				PasswordExpired bool   `xml:"passwordExpired"`
			} `xml:"result"`
		} `xml:"loginResponse"`
		Fault *struct {
			Code   string `xml:"faultcode"`
			String string `xml:"faultstring"`
			Detail struct {
				Inner struct {
					Code    string `xml:"exceptionCode"`
					Message string `xml:"exceptionMessage"`
				} `xml:",any"`
			} `xml:"detail"`
		} `xml:"Fault"`
	} `xml:"Body"`
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// soapLogin calls login() on the last API version that has it. The session id
// it returns is a bearer token for REST calls on the serverUrl host.
func (c *Client) soapLogin(ctx context.Context) (*session, error) {
	const op = "login"
	envelope := fmt.Sprintf(soapEnvelope, xmlEscape(c.creds.Username), xmlEscape(c.creds.Password+c.creds.SecurityToken))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.loginURL+"/services/Soap/u/"+soapLoginVersion, bytes.NewReader([]byte(envelope)))
	if err != nil {
		return nil, fmt.Errorf("salesforce %s: cannot build request: %w", op, err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=UTF-8")
	req.Header.Set("SOAPAction", "login")
	resp, err := c.exchange(req, op)
	if err != nil {
		return nil, err
	}
	var parsed soapResponse
	if err := xml.Unmarshal(resp.body, &parsed); err != nil {
		if resp.status >= 300 {
			return nil, parseError(resp.status, op, resp.body)
		}
		return nil, unexpected(resp.status, op, resp.body)
	}
	if f := parsed.Body.Fault; f != nil {
		code := f.Detail.Inner.Code
		if code == "" {
			code = f.Code
		}
		if i := strings.LastIndex(code, ":"); i >= 0 {
			code = code[i+1:]
		}
		msg := f.Detail.Inner.Message
		if msg == "" {
			msg = strings.TrimPrefix(f.String, code+": ")
		}
		return nil, &Error{StatusCode: resp.status, Code: code, Message: msg, Operation: op}
	}
	lr := parsed.Body.LoginResponse
	if lr == nil || lr.Result.SessionID == "" || lr.Result.ServerURL == "" {
		if resp.status >= 300 {
			return nil, parseError(resp.status, op, resp.body)
		}
		return nil, &Error{StatusCode: resp.status, Code: CodeUnexpectedResponse, Operation: op,
			Message: "login response lacks sessionId or serverUrl"}
	}
	if lr.Result.PasswordExpired {
		return nil, &Error{StatusCode: resp.status, Code: "INVALID_OPERATION_WITH_EXPIRED_PASSWORD", Operation: op,
			Message: "the password has expired; set a new one in Salesforce and update the credentials"}
	}
	server, err := url.Parse(lr.Result.ServerURL)
	if err != nil || server.Host == "" {
		return nil, &Error{StatusCode: resp.status, Code: CodeUnexpectedResponse, Operation: op,
			Message: "login response has an invalid serverUrl"}
	}
	return &session{accessToken: lr.Result.SessionID, instanceURL: server.Scheme + "://" + server.Host}, nil
}

// IsLoginRetired reports that the org refused SOAP login() itself rather than the
// credentials: INVALID_OPERATION is what an org answers where login() is not offered (API
// 65.0 and later, orgs that have it disabled, and after its Summer '27 retirement), and
// UNSUPPORTED_API_VERSION what a retired API version answers. Both are HTTP 500 faults that
// no retry with the same Secret can fix; only another login flow can.
func IsLoginRetired(err error) bool {
	e, ok := asError(err)
	return ok && e.Operation == "login" && (e.Code == "INVALID_OPERATION" || e.Code == "UNSUPPORTED_API_VERSION")
}
