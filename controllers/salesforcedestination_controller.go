package controllers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/identityindex"
	"github.com/destinations/salesforce-controller/salesforce"
)

// DestinationReconciler logs in to the org of each SalesforceDestination and keeps one shared
// client per destination for its identities.
type DestinationReconciler struct {
	client.Client
	// APIReader reads Secrets straight from the apiserver: they are never cached.
	APIReader   client.Reader
	Recorder    events.EventRecorder
	Options     Options
	connections *connections
	metrics     *metrics
	// newClient builds Salesforce clients; tests may point it elsewhere.
	newClient func(salesforce.Config) (*salesforce.Client, error)
	// identities counts each destination's identities.
	identities *identityindex.Index
	// hosts may receive credentials and sessions (--allowed-login-hosts).
	hosts *salesforce.HostPolicy
	// calls bounds the exchanges in flight across all destinations (--max-salesforce-calls).
	calls *salesforce.CallLimit
	// warnings remembers which destinations were warned of a deprecated login flow.
	warnings flowWarnings
	// refused holds, per destination, the refusedLogin of an org that no longer offers the
	// flow: the same Secret and spec are not tried again, however often the destination wakes.
	refused sync.Map
}

// refusedLogin is a login the org refused for good, and the outcome reported for it.
type refusedLogin struct {
	fingerprint string
	outcome     outcome
}

// newDestinationReconciler wires the destination reconciler. It logs destinations in and
// keeps their connections for the identity reconciler.
func newDestinationReconciler(mgr ctrl.Manager, opts Options, conns *connections, m *metrics, identities *identityindex.Index,
	hosts *salesforce.HostPolicy) *DestinationReconciler {
	return &DestinationReconciler{
		Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(),
		Recorder: mgr.GetEventRecorder("salesforce-destination"), Options: opts,
		connections: conns, metrics: m, newClient: salesforce.New, identities: identities,
		hosts: hosts, calls: salesforce.NewCallLimit(opts.MaxSalesforceCalls),
	}
}

// +kubebuilder:rbac:groups=salesforce.destinations.dev,resources=salesforcedestinations,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=salesforce.destinations.dev,resources=salesforcedestinations/status,verbs=get;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile logs in with the destination's Secret and records the outcome.
func (r *DestinationReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, reterr error) {
	dest := &sfv1.SalesforceDestination{}
	if err := r.Get(ctx, req.NamespacedName, dest); err != nil {
		if apierrors.IsNotFound(err) {
			r.connections.drop(req.NamespacedName)
			r.refused.Delete(req.NamespacedName)
			r.metrics.forgetDestination(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	base := dest.DeepCopy()
	defer func() {
		if equality.Semantic.DeepEqual(base.Status, dest.Status) {
			return
		}
		if err := r.Status().Patch(ctx, dest, client.MergeFrom(base)); err != nil && !apierrors.IsNotFound(err) {
			reterr = errors.Join(reterr, err)
		}
	}()

	identities, err := r.countIdentities(ctx, dest)
	if err != nil {
		return ctrl.Result{}, err
	}
	dest.Status.Identities = int32(identities)

	if !dest.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, dest, identities)
	}
	if controllerutil.AddFinalizer(dest, sfv1.FinalizerInUse) {
		if err := r.Patch(ctx, dest, client.MergeFrom(base)); err != nil {
			return ctrl.Result{}, err
		}
		base = dest.DeepCopy()
	}

	if dest.Spec.Suspend {
		// No login and no call; the connection is kept, so resuming needs no new login.
		markSuspended(&dest.Status.Conditions, &dest.Status.ObservedGeneration, dest.Generation, sfv1.ReasonSuspended,
			"Suspended by spec.suspend: no login, no Salesforce call and no write for this destination or its identities until it is cleared")
		return ctrl.Result{}, nil
	}
	clearSuspended(&dest.Status.Conditions)
	o, res, err := r.connect(ctx, dest)
	if err == nil {
		dest.Status.ObservedGeneration = dest.Generation
	}
	r.noteAuthFlow(dest, base)
	if prev := readyReason(base.Status.Conditions); prev != o.reason {
		kind := corev1.EventTypeNormal
		if !o.ready {
			kind = corev1.EventTypeWarning
		}
		// An event's note holds at most 1 kB; the migration guidance can be longer.
		r.Recorder.Eventf(dest, nil, kind, o.reason, "Login", "%s", truncate(o.message, 1000))
	}
	applyConditions(&dest.Status.Conditions, dest.Generation, o)
	r.metrics.observeDestination(req.NamespacedName, o.ready, budgetPercent(dest))
	return res, err
}

// connect resolves the Secret, builds or reuses the shared client and logs in when the client
// is new. A healthy destination costs no Salesforce call on resync: its status mirrors the
// usage the client saw on its identities' calls.
func (r *DestinationReconciler) connect(ctx context.Context, dest *sfv1.SalesforceDestination) (outcome, ctrl.Result, error) {
	key := client.ObjectKeyFromObject(dest)
	if insecureLoginURL(dest.Spec.LoginURL) {
		r.connections.drop(key)
		return outcome{reason: sfv1.ReasonInsecureLoginURL, stalled: true,
			message: fmt.Sprintf("loginURL %q uses plain http to a host that is not loopback; use https", dest.Spec.LoginURL)}, ctrl.Result{}, nil
	}
	if o, refused := r.loginHostRefused(dest); refused {
		r.connections.drop(key)
		return o, ctrl.Result{}, nil
	}
	secret := &corev1.Secret{}
	secretKey := types.NamespacedName{Namespace: dest.Namespace, Name: dest.Spec.CredentialsSecretRef.Name}
	if err := r.APIReader.Get(ctx, secretKey, secret); err != nil {
		r.connections.drop(key)
		if apierrors.IsNotFound(err) {
			return outcome{reason: sfv1.ReasonSecretNotFound, stalled: true,
				message: fmt.Sprintf("Secret %q not found in namespace %q", secretKey.Name, secretKey.Namespace)}, ctrl.Result{}, nil
		}
		return outcome{reason: sfv1.ReasonUnreachable, progressing: true,
			message: fmt.Sprintf("cannot read Secret %q: %v", secretKey.Name, err)}, ctrl.Result{}, err
	}
	creds, err := credentialsFromSecret(secret)
	if err != nil {
		r.connections.drop(key)
		return outcome{reason: sfv1.ReasonSecretKeyMissing, stalled: true, message: err.Error()}, ctrl.Result{}, nil
	}
	if flow, err := creds.Flow(); err == nil {
		dest.Status.AuthFlow = string(flow)
	}

	fingerprint := secretFingerprint(dest, secret)
	conn := r.connections.get(key)
	if conn == nil || conn.fingerprint != fingerprint || conn.uid != dest.UID {
		if v, ok := r.refused.Load(key); ok && v.(refusedLogin).fingerprint == fingerprint {
			return v.(refusedLogin).outcome, ctrl.Result{}, nil
		}
		conn, err = r.login(ctx, dest, creds, fingerprint)
		if err != nil {
			return r.loginFailed(dest, fingerprint, err)
		}
		r.refused.Delete(key)
		r.connections.put(key, conn)
	}
	if exhausted, _, _ := (apiBudget{percent: budgetPercent(dest)}).exhausted(conn.client.APIUsage); exhausted {
		// Identities that stopped at their budget make no call that would show usage
		// dropping again; one call per resync refreshes the figure.
		if _, _, err := conn.client.DailyAPIRequests(ctx); err != nil {
			log.FromContext(ctx).V(1).Info("Could not read the org's API limits", "error", err.Error())
		}
	}
	dest.Status.InstanceURL = conn.client.InstanceURL()
	if used, max, ok := conn.client.APIUsage(); ok {
		dest.Status.APIUsage = &sfv1.APIUsage{Used: int64(used), Limit: int64(max)}
		r.metrics.setAPIUsage(key, used, max)
	}
	return outcome{ready: true, reason: sfv1.ReasonLoggedIn,
			message: fmt.Sprintf("Logged in to %s", conn.client.InstanceURL())},
		ctrl.Result{RequeueAfter: jitter(r.Options.DestinationResync)}, nil
}

func (r *DestinationReconciler) login(ctx context.Context, dest *sfv1.SalesforceDestination, creds salesforce.Credentials, fingerprint string) (*connection, error) {
	key := client.ObjectKeyFromObject(dest)
	sf, err := r.newClient(salesforce.Config{
		LoginURL:     salesforce.LoginURL(dest.Spec.Sandbox, dest.Spec.LoginURL),
		APIVersion:   dest.Spec.APIVersion,
		Credentials:  creds,
		HTTPClient:   httpClient(r.Options.SalesforceTimeout),
		Observer:     r.metrics.observer(key),
		AllowedHosts: r.hosts,
		Calls:        r.calls,
	})
	if err != nil {
		return nil, err
	}
	if err := sf.Login(ctx); err != nil {
		return nil, err
	}
	log.FromContext(ctx).Info("Logged in to Salesforce", "instanceURL", sf.InstanceURL())
	conn := &connection{client: sf, fingerprint: fingerprint, login: loginKey(dest), uid: dest.UID}
	if r.Options.Batching {
		b := newBatchAPI(sf, r.Options, r.metrics)
		conn.api, conn.close = b, b.Close
	} else {
		conn.api = directAPI{client: sf}
	}
	conn.external = salesforceExternal{api: conn.api, client: sf}
	return conn, nil
}

func (r *DestinationReconciler) loginFailed(dest *sfv1.SalesforceDestination, fingerprint string, err error) (outcome, ctrl.Result, error) {
	key := client.ObjectKeyFromObject(dest)
	r.connections.drop(key)
	if salesforce.IsHostNotAllowed(err) {
		return outcome{reason: sfv1.ReasonLoginHostNotAllowed, stalled: true, message: err.Error()}, ctrl.Result{}, nil
	}
	if salesforce.IsLoginRetired(err) {
		// An HTTP 500 that no retry can fix: only another flow can, so this waits for the
		// Secret or the spec to change, without a requeue.
		o := outcome{reason: sfv1.ReasonLoginFlowRetired, stalled: true,
			message: retiredMessage(dest.Spec.CredentialsSecretRef.Name, err)}
		r.refused.Store(key, refusedLogin{fingerprint: fingerprint, outcome: o})
		return o, ctrl.Result{}, nil
	}
	if salesforce.IsAuth(err) || (!salesforce.IsTransient(err) && !salesforce.IsThrottled(err)) {
		// Retrying the same credentials only risks locking the user out; a change to the
		// Secret or the spec triggers the next attempt. A slow poll covers org-side fixes.
		return outcome{reason: sfv1.ReasonAuthenticationFailed, stalled: true,
			message: fmt.Sprintf("Salesforce refused the login: %v", err)}, ctrl.Result{RequeueAfter: 10 * time.Minute}, nil
	}
	return outcome{reason: sfv1.ReasonUnreachable, progressing: true,
		message: fmt.Sprintf("cannot reach Salesforce: %v", err)}, ctrl.Result{}, err
}

func (r *DestinationReconciler) reconcileDelete(ctx context.Context, dest *sfv1.SalesforceDestination, identities int) (ctrl.Result, error) {
	if identities > 0 {
		applyConditions(&dest.Status.Conditions, dest.Generation, outcome{reason: sfv1.ReasonInUse,
			message: fmt.Sprintf("Deletion waits: %d SalesforceIdentity object(s) in namespace %q still use this destination", identities, dest.Namespace)})
		// The identity watch wakes us when the last one goes.
		return ctrl.Result{}, nil
	}
	key := client.ObjectKeyFromObject(dest)
	r.connections.drop(key)
	r.refused.Delete(key)
	r.warnings.warned.Delete(dest.UID)
	r.metrics.forgetDestination(key)
	if controllerutil.ContainsFinalizer(dest, sfv1.FinalizerInUse) {
		patchBase := dest.DeepCopy()
		controllerutil.RemoveFinalizer(dest, sfv1.FinalizerInUse)
		if err := r.Patch(ctx, dest, client.MergeFrom(patchBase)); err != nil {
			return ctrl.Result{}, client.IgnoreNotFound(err)
		}
	}
	return ctrl.Result{}, nil
}

func (r *DestinationReconciler) countIdentities(_ context.Context, dest *sfv1.SalesforceDestination) (int, error) {
	return r.identities.UsersOf(client.ObjectKeyFromObject(dest)), nil
}

func budgetPercent(dest *sfv1.SalesforceDestination) int32 {
	if dest.Spec.APIBudgetPercent == nil {
		return 50
	}
	return *dest.Spec.APIBudgetPercent
}

var _ reconcile.Reconciler = &DestinationReconciler{}
