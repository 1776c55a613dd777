// Package batch coalesces the Salesforce calls of many concurrent reconciles
// into few API calls, while every caller still waits for, and gets, its own
// result.
//
// Requests of every kind (Lead lookups, saves, retrieves, deletes) wait in
// one queue, and a batch travels as one Composite call whose five query and
// sObject Collections requests it shares out: a lookup query holds about 700
// emails, a collection 200 records to save or delete or 2,000 IDs to
// retrieve. The lookups of identities just applied and the creates of those
// looked up a moment before thus share a call instead of taking one each.
// A batch closes, whichever comes first:
//   - when its next request would need a sixth collection or query (see
//     salesforce.CallRoom), or would pass Options.MaxRecords of its kind;
//   - after a quiet period following its latest entry: Options.Window on an
//     idle queue (so a lone request or a burst does not wait noticeably), one
//     second once the queue is busy (four entries within the last second) or
//     was busy within the last MaxWait, so a stream that comes in clumps with
//     pauses between them stays in one batch, the first entry of a stream's
//     next clump waits for the rest, and a stream that stops leaves a second
//     later;
//   - when every caller that can wait has joined it (Options.Callers);
//   - Options.MaxWait (default 5s) after its first entry, however steadily
//     entries keep coming.
//
// A save made right after a lookup was answered (the create or update of the
// Lead just looked up) is a follow-up, not a new arrival: it joins the open
// batch without making the queue busy or moving its departure. A follow-up
// that opens a batch waits like any first entry: a second during a stream,
// so the creates of one clump can travel with the lookups of the next, and
// Window after a lone apply's lookup.
//
// When Options.MaxInFlight batches are already on their way, a batch whose
// quiet period has passed stays open and keeps growing until one returns,
// so a slow org is asked fewer, fuller calls rather than many small ones.
//
// Contexts: a caller whose context ends gets ctx.Err() at once. Its row is
// left out if its batch has not been sent yet; if the batch is already on its
// way, the row may still reach Salesforce. The flush itself runs under a
// context detached from every caller (context.WithoutCancel of the first
// caller's, plus a timeout), so one impatient caller cannot fail its
// neighbours.
//
// Failures: per-record results are routed back row by row, so a failed row
// never fails its neighbours, and a request Salesforce refuses as a whole (a
// retrieve naming a field the type lacks) fails only the callers in it; an
// error that fails the whole call (network, 5xx, session,
// REQUEST_LIMIT_EXCEEDED) is returned to every caller of that batch.
//
// Merging inside one flush, so that Salesforce never sees a request it would
// reject or that would duplicate data:
//   - Updates of the same record (sObject and ID, 15- or 18-character form)
//     are merged into one row, later fields winning, which leaves the record
//     as applying them one after the other would; every caller gets that
//     row's result.
//   - Creates of Leads with the same Email (case-insensitive) become one
//     create, fields merged the same way; every caller gets the one ID.
//   - Callers merged into one row share its result, failure included.
//   - Lookups of the same email, and retrieves or deletes of the same ID, are
//     sent once and answered to each caller.
package batch
