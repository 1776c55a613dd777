package mapping

import "strings"

// emailTrait is the trait the Lead is found by.
const emailTrait = "email"

// emailField is the Lead field that holds it; with mapping off the traits are field names,
// so a user writes this instead.
const emailField = "Email"

// leadEmail finds the address the Lead is looked up by, without surrounding
// whitespace, and the trait it came from. With
// mapping on only the email trait counts, as in the reference; with mapping off the Email
// field the body carries counts too when email is absent.
func leadEmail(traits map[string]any, s Settings) (email, source string, err error) {
	sources := []string{emailTrait}
	if !s.MapRudderProperties {
		sources = append(sources, emailField)
	}
	for _, key := range sources {
		v, ok := traits[key]
		if !ok {
			continue
		}
		email, isString := v.(string)
		email = strings.TrimSpace(email)
		if !isString || email == "" {
			return "", "", missingEmail(key, s)
		}
		return email, key, nil
	}
	return "", "", missingEmail(emailTrait, s)
}

func missingEmail(trait string, s Settings) *ValidationError {
	msg := "the Lead flow needs a non-empty string email to find the Lead"
	if !s.MapRudderProperties {
		msg = "the Lead flow needs a non-empty string email (or, with mapRudderProperties off, Email) to find the Lead"
	}
	return &ValidationError{Reason: ReasonMissingEmail, Trait: trait, Message: msg}
}
