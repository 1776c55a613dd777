package controllers

import (
	"k8s.io/apimachinery/pkg/types"
)

func nsName(ns, name string) types.NamespacedName {
	return types.NamespacedName{Namespace: ns, Name: name}
}
