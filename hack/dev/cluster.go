package main

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// apiClient reads and watches the identities for the table and the live view.
func (s *session) apiClient() (client.WithWatch, error) {
	cfg, err := clientcmd.RESTConfigFromKubeConfig(s.cp.AdminKubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	scheme := runtime.NewScheme()
	if err := sfv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("API client: %w", err)
	}
	return c, nil
}

// identityView is the part of an identity the table and the watch show.
type identityView struct {
	Ready, Reason, Object, ID string
}

func viewOf(id *sfv1.SalesforceIdentity) identityView {
	v := identityView{Ready: "Unknown"}
	if c := meta.FindStatusCondition(id.Status.Conditions, sfv1.ConditionReady); c != nil {
		v.Ready, v.Reason = string(c.Status), c.Reason
	}
	if len(id.Status.Records) > 0 {
		v.Object, v.ID = id.Status.Records[0].ObjectType, id.Status.Records[0].ID
	}
	return v
}
