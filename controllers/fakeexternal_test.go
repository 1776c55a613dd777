package controllers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// fakeExternal is an in-memory externalClient. Each call is answered by its function field,
// or, when that is nil, as an empty org would answer (nothing found, creates succeed with a
// made-up ID); every call is logged in order.
type fakeExternal struct {
	ObserveLeadsFn      func(email string) ([]salesforce.LeadMatch, error)
	ObserveFieldsFn     func(records []recordFields) ([]salesforce.Record, error)
	ObserveLostCreateFn func(sobject string, match map[string]string, since time.Time) ([]string, error)
	ObserveSchemaFn     func(sobject string, fresh bool) (map[string]salesforce.DescribedField, error)
	CreateFn            func(sobject string, fields map[string]any) (id string, answerLost bool, err error)
	UpdateFn            func(sobject, id string, fields map[string]any) error
	DeleteFn            func(sobject, id string) error
	UsageFn             func() (used, max int, ok bool)

	mu      sync.Mutex
	calls   []string
	created int
}

var _ externalClient = (*fakeExternal)(nil)

func (f *fakeExternal) log(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// Calls returns the calls made so far, e.g. "create Lead Company,Email".
func (f *fakeExternal) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeExternal) ObserveLeads(_ context.Context, email string) ([]salesforce.LeadMatch, error) {
	f.log("observe leads %s", email)
	if f.ObserveLeadsFn == nil {
		return nil, nil
	}
	return f.ObserveLeadsFn(email)
}

func (f *fakeExternal) ObserveFields(_ context.Context, records []recordFields) ([]salesforce.Record, error) {
	f.log("observe fields %s", describeReads(records))
	if f.ObserveFieldsFn == nil {
		return make([]salesforce.Record, len(records)), nil
	}
	return f.ObserveFieldsFn(records)
}

func (f *fakeExternal) ObserveLostCreate(_ context.Context, sobject string, match map[string]string, since time.Time) ([]string, error) {
	f.log("observe lost create %s", sobject)
	if f.ObserveLostCreateFn == nil {
		return nil, nil
	}
	return f.ObserveLostCreateFn(sobject, match, since)
}

// ObserveSchema answers, by default, that the object has every field the tests write, with
// room for any value; it is not logged, as a real client answers it from memory.
func (f *fakeExternal) ObserveSchema(_ context.Context, sobject string, fresh bool) (map[string]salesforce.DescribedField, error) {
	if f.ObserveSchemaFn != nil {
		return f.ObserveSchemaFn(sobject, fresh)
	}
	fields := map[string]salesforce.DescribedField{}
	for _, name := range []string{"Email", "FirstName", "LastName", "Company", "Phone", "Title", "Name", "company__c"} {
		fields[strings.ToLower(name)] = salesforce.DescribedField{Name: name, Type: "string", Length: 255, Createable: true, Updateable: true}
	}
	return fields, nil
}

func (f *fakeExternal) Create(_ context.Context, sobject string, fields map[string]any) (string, bool, error) {
	f.log("create %s %s", sobject, fieldList(fields))
	if f.CreateFn != nil {
		return f.CreateFn(sobject, fields)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created++
	return fmt.Sprintf("%s%015d", prefixOf(sobject), f.created), false, nil
}

func (f *fakeExternal) Update(_ context.Context, sobject, id string, fields map[string]any) error {
	f.log("update %s %s %s", sobject, id, fieldList(fields))
	if f.UpdateFn == nil {
		return nil
	}
	return f.UpdateFn(sobject, id, fields)
}

func (f *fakeExternal) Delete(_ context.Context, sobject, id string) error {
	f.log("delete %s %s", sobject, id)
	if f.DeleteFn == nil {
		return nil
	}
	return f.DeleteFn(sobject, id)
}

func (f *fakeExternal) Usage() (int, int, bool) {
	if f.UsageFn == nil {
		return 0, 0, false
	}
	return f.UsageFn()
}

func fieldList(fields map[string]any) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func prefixOf(sobject string) string {
	switch sobject {
	case "Lead":
		return "00Q"
	case "Contact":
		return "003"
	}
	return "001"
}
