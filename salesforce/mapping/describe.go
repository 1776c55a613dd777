package mapping

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// FieldSpec is what an object's describe says of one field.
type FieldSpec struct {
	// Name is the field's API name as Salesforce spells it.
	Name string
	// Length is the most characters a text field holds; 0 for other types.
	Length int
}

// Describe is an object's fields keyed by lower-case API name, as the org's
// describe reports them (fields hidden from the user are absent, as they are
// to a write).
type Describe map[string]FieldSpec

// DescribeFunc returns an object's describe; fresh asks for one not older
// than this call, because a field the cached one lacks may have been added
// since.
type DescribeFunc func(object string, fresh bool) (Describe, error)

// CheckPlan refuses, before any write, what the org is bound to refuse: a
// field the object does not have, or a text value longer than its field
// holds, naming the field, its limit and the trait. A Lead flow's Contact
// body is checked only when converted leads are written to their Contact,
// and a problem there is recorded in ContactError, like any other that
// matters only for the Contact. Errors of describe are returned as they are.
func CheckPlan(p Plan, useContact bool, describe DescribeFunc) error {
	if lp := p.Lead; lp != nil {
		if err := checkBody("Lead", lp.LeadFields, lp.LeadTraits, describe); err != nil {
			return err
		}
		if !useContact || lp.ContactError != nil {
			return nil
		}
		err := checkBody("Contact", lp.ContactFields, lp.ContactTraits, describe)
		if ve, ok := AsValidationError(err); ok {
			lp.ContactError, lp.ContactFields = ve, nil
			return nil
		}
		return err
	}
	for i, t := range p.Targets {
		if err := checkBody(t.SObject, t.Fields, nil, describe); err != nil {
			if ve, ok := AsValidationError(err); ok {
				ve.Message = fmt.Sprintf("externalId[%d]: %s", i, ve.Message)
			}
			return err
		}
	}
	return nil
}

// checkBody checks one body against the cached describe and, when that
// lacks a field, against a fresh one before refusing.
func checkBody(object string, fields map[string]any, traits map[string]string, describe DescribeFunc) error {
	d, err := describe(object, false)
	if err != nil {
		return err
	}
	if unknownField(fields, d) {
		if d, err = describe(object, true); err != nil {
			return err
		}
	}
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		trait := traits[field]
		if trait == "" {
			trait = field
		}
		spec, ok := d[strings.ToLower(field)]
		if !ok {
			return invalidTrait(trait, "would be written to field %s, which %s does not have (or the integration user cannot see)", field, object)
		}
		if n, long := tooLong(fields[field], spec.Length); long {
			return invalidTrait(trait, "is %d characters long, but %s.%s holds at most %d", n, object, spec.Name, spec.Length)
		}
	}
	return nil
}

func unknownField(fields map[string]any, d Describe) bool {
	for field := range fields {
		if _, ok := d[strings.ToLower(field)]; !ok {
			return true
		}
	}
	return false
}

// tooLong counts characters as Salesforce does, for the values it stores as
// text: strings, and numbers written into a text field.
func tooLong(v any, limit int) (int, bool) {
	if limit <= 0 {
		return 0, false
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = string(x)
	default:
		return 0, false
	}
	n := utf8.RuneCountInString(s)
	return n, n > limit
}
