package controllers

import (
	"context"
	"crypto/rand"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// stateKeyField is the key of the state-signing Secret that holds the HMAC key.
const stateKeyField = "key"

// LoadStateKey reads the key that signs state annotations from the Secret namespace/name,
// creating the Secret with a random key the first time. The Secret lives in the manager's own
// namespace, which tenants cannot read.
func LoadStateKey(ctx context.Context, c client.Client, namespace, name string) ([]byte, error) {
	for attempt := 0; attempt < 2; attempt++ {
		secret := &corev1.Secret{}
		err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, secret)
		if err == nil {
			key := secret.Data[stateKeyField]
			if len(key) < 32 {
				return nil, fmt.Errorf("Secret %s/%s: %q must hold at least 32 bytes", namespace, name, stateKeyField)
			}
			return key, nil
		}
		if !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("read the state key Secret %s/%s: %w", namespace, name, err)
		}
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		secret = &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name,
				Labels: map[string]string{"app.kubernetes.io/name": "salesforce-controller"}},
			Data: map[string][]byte{stateKeyField: key},
		}
		err = c.Create(ctx, secret)
		switch {
		case err == nil:
			return key, nil
		case !apierrors.IsAlreadyExists(err): // another replica won the race: read its key
			return nil, fmt.Errorf("create the state key Secret %s/%s: %w", namespace, name, err)
		}
	}
	return nil, fmt.Errorf("the state key Secret %s/%s keeps changing", namespace, name)
}
