package main

import (
	"errors"
	"os"
	"strconv"
)

// org is where the destination logs in: the emulator, or a real org from the environment.
type org struct {
	real bool
	// secretData is the credentials Secret's content. It is never printed.
	secretData map[string]string
	loginURL   string
	sandbox    bool
}

// orgFromEnv reads SALESFORCE_* variables. Without SALESFORCE_USERNAME the run uses the
// emulator.
func orgFromEnv() (org, error) {
	username := os.Getenv("SALESFORCE_USERNAME")
	if username == "" {
		return org{}, nil
	}
	o := org{real: true, loginURL: os.Getenv("SALESFORCE_LOGIN_URL"), secretData: map[string]string{"username": username}}
	for key, env := range map[string]string{
		"password":      "SALESFORCE_PASSWORD",
		"securityToken": "SALESFORCE_SECURITY_TOKEN",
		"clientId":      "SALESFORCE_CLIENT_ID",
		"clientSecret":  "SALESFORCE_CLIENT_SECRET",
	} {
		if v := os.Getenv(env); v != "" {
			o.secretData[key] = v
		}
	}
	if o.secretData["password"] == "" {
		return org{}, errors.New("SALESFORCE_USERNAME is set but SALESFORCE_PASSWORD is not")
	}
	if v := os.Getenv("SALESFORCE_SANDBOX"); v != "" {
		sandbox, err := strconv.ParseBool(v)
		if err != nil {
			return org{}, errors.New("SALESFORCE_SANDBOX must be true or false")
		}
		o.sandbox = sandbox
	}
	return o, nil
}

// describe names the org without revealing credentials.
func (o org) describe() string {
	if !o.real {
		return "the Salesforce emulator"
	}
	where := "login.salesforce.com"
	switch {
	case o.loginURL != "":
		where = o.loginURL
	case o.sandbox:
		where = "test.salesforce.com"
	}
	return "the Salesforce org of " + o.secretData["username"] + " through " + where
}
