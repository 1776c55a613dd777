//go:build faults

package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// readyNow is Ready=True computed for the identity's current generation.
func readyNow(obj *sfv1.SalesforceIdentity) bool {
	c := meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReady)
	return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == obj.Generation
}

// incompleteResolution counts CreateIncomplete identities settled the way the condition
// message tells a user to.
type incompleteResolution struct{ adopted, recreated int }

// waitConverged waits until every identity is Ready, restarting a manager that exits on its
// own and settling CreateIncomplete identities as a user would.
func (e *env) waitConverged(ctx context.Context, n int, timeout time.Duration) (incompleteResolution, error) {
	var res incompleteResolution
	deadline := time.Now().Add(timeout)
	for {
		e.ensureManager(ctx)
		var list sfv1.SalesforceIdentityList
		if err := e.k8s.List(ctx, &list, client.InNamespace(namespace)); err != nil {
			// A list of ten thousand identities can time out while the apiserver is busy
			// catching up; only the deadline ends the wait.
			if time.Now().After(deadline) {
				return res, err
			}
			time.Sleep(2 * time.Second)
			continue
		}
		reasons := map[string]int{}
		ready := 0
		for i := range list.Items {
			obj := &list.Items[i]
			if readyNow(obj) {
				ready++
				continue
			}
			reason := "NoCondition"
			if c := meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReady); c != nil {
				reason = c.Reason
			}
			reasons[reason]++
			if reason == sfv1.ReasonCreateIncomplete {
				action, err := e.settleIncomplete(ctx, obj)
				if err != nil {
					return res, err
				}
				switch action {
				case "adopted":
					res.adopted++
				case "recreate":
					res.recreated++
				}
			}
		}
		if ready == n && len(list.Items) == n {
			return res, nil
		}
		if time.Now().After(deadline) {
			return res, fmt.Errorf("after %s %d of %d identities Ready; others: %s", timeout, ready, n, summary(reasons))
		}
		time.Sleep(2 * time.Second)
	}
}

// settleIncomplete follows the CreateIncomplete message: look in Salesforce for the record;
// adopt it by putting its ID in the state annotation, or drop the pending entry so the
// controller creates it. Several candidates would be a duplicate, which the test reports.
// It returns "" when an earlier call already settled it and the controller has not caught up.
func (e *env) settleIncomplete(ctx context.Context, obj *sfv1.SalesforceIdentity) (action string, err error) {
	var st map[string]any
	if err := json.Unmarshal([]byte(obj.Annotations[sfv1.AnnotationState]), &st); err != nil {
		return "", fmt.Errorf("%s: state annotation: %w", obj.Name, err)
	}
	pending, _ := st["pending"].(map[string]any)
	if pending == nil {
		return "", nil
	}
	var traits map[string]any
	if err := json.Unmarshal(obj.Spec.Traits.Raw, &traits); err != nil {
		return "", err
	}
	rows, err := e.emu.Records(ctx, fmt.Sprint(pending["type"]))
	if err != nil {
		return "", err
	}
	var ids []string
	for _, r := range rows {
		if r.String("Name") == traits["Name"] {
			ids = append(ids, r.String("Id"))
		}
	}
	if len(ids) > 1 {
		return "", fmt.Errorf("%s: %d %s records named %q: %v", obj.Name, len(ids), pending["type"], traits["Name"], ids)
	}
	delete(st, "pending")
	if len(ids) == 1 {
		records, _ := st["records"].([]any)
		st["records"] = append(records, map[string]any{"key": pending["key"], "type": pending["type"], "id": ids[0]})
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	action = "recreate"
	if len(ids) == 1 {
		action = "adopted"
	}
	e.t.Logf("%s was CreateIncomplete (pending %v since %v): %s %v", obj.Name, pending["type"], pending["since"], action, ids)
	patch := client.MergeFrom(obj.DeepCopy())
	obj.Annotations[sfv1.AnnotationState] = string(raw)
	return action, retryAPI(ctx, func(ctx context.Context) error { return e.k8s.Patch(ctx, obj, patch) })
}

func summary(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, counts[k])
	}
	return strings.Join(parts, ", ")
}
