package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers"
	"github.com/destinations/salesforce-controller/salesforce"
)

// runPlan is `salesforce-controller plan -f DIR --destination NAME`: Terraform's plan for
// manifests that are not applied yet. It reads the org through the destination's
// credentials, writes nothing, and exits 1 when any manifest cannot be planned, 2 when the
// command itself cannot run.
func runPlan(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("plan", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dir := fset.String("f", "", "Directory of manifests (searched recursively for .yaml, .yml and .json files).")
	dest := fset.String("destination", "", "Name of the SalesforceDestination whose org is read.")
	namespace := fset.String("namespace", "default", "Namespace of the destination and of manifests that name none.")
	timeout := fset.Duration("timeout", 5*time.Minute, "Time allowed for the whole plan.")
	kubeconfig := fset.String("kubeconfig", "", "Path to a kubeconfig; default $KUBECONFIG, in-cluster, then ~/.kube/config.")
	allowedHosts := fset.String("allowed-login-hosts", salesforce.DefaultAllowedLoginHosts, "Hosts the destination's Secret may be sent to, as the manager's flag of the same name.")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if *kubeconfig != "" {
		// ctrl.GetConfig reads its own flag, which this command does not parse, or this.
		os.Setenv("KUBECONFIG", *kubeconfig)
	}
	if *dir == "" || *dest == "" {
		fmt.Fprintln(stderr, "plan: -f DIR and --destination NAME are required")
		return 2
	}
	hosts, err := salesforce.ParseHostPolicy(*allowedHosts)
	if err != nil {
		fmt.Fprintf(stderr, "plan: --allowed-login-hosts: %v\n", err)
		return 2
	}
	ids, err := readIdentities(*dir, *namespace, *dest)
	if err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return 2
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return 2
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	return planWith(ctx, c, client.ObjectKey{Namespace: *namespace, Name: *dest}, hosts, ids, stdout, stderr)
}

// planWith logs in through the destination and prints the plan of the identities.
func planWith(ctx context.Context, c client.Reader, dest client.ObjectKey, hosts *salesforce.HostPolicy, ids []sfv1.SalesforceIdentity, stdout, stderr io.Writer) int {
	sf, d, err := controllers.LoginDestination(ctx, c, dest, hosts, time.Minute)
	if err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return 2
	}
	if printPlans(stdout, controllers.PlanManifests(ctx, sf, d, ids)) {
		return 1
	}
	return 0
}

// readIdentities reads the SalesforceIdentity manifests under dir that use the destination in
// the namespace; other kinds and other destinations are skipped.
func readIdentities(dir, namespace, dest string) ([]sfv1.SalesforceIdentity, error) {
	var out []sfv1.SalesforceIdentity
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		found, err := identitiesIn(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, id := range found {
			if id.Spec.DestinationRef.Name == dest && (id.Namespace == "" || id.Namespace == namespace) {
				out = append(out, id)
			}
		}
		return nil
	})
	return out, err
}

// identitiesIn decodes the SalesforceIdentity documents of one file.
func identitiesIn(path string) ([]sfv1.SalesforceIdentity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	var out []sfv1.SalesforceIdentity
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		var head struct{ APIVersion, Kind string }
		if len(raw) == 0 || json.Unmarshal(raw, &head) != nil || head.Kind != "SalesforceIdentity" ||
			head.APIVersion != sfv1.GroupVersion.String() {
			continue
		}
		var id sfv1.SalesforceIdentity
		if err := json.Unmarshal(raw, &id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
}

// printPlans prints each manifest's plan and a summary line, and reports whether any
// manifest could not be planned.
func printPlans(w io.Writer, plans []controllers.ManifestPlan) (failed bool) {
	var create, update, unchanged, errs int
	for _, p := range plans {
		if p.Err != nil {
			errs++
			fmt.Fprintf(w, "sfid/%s: error: %v\n", p.Name, p.Err)
			continue
		}
		for _, r := range p.Records {
			switch r.Action {
			case sfv1.PlanCreate:
				create++
				fmt.Fprintf(w, "sfid/%s: would create a %s\n", p.Name, r.ObjectType)
			case sfv1.PlanUpdate:
				update++
				fmt.Fprintf(w, "sfid/%s: would update %s %s\n", p.Name, r.ObjectType, r.ID)
			default:
				unchanged++
				fmt.Fprintf(w, "sfid/%s: %s %s unchanged\n", p.Name, r.ObjectType, r.ID)
			}
			for _, c := range r.Changes {
				fmt.Fprintf(w, "    %s: %s -> %s\n", c.Field, shown(c.Current), shown(c.Desired))
			}
		}
	}
	fmt.Fprintf(w, "Plan: %d to create, %d to update, %d unchanged", create, update, unchanged)
	if errs > 0 {
		fmt.Fprintf(w, ", %d with errors", errs)
	}
	fmt.Fprintln(w)
	return errs > 0
}

func shown(v *apiextensionsv1.JSON) string {
	if v == nil {
		return "null"
	}
	return string(v.Raw)
}
