//go:build faults

package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// Every tenth identity writes an Account through an externalId without id: the controller
// creates it and must remember it across crashes. The others use the Lead flow.
const accountEvery = 10

func isAccount(i int) bool { return i%accountEvery == 0 }

func identityName(i int) string {
	if isAccount(i) {
		return fmt.Sprintf("acct-%05d", i)
	}
	return fmt.Sprintf("lead-%05d", i)
}

// accountName is the Account's Name, unique per identity, which is how the test finds it.
func accountName(i int) string { return fmt.Sprintf("Fault Account %05d", i) }

func leadEmail(i int) string { return fmt.Sprintf("lead-%05d@faults.example.com", i) }

// traits of revision rev of identity i; edits bump rev.
func traits(i, rev int) map[string]any {
	if isAccount(i) {
		return map[string]any{"Name": accountName(i), "Description": fmt.Sprintf("rev %d", rev),
			"Phone": fmt.Sprintf("+1 555 %04d", (i+rev)%10000)}
	}
	return map[string]any{"email": leadEmail(i), "firstName": fmt.Sprintf("F%05d", i), "lastName": "Tester",
		"company": fmt.Sprintf("Acme %d rev %d", i%97, rev), "title": fmt.Sprintf("rev %d", rev)}
}

func rawTraits(v map[string]any) *apiextensionsv1.JSON {
	raw, _ := json.Marshal(v) // strings only
	return &apiextensionsv1.JSON{Raw: raw}
}

func identity(i int) *sfv1.SalesforceIdentity {
	obj := &sfv1.SalesforceIdentity{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: identityName(i)},
		Spec: sfv1.SalesforceIdentitySpec{
			DestinationRef: sfv1.DestinationReference{Name: destinationName},
			Traits:         rawTraits(traits(i, 0)),
		},
	}
	if isAccount(i) {
		obj.Spec.ExternalID = []sfv1.ExternalID{{Type: "Salesforce-Account"}}
	}
	return obj
}

// retryAPI retries fn through kube-apiserver restarts and conflicts; an AlreadyExists after a
// lost answer means the first attempt went through.
func retryAPI(ctx context.Context, fn func(context.Context) error) error {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		err := fn(ctx)
		if err == nil || apierrors.IsAlreadyExists(err) {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// createIdentities creates n identities with a few parallel clients, as a GitOps sync would.
func createIdentities(ctx context.Context, c client.Client, n int) error {
	work := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range work {
				obj := identity(i)
				errs <- retryAPI(ctx, func(ctx context.Context) error { return c.Create(ctx, obj.DeepCopy()) })
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// editTraits edits a share of the identities, some twice, spread over window so that the
// edits meet the kills and restarts. It returns the number of edits made.
func editTraits(ctx context.Context, c client.Client, rnd *rand.Rand, n int, window time.Duration) (int, error) {
	var edits []int
	for i := range n {
		switch p := rnd.Float64(); {
		case p < 0.10:
			edits = append(edits, i, i)
		case p < 0.30:
			edits = append(edits, i)
		}
	}
	rnd.Shuffle(len(edits), func(a, b int) { edits[a], edits[b] = edits[b], edits[a] })
	if len(edits) == 0 {
		return 0, nil
	}
	pause := window / time.Duration(len(edits))
	revs := map[int]int{}
	for _, i := range edits {
		revs[i]++
		rev := revs[i]
		err := retryAPI(ctx, func(ctx context.Context) error {
			obj := &sfv1.SalesforceIdentity{}
			if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: identityName(i)}, obj); err != nil {
				return err
			}
			obj.Spec.Traits = rawTraits(traits(i, rev))
			return c.Update(ctx, obj)
		})
		if err != nil {
			return 0, fmt.Errorf("edit %s: %w", identityName(i), err)
		}
		time.Sleep(pause)
	}
	return len(edits), nil
}

// expectedFields is what the identity's final spec says Salesforce must hold. The mapping is
// the unit-tested reference; this suite checks that it is applied, not how it maps.
func expectedFields(obj *sfv1.SalesforceIdentity) (map[string]any, error) {
	ids := make([]mapping.ExternalID, len(obj.Spec.ExternalID))
	for i, e := range obj.Spec.ExternalID {
		ids[i] = mapping.ExternalID{Type: e.Type, ID: e.ID}
	}
	plan, err := mapping.Build(obj.Spec.Traits.Raw, ids, mapping.Settings{MapRudderProperties: true})
	if err != nil {
		return nil, err
	}
	if plan.Lead != nil {
		return plan.Lead.LeadFields, nil
	}
	return plan.Targets[0].Fields, nil
}
