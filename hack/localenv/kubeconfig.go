package localenv

import (
	"fmt"

	"k8s.io/client-go/tools/clientcmd"
)

// ImpersonatingKubeconfig derives from an admin kubeconfig one whose every request acts as
// user with groups. The apiserver then authorizes requests exactly as it would for that user,
// which is how a process outside the cluster can run with a ServiceAccount's permissions.
func ImpersonatingKubeconfig(admin []byte, user string, groups []string) ([]byte, error) {
	cfg, err := clientcmd.Load(admin)
	if err != nil {
		return nil, fmt.Errorf("parse admin kubeconfig: %w", err)
	}
	ctx, ok := cfg.Contexts[cfg.CurrentContext]
	if !ok {
		return nil, fmt.Errorf("admin kubeconfig has no current context %q", cfg.CurrentContext)
	}
	authInfo, ok := cfg.AuthInfos[ctx.AuthInfo]
	if !ok {
		return nil, fmt.Errorf("admin kubeconfig has no user %q", ctx.AuthInfo)
	}
	authInfo.Impersonate = user
	authInfo.ImpersonateGroups = groups
	out, err := clientcmd.Write(*cfg)
	if err != nil {
		return nil, fmt.Errorf("write impersonating kubeconfig: %w", err)
	}
	return out, nil
}

// ServiceAccountUser is the user name and groups the apiserver gives a ServiceAccount's token.
func ServiceAccountUser(namespace, name string) (string, []string) {
	return "system:serviceaccount:" + namespace + ":" + name,
		[]string{"system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"}
}
