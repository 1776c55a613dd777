package controllers

import (
	"errors"
	"fmt"

	"github.com/destinations/salesforce-controller/salesforce"
)

// outcomeCodes are the error codes salesforce_api_requests_total may carry as its outcome:
// those Salesforce documents for the calls the controller makes, and the client's own. Any
// other code a server sends counts as "other", so a hostile or broken server cannot grow the
// series without bound.
var outcomeCodes = map[string]bool{}

func init() {
	for _, c := range []string{
		salesforce.CodeUnexpectedResponse, salesforce.CodeMultipleMatches, salesforce.CodeInvalidType,
		salesforce.CodeInvalidField, salesforce.CodeMalformedID, salesforce.CodeInvalidInput,
		salesforce.CodeNotFound, salesforce.CodeEntityDeleted, salesforce.CodeInvalidLogin,
		salesforce.CodeSession, salesforce.CodeRequestLimit, salesforce.CodeConvertedLead,
		"ALL_OR_NONE_OPERATION_ROLLED_BACK", "PROCESSING_HALTED", "API_CURRENTLY_DISABLED",
		"API_DISABLED_FOR_ORG", "DUPLICATE_VALUE", "DUPLICATES_DETECTED", "DUPLICATE_EXTERNAL_ID",
		"FIELD_CUSTOM_VALIDATION_EXCEPTION", "FIELD_INTEGRITY_EXCEPTION", "INSUFFICIENT_ACCESS_OR_READONLY",
		"INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "INVALID_AUTH_HEADER", "INVALID_CROSS_REFERENCE_KEY",
		"INVALID_EMAIL_ADDRESS", "INVALID_FIELD_FOR_INSERT_UPDATE", "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
		"INVALID_QUERY_LOCATOR", "INVALID_SSO_GATEWAY_URL", "JSON_PARSER_ERROR", "LOGIN_MUST_USE_SECURITY_TOKEN",
		"MALFORMED_QUERY", "METHOD_NOT_ALLOWED", "PASSWORD_LOCKOUT", "QUERY_TIMEOUT", "REQUIRED_FIELD_MISSING",
		"SERVER_UNAVAILABLE", "STRING_TOO_LONG", "UNABLE_TO_LOCK_ROW", "UNKNOWN_EXCEPTION",
		"UNSUPPORTED_API_VERSION", "INVALID_TYPE_FOR_OPERATION", "STORAGE_LIMIT_EXCEEDED",
		"invalid_grant", "invalid_client", "invalid_client_id", "invalid_client_secret", "invalid_request",
		"unsupported_grant_type", "inactive_user", "inactive_org", "rate_limit_exceeded",
	} {
		outcomeCodes[c] = true
	}
}

// callOutcome is the bounded outcome label of one exchange: network_error, a documented error
// code, "other" for any code outside the list, or else the status class ("2xx", "4xx").
func callOutcome(statusCode int, err error) string {
	var sfErr *salesforce.Error
	switch {
	case statusCode == 0 && err != nil:
		return "network_error"
	case errors.As(err, &sfErr) && sfErr.Code != "":
		if outcomeCodes[sfErr.Code] {
			return sfErr.Code
		}
		return "other"
	case statusCode >= 100 && statusCode < 600:
		return fmt.Sprintf("%dxx", statusCode/100)
	default:
		return "other"
	}
}
