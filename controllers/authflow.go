package controllers

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// soapLoginRetirement is when Salesforce retires SOAP login() on API 31.0–64.0.
const soapLoginRetirement = "the Summer '27 release (June 2027)"

// deprecationNotice is the AuthFlowDeprecated condition for a flow Salesforce is retiring, or
// nil for one that stays.
func deprecationNotice(flow salesforce.Flow, secret string) *metav1.Condition {
	var reason, what string
	switch flow {
	case salesforce.FlowSOAPLogin:
		reason = sfv1.ReasonSOAPLoginRetiring
		what = fmt.Sprintf("This destination logs in with SOAP login() (Secret %q holds only username, password and securityToken). "+
			"Salesforce retires login() with %s; from then the destination cannot log in.", secret, soapLoginRetirement)
	case salesforce.FlowOAuthPassword:
		reason = sfv1.ReasonPasswordFlowDeprecated
		what = fmt.Sprintf("This destination logs in with the OAuth username-password flow (Secret %q holds clientId, clientSecret and a password), "+
			"which Salesforce blocks by default in orgs created since Summer '23 and External Client Apps do not offer.", secret)
	default:
		return nil
	}
	return &metav1.Condition{Type: sfv1.ConditionAuthFlowDeprecated, Status: metav1.ConditionTrue, Reason: reason,
		Message: what + " " + migrationKeys(secret) + " Ready is not affected until then."}
}

// migrationKeys says which Secret keys each durable flow needs, naming keys, never values.
func migrationKeys(secret string) string {
	return fmt.Sprintf("Move to the JWT bearer flow: add the keys \"clientId\" (the External Client App's consumer key) and "+
		"\"privateKey\" (the PEM RSA key whose certificate the app holds) to Secret %q and keep \"username\". "+
		"Or to the client credentials flow: add \"clientId\" and \"clientSecret\", remove \"password\" and \"securityToken\", "+
		"and set spec.loginURL to the org's My Domain. status.authFlow shows the flow in use.", secret)
}

// retiredMessage is the Ready message of a destination whose org refused SOAP login() itself.
func retiredMessage(secret string, err error) string {
	return fmt.Sprintf("Salesforce no longer offers SOAP login() to this org (%v). %s "+
		"The destination logs in again when its Secret or spec changes.", err, migrationKeys(secret))
}

// flowWarnings remembers, per destination UID, the deprecated flow this process has warned
// about. The condition in status does so across restarts; this covers the reconciles that run
// before the cache shows the status that carries it.
type flowWarnings struct{ warned sync.Map }

// noteAuthFlow keeps AuthFlowDeprecated in step with the flow in status.authFlow and raises one
// Warning event when the condition appears: not on every login, resync or manager restart.
func (r *DestinationReconciler) noteAuthFlow(dest, base *sfv1.SalesforceDestination) {
	flow := salesforce.Flow(dest.Status.AuthFlow)
	if flow == "" {
		return // the Secret has not told the flow yet; keep what status says
	}
	r.metrics.setLoginFlow(client.ObjectKeyFromObject(dest), flow)
	notice := deprecationNotice(flow, dest.Spec.CredentialsSecretRef.Name)
	if notice == nil {
		meta.RemoveStatusCondition(&dest.Status.Conditions, sfv1.ConditionAuthFlowDeprecated)
		r.warnings.warned.Delete(dest.UID)
		return
	}
	notice.ObservedGeneration = dest.Generation
	meta.SetStatusCondition(&dest.Status.Conditions, *notice)
	if meta.IsStatusConditionTrue(base.Status.Conditions, sfv1.ConditionAuthFlowDeprecated) {
		r.warnings.warned.Store(dest.UID, flow)
		return
	}
	if prev, ok := r.warnings.warned.Swap(dest.UID, flow); ok && prev == flow {
		return
	}
	// An event's note holds at most 1 kB; a long Secret name makes the guidance longer.
	r.Recorder.Eventf(dest, nil, corev1.EventTypeWarning, sfv1.ConditionAuthFlowDeprecated, "Login", "%s", truncate(notice.Message, 1000))
}
