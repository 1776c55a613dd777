package salesforce

import (
	"fmt"
	"regexp"
)

// checksumAlphabet maps the 5-bit upper-case pattern of each 5-character chunk
// of a 15-character ID to the character Salesforce appends for it.
const checksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

// ValidID reports whether id has the shape of a Salesforce record ID: 15 or 18
// ASCII letters and digits. The shape alone guarantees the ID cannot alter a
// request path; the checksum of an 18-character ID is not required to match, so
// that IDs typed by people are judged by Salesforce, which reports them as not found.
func ValidID(id string) bool {
	if len(id) != 15 && len(id) != 18 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !isAlnum(id[i]) {
			return false
		}
	}
	return true
}

// To18 returns the 18-character, case-insensitive form of a 15- or 18-character
// ID. An 18-character ID whose suffix does not match its first 15 characters is
// rejected, because it was mistyped or had its case changed.
func To18(id string) (string, error) {
	if !ValidID(id) {
		return "", fmt.Errorf("invalid salesforce id %q", id)
	}
	full := id[:15] + checksum(id[:15])
	if len(id) == 18 && id[15:] != full[15:] {
		return "", fmt.Errorf("salesforce id %q has a wrong checksum, want suffix %q", id, full[15:])
	}
	return full, nil
}

// KeyPrefix returns the first three characters of an ID, which name its object
// type (00Q Lead, 003 Contact, ...), or "" when id is too short.
func KeyPrefix(id string) string {
	if len(id) < 3 {
		return ""
	}
	return id[:3]
}

func checksum(id15 string) string {
	suffix := make([]byte, 3)
	for chunk := 0; chunk < 3; chunk++ {
		bits := 0
		for i := 0; i < 5; i++ {
			c := id15[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		suffix[chunk] = checksumAlphabet[bits]
	}
	return string(suffix)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// apiName matches sObject and field API names such as Lead, My_Object__c or
// ns__Field__c. Anything else is refused before it reaches a URL.
var apiName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}$`)

// ValidAPIName reports whether name can be used as an sObject or field API name.
func ValidAPIName(name string) bool {
	return apiName.MatchString(name)
}

func checkSObject(sobject string) error {
	if !ValidAPIName(sobject) {
		return &Error{Code: CodeInvalidType, Message: fmt.Sprintf("invalid sobject name %q", sobject)}
	}
	return nil
}

func checkID(id string) error {
	if !ValidID(id) {
		return &Error{Code: CodeMalformedID, Message: fmt.Sprintf("invalid record id %q", id), Fields: []string{"Id"}}
	}
	return nil
}

func checkFieldNames(fields []string) error {
	for _, f := range fields {
		if !ValidAPIName(f) {
			return &Error{Code: CodeInvalidField, Message: fmt.Sprintf("invalid field name %q", f), Fields: []string{f}}
		}
	}
	return nil
}
