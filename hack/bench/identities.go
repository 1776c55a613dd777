package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

func identityName(prefix string, i int) string { return fmt.Sprintf("%s-%05d", prefix, i) }

// company is the trait the drift round changes behind the controller's back.
func company(name string) string { return "Acme " + name }

// newIdentity is a Lead-flow identity with a unique email, like an identify call.
func newIdentity(namespace, name string) *sfv1.SalesforceIdentity {
	traits, _ := json.Marshal(map[string]string{
		"email":     name + "@bench.example.com",
		"firstName": "Bench",
		"lastName":  name,
		"company":   company(name),
		"title":     "Engineer",
	})
	return &sfv1.SalesforceIdentity{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: sfv1.SalesforceIdentitySpec{
			DestinationRef: sfv1.DestinationReference{Name: destinationName},
			UserID:         name,
			Traits:         &apiextensionsv1.JSON{Raw: traits},
		},
	}
}

// createAll creates the identities from concurrent clients, as a bulk kubectl apply or a
// GitOps sync would, noting when each create began.
func createAll(ctx context.Context, c client.Client, t *tracker, namespace string, names []string, workers int) error {
	work := make(chan string)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				t.markCreated(name, time.Now())
				if err := c.Create(ctx, newIdentity(namespace, name)); err != nil {
					errs <- fmt.Errorf("create %s: %w", name, err)
					return
				}
			}
		}()
	}
	var err error
feed:
	for _, name := range names {
		select {
		case work <- name:
		case err = <-errs:
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err = <-errs:
	default:
	}
	return err
}
