package emulator

import "strings"

// apiError is one element of a Salesforce error array.
type apiError struct {
	Status  int    // HTTP status for single-record REST
	Code    string // errorCode / statusCode
	Message string
	Fields  []string // nil means the "fields" key is omitted in REST bodies
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// restBody renders the single-record REST shape: [{"message","errorCode"[,"fields"]}].
func (e *apiError) restBody() any {
	m := orderedMap{keys: []string{"message", "errorCode"}, vals: []any{e.Message, e.Code}}
	if e.Fields != nil {
		m.keys = append(m.keys, "fields")
		m.vals = append(m.vals, e.Fields)
	}
	return []any{m}
}

// itemBody renders the per-record collections shape, which always has fields and uses statusCode.
func (e *apiError) itemBody() map[string]any {
	fields := e.Fields
	if fields == nil {
		fields = []string{}
	}
	return map[string]any{"statusCode": e.Code, "message": e.Message, "fields": fields}
}

func errNotFound() *apiError {
	return &apiError{Status: 404, Code: "NOT_FOUND", Message: "The requested resource does not exist"}
}

func errBadExternalField(segment string) *apiError {
	return &apiError{Status: 404, Code: "NOT_FOUND",
		Message: "Provided external ID field does not exist or is not accessible: " + segment}
}

func errDeleted() *apiError {
	return &apiError{Status: 404, Code: "ENTITY_IS_DELETED", Message: "entity is deleted", Fields: []string{}}
}

func errNoSuchColumnDML(field, sobject string) *apiError {
	return &apiError{Status: 400, Code: "INVALID_FIELD",
		Message: "No such column '" + field + "' on sobject of type " + sobject, Fields: []string{}}
}

func errReadOnly(fields []string) *apiError {
	return &apiError{Status: 400, Code: "INVALID_FIELD_FOR_INSERT_UPDATE",
		Message: "Unable to create/update fields: " + strings.Join(fields, ", ") +
			". Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
		Fields: fields}
}

func errRequired(fields []string) *apiError {
	return &apiError{Status: 400, Code: "REQUIRED_FIELD_MISSING",
		Message: "Required fields are missing: [" + strings.Join(fields, ", ") + "]", Fields: fields}
}

func errJSON(msg string) *apiError {
	return &apiError{Status: 400, Code: "JSON_PARSER_ERROR", Message: msg}
}

func errConvertedLead() *apiError {
	return &apiError{Status: 400, Code: "CANNOT_UPDATE_CONVERTED_LEAD", Message: "cannot reference converted lead",
		Fields: []string{}}
}

func errSessionInvalid() *apiError {
	return &apiError{Status: 401, Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}
}

func errLimitExceeded() *apiError {
	return &apiError{Status: 403, Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."}
}

func errMalformedQuery(msg string) *apiError {
	return &apiError{Status: 400, Code: "MALFORMED_QUERY", Message: msg}
}
