package controllers

import (
	"fmt"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// maxTraitsBytes caps an identity's traits. The largest Salesforce text field holds 131,072
// characters; traits past this size are a mistake or an attempt to make the shared manager
// hold and send more than any record can take, and they are refused before any call.
const maxTraitsBytes = 128 << 10

// traitsTooLarge reports the outcome of an identity whose traits exceed maxTraitsBytes.
func traitsTooLarge(obj *sfv1.SalesforceIdentity) (outcome, bool) {
	if obj.Spec.Traits == nil || len(obj.Spec.Traits.Raw) <= maxTraitsBytes {
		return outcome{}, false
	}
	return outcome{reason: sfv1.ReasonTraitsTooLarge, stalled: true,
		message: fmt.Sprintf("traits are %d bytes, more than the %d KiB the controller accepts; nothing was sent to Salesforce",
			len(obj.Spec.Traits.Raw), maxTraitsBytes>>10)}, true
}
