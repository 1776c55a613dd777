package mapping

import (
	"errors"
	"fmt"
)

// Reasons a ValidationError carries, stable enough for condition reasons.
const (
	ReasonMissingEmail      = "MissingEmail"
	ReasonInvalidTraits     = "InvalidTraits"
	ReasonInvalidExternalID = "InvalidExternalID"
)

// ValidationError means the identify itself is wrong: retrying cannot help,
// only a change to the traits or externalIds can.
type ValidationError struct {
	Reason string
	// Trait is the offending trait path, empty when no single trait is at fault.
	Trait   string
	Message string
}

func (e *ValidationError) Error() string {
	if e.Trait == "" {
		return e.Message
	}
	return fmt.Sprintf("trait %q: %s", e.Trait, e.Message)
}

// AsValidationError reports whether err is, or wraps, a ValidationError.
func AsValidationError(err error) (*ValidationError, bool) {
	var ve *ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}

func invalidTrait(trait, format string, args ...any) *ValidationError {
	return &ValidationError{Reason: ReasonInvalidTraits, Trait: trait, Message: fmt.Sprintf(format, args...)}
}
