package controllers

import (
	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// loginHostRefused checks the destination's login URL against --allowed-login-hosts before
// the Secret is even read: a tenant who may edit a destination must not be able to send the
// namespace's credentials to a host of their choosing.
func (r *DestinationReconciler) loginHostRefused(dest *sfv1.SalesforceDestination) (outcome, bool) {
	hosts := r.hosts
	if hosts == nil {
		hosts = salesforce.DefaultHostPolicy()
	}
	err := hosts.Check(salesforce.LoginURL(dest.Spec.Sandbox, dest.Spec.LoginURL))
	if err == nil {
		return outcome{}, false
	}
	if e, ok := err.(*salesforce.HostNotAllowedError); ok {
		e.What = "loginURL"
	}
	return outcome{reason: sfv1.ReasonLoginHostNotAllowed, stalled: true,
		message: err.Error() + "; ask the cluster admin to add it to the manager's --allowed-login-hosts"}, true
}
