package controllers

import (
	"slices"
	"strings"
)

// ParseNamespaces reads --watch-namespaces: a comma-separated list, empty for all.
func ParseNamespaces(list string) []string {
	var out []string
	for _, ns := range strings.Split(list, ",") {
		if ns = strings.TrimSpace(ns); ns != "" && !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out
}
