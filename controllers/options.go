package controllers

import (
	"flag"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// defaultDriftReads bounds the drift reads under way: enough for every identity of a large org
// to join one batch, small enough that a burst cannot start unbounded goroutines.
const defaultDriftReads = 20000

// Options tune the reconcilers. Their defaults suit an org of tens of thousands of identities.
type Options struct {
	// MaxConcurrentReconciles bounds the identity workers. Workers mostly wait on Salesforce or
	// on a batch window, so many of them cost little; a batch can only be as large as the
	// number of reconciles waiting at once, and one they all wait in leaves at once.
	MaxConcurrentReconciles int
	// Batching coalesces lookups and writes of concurrent reconciles into Composite requests of
	// sObject Collections. Off: one Salesforce call per operation.
	Batching bool
	// BatchWindow is how long a batch waits for company after its latest entry (a steady
	// stream keeps it open longer, up to five seconds).
	BatchWindow time.Duration
	// SyncEvents adds a Normal event for every record created or updated. Off by default:
	// status.records already says what was last done to each record and when, and a bulk
	// apply would otherwise write (and the event recorder hold for minutes) one event per
	// identity. Failures, drift corrections and deletions always get their event.
	SyncEvents bool
	// SalesforceTimeout bounds each Salesforce HTTP exchange.
	SalesforceTimeout time.Duration
	// DestinationResync is how often a healthy destination refreshes its status.
	DestinationResync time.Duration

	// AllowedLoginHosts lists the hosts (salesforce.HostPolicy patterns) that may receive a
	// destination's credentials and sessions. Default salesforce.DefaultAllowedLoginHosts.
	AllowedLoginHosts string

	// MaxSalesforceCalls bounds the Salesforce exchanges in flight across all destinations,
	// and with them the response bytes the manager holds at once.
	MaxSalesforceCalls int

	// WatchNamespaces, comma-separated, limits the manager to those namespaces: it watches and
	// reads nothing elsewhere, so its Secret access can come from Roles in them. Empty: all.
	WatchNamespaces string

	// MaxDriftReads bounds the drift reads under way at once, across all destinations.
	MaxDriftReads int

	// StateKey signs what the state annotation says about records (statesign.go). main.go
	// reads it from a Secret in the manager's namespace. Empty: the key already installed in
	// this process, or a random one that lasts until the process ends.
	StateKey []byte

	// skipNameValidation lets tests start a second manager in one process.
	skipNameValidation bool
}

// DefaultOptions returns the options used when no flag overrides them.
func DefaultOptions() Options {
	return Options{
		MaxConcurrentReconciles: 1000,
		Batching:                true,
		BatchWindow:             20 * time.Millisecond,
		SalesforceTimeout:       30 * time.Second,
		DestinationResync:       5 * time.Minute,
		AllowedLoginHosts:       salesforce.DefaultAllowedLoginHosts,
		MaxSalesforceCalls:      64,
		MaxDriftReads:           defaultDriftReads,
	}
}

// BindFlags registers the options as command-line flags, with DefaultOptions as defaults.
func (o *Options) BindFlags(fs *flag.FlagSet) {
	d := DefaultOptions()
	fs.IntVar(&o.MaxConcurrentReconciles, "max-concurrent-reconciles", d.MaxConcurrentReconciles, "Identity reconciles that may run at once.")
	fs.BoolVar(&o.Batching, "batching", d.Batching, "Coalesce Salesforce lookups and writes of concurrent reconciles into batch calls.")
	fs.DurationVar(&o.BatchWindow, "batch-window", d.BatchWindow, "How long a Salesforce batch waits for more entries after its latest one (a steady stream keeps it open up to 5s).")
	fs.BoolVar(&o.SyncEvents, "sync-events", d.SyncEvents, "Record a Normal event for every Salesforce record created or updated (status.records says it either way).")
	fs.DurationVar(&o.SalesforceTimeout, "salesforce-timeout", d.SalesforceTimeout, "Timeout of one Salesforce HTTP exchange.")
	fs.StringVar(&o.AllowedLoginHosts, "allowed-login-hosts", d.AllowedLoginHosts, "Comma-separated hosts that may receive credentials and sessions: host names, *.domain wildcards, and http://host for a plain-http loopback host (tests and local runs only).")
	fs.IntVar(&o.MaxSalesforceCalls, "max-salesforce-calls", d.MaxSalesforceCalls, "Salesforce HTTP exchanges in flight at once, across all destinations.")
	fs.IntVar(&o.MaxDriftReads, "max-drift-reads", d.MaxDriftReads, "Drift read-backs under way at once, across all destinations; they coalesce into batch calls.")
	fs.StringVar(&o.WatchNamespaces, "watch-namespaces", d.WatchNamespaces, "Comma-separated namespaces to manage; the manager then needs access to Secrets only in them (config/namespaced). Empty: all namespaces.")
	fs.DurationVar(&o.DestinationResync, "destination-resync", d.DestinationResync, "How often a healthy destination refreshes its status.")
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MaxConcurrentReconciles <= 0 {
		o.MaxConcurrentReconciles = d.MaxConcurrentReconciles
	}
	if o.BatchWindow <= 0 {
		o.BatchWindow = d.BatchWindow
	}
	if o.SalesforceTimeout <= 0 {
		o.SalesforceTimeout = d.SalesforceTimeout
	}
	if o.MaxSalesforceCalls <= 0 {
		o.MaxSalesforceCalls = d.MaxSalesforceCalls
	}
	if o.AllowedLoginHosts == "" {
		o.AllowedLoginHosts = d.AllowedLoginHosts
	}
	if o.DestinationResync <= 0 {
		o.DestinationResync = d.DestinationResync
	}
	return o
}
