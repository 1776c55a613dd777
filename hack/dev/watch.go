package main

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// watch prints a line whenever an identity appears, goes, or changes Ready, reason or
// Salesforce ID, until ctx ends. The manager dying ends it too: there is nothing left to watch.
func (s *session) watch(ctx context.Context) error {
	c, err := s.apiClient()
	if err != nil {
		return err
	}
	seen := map[string]identityView{}
	var list sfv1.SalesforceIdentityList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return fmt.Errorf("list identities: %w", err)
	}
	for i := range list.Items {
		seen[list.Items[i].Name] = viewOf(&list.Items[i])
	}
	for ctx.Err() == nil {
		w, err := c.Watch(ctx, &sfv1.SalesforceIdentityList{}, client.InNamespace(namespace))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("watch identities: %w", err)
		}
		if err := s.follow(ctx, w, seen); err != nil {
			return err
		}
	}
	return nil
}

// follow reads one watch until it closes (the apiserver ends watches now and then) or ctx ends.
func (s *session) follow(ctx context.Context, w watch.Interface, seen map[string]identityView) error {
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.manager.Exited():
			return fmt.Errorf("the manager exited (%v); see %s", s.manager.Err(), s.manager.LogPath)
		case ev, ok := <-w.ResultChan():
			if !ok {
				return nil
			}
			id, isIdentity := ev.Object.(*sfv1.SalesforceIdentity)
			if !isIdentity {
				continue
			}
			now := viewOf(id)
			stamp := time.Now().Format("15:04:05")
			switch prev, known := seen[id.Name]; {
			case ev.Type == watch.Deleted:
				delete(seen, id.Name)
				fmt.Fprintf(out, "%s  %s deleted\n", stamp, id.Name)
			case !known || prev != now:
				seen[id.Name] = now
				fmt.Fprintf(out, "%s  %s Ready=%s %s %s %s\n", stamp, id.Name, now.Ready, dash(now.Reason), dash(now.Object), dash(now.ID))
			}
		}
	}
}
