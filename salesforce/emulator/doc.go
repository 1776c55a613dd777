// Package emulator is a strict, fault-injecting, in-memory double of the Salesforce REST API,
// written from docs/salesforce-rest.md. An *Emulator is an http.Handler: mount it on an
// httptest.Server in tests, or run it standalone with
//
//	go run ./hack/salesforce-emulator --addr 127.0.0.1:8085
//
// (defaults: username dev@example.com, password "password", security token "token").
//
// # Authentication
//
//   - POST /services/oauth2/token
//     grant_type=password (form body or query string; password = password + security token),
//     client_credentials (client_id/client_secret form fields or HTTP Basic; refused with
//     invalid_grant "request not supported on this domain" when the request Host is
//     login.salesforce.com or test.salesforce.com, or when Options.LoginHostOnly is set), and
//     urn:ietf:params:oauth:grant-type:jwt-bearer (RS256 verified with Options.JWTPublicKey;
//     iss = ClientID, sub = Username, aud = login/test host or the instance URL, exp in the future).
//     Success: access_token "{orgId}!{opaque}", instance_url, id, token_type, issued_at (epoch ms
//     string), signature; scope for client credentials and JWT; never expires_in or refresh_token.
//     Errors: HTTP 400 {"error","error_description"} exactly as §1.2–1.4 list them. When
//     Options.ClientID is set, the password grant requires it too.
//   - POST /services/oauth2/revoke token=... ends a session.
//   - POST /services/Soap/u/{NN.0} (and /Soap/c/): SOAP login(). 31.0–64.0 answer; failures are
//     HTTP 500 faults with faultcode INVALID_LOGIN and sf:LoginFault. Versions ≤ 30.0 answer HTTP
//     500 UNSUPPORTED_API_VERSION (documented). Versions ≥ 65.0, where login() is not available,
//     answer HTTP 500 INVALID_OPERATION "The SOAP Login operation is not available in the API
//     version specified (65.0)…", as live orgs do (reported in forcedotcom/wsc#363).
//     Options.SOAPLogin (flag --soap-login, admin POST /_emulator/soap-login) refuses login() on
//     every version with HTTP 500 INVALID_OPERATION: "disabled" with the message orgs created
//     with login() off send (OpenFn/adaptors#1715), "retired" as after the Summer '27 release
//     (the retired call's answer is not documented; we assume the same fault).
//   - Sessions expire after Options.SessionIdleTimeout without a successful call (each call
//     restarts the countdown) → 401 [{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}].
//     A missing or non-Bearer Authorization header → 401 INVALID_AUTH_HEADER / INVALID_HEADER_TYPE.
//   - instance_url is scheme://host of the request unless Options.InstanceURL is set.
//
// # Data API (/services/data/vNN.N/, versions 31.0–68.0)
//
// GET /services/data/ lists versions (no auth, not counted, no Sforce-Limit-Info). Retired
// versions (≤ 30.0) answer 410 GONE, unknown future ones 404. Under a version: the resources map,
// limits, sobjects (describe global), sobjects/{T} (basic info, create), sobjects/{T}/describe,
// sobjects/{T}/{id} (GET/HEAD, PATCH → 204, POST ?_HttpMethod=PATCH, DELETE → 204),
// sobjects/{T}/{Field}/{value} (upsert 201/200/204(≤45.0)/300, GET, DELETE), query, queryAll
// (SELECT … FROM … [WHERE] [ORDER BY] [LIMIT] [OFFSET], COUNT(); filter values quoted for text
// and ids, bare for booleans, numbers, dates and datetimes, else INVALID_FIELD; pages of ≤2,000 rows,
// Sforce-Query-Options batchSize clamped to 200–2000, nextRecordsUrl …/query/{cursor}-{offset}),
// parameterizedSearch (token search lagging writes by Options.SearchIndexLag), composite
// (≤25 subrequests, ≤5 of them query or collections, allOrNone, @{ref.path} references; an outer
// allOrNone:true overrides each collection's own and a failed record then rolls back everything) and
// composite/sobjects (create, update, upsert, retrieve, delete; ≤200 records; statusCode items).
// A URI over 16,384 bytes answers 414 with an HTML body.
//
// Every data call (including error answers) carries Sforce-Limit-Info: api-usage=n/max. Each call
// counts once: a composite or collections call is one call, each query page is one. Past
// Options.DailyLimit → 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded.". Unauthenticated
// calls are not counted. Injected faults are not counted.
//
// Schema: Lead, Contact, Account, Opportunity and Case with their required, read-only and length
// rules, plus custom objects and __c fields from Options or DefineObject/DefineField. A lookup
// written through the API must name a live record of an emulated object, else
// INVALID_CROSS_REFERENCE_KEY (User, Group and RecordType ids are only checked by prefix). Ids are 18
// characters with the right key prefix and checksum; 15-character ids are accepted. Datetimes
// render as 2026-11-29T10:00:00.000+0000. Not emulated: duplicate rules (inject
// DUPLICATES_DETECTED as a fault), assignment rules, relationship queries, If-Modified-Since,
// ETags, Bulk API, composite batch/tree/graph, SOSL /search.
//
// # Faults
//
// AddFault installs a rule matching Method and a substring of the request URI. A rule can delay
// (Latency), answer Status/Body/ContentType, hang until the client gives up, or drop the
// connection; Times limits how many matching calls it affects and Rate makes it probabilistic.
// Preset returns the canned answers: SERVER_UNAVAILABLE (503 JSON), BAD_GATEWAY (502 HTML),
// UNKNOWN_EXCEPTION (500), UNABLE_TO_LOCK_ROW (400), REQUEST_LIMIT_EXCEEDED (403),
// DUPLICATES_DETECTED (400 with the misspelt "duplicateResut" key), HANG and DROP.
//
// # Admin API (/_emulator/: JSON, no auth, not counted, no limit header, not logged)
//
//	GET    /_emulator/                      index of these endpoints
//	POST   /_emulator/seed                  {"Lead":[{...}],...} → {"Lead":["00Q…"]}
//	GET    /_emulator/records/{T}           rows of a type; ?deleted=true includes the recycle bin
//	POST   /_emulator/records/{T}           seed one record (object) or several (array)
//	GET    /_emulator/records/{T}/{id}      one row, deleted rows included
//	PATCH  /_emulator/records/{T}/{id}      set fields as a UI user would (drift)
//	POST   /_emulator/leads/{id}/convert    convert a lead → {"contactId","accountId"}
//	GET    /_emulator/requests              request log (method, path, query, status, time)
//	GET    /_emulator/counters              {"apiCallsUsed","dailyLimit","logins","counters"}
//	POST   /_emulator/usage                 {"apiCallsUsed":n}
//	GET    /_emulator/faults                installed fault rules by id
//	POST   /_emulator/faults                {"preset"?,"method","pathContains","status","body",
//	                                        "contentType","times","rate","latency":"250ms","hang","drop"} → {"id"}
//	DELETE /_emulator/faults[/{id}]         clear all or one
//	POST   /_emulator/sessions/expire       expire every session now
//	POST   /_emulator/credentials           {"password","securityToken"} (rotation)
//	POST   /_emulator/objects               ObjectDef {"Name","Label","KeyPrefix","Required"}
//	POST   /_emulator/fields                FieldDef {"Object","Name","Type","Length","ExternalID","Unique"}
//	POST   /_emulator/reset                 back to the state New produced
//
// The Go API mirrors it: Seed, SeedAll, SeedJSON, Records, Record, SetFields, ConvertLead,
// Requests, Counters, APICallsUsed, SetAPICallsUsed, Logins, AddFault, RemoveFault, ClearFaults,
// Faults, ExpireSessions, SetCredentials, DefineObject, DefineField, Reset.
package emulator
