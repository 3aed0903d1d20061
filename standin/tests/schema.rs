#![forbid(unsafe_code)]
//! Every answer the stand-in serves, checked against GitHub's description:
//! each operation of `spec/openapi.json` it implements is called for each
//! status it answers with a documented body, and the body is validated
//! against the schema of that operation, status and content type. A shape
//! the stand-in made up (a missing member, a number where GitHub sends a
//! string) fails here with the operation, the status and the JSON pointer.
//! The hostile mode, which serves bad answers on purpose, is left out.

mod common;

use chrono::{TimeZone as _, Utc};
use common::{TOKEN, TestClock, app_jwt, app_key};
use github_standin::{
    App, AuditEvent, Credential, Failure, Grant, Installation, InstalledApp, Org, SiteKey,
    SiteToken, StandIn, TokenRequest,
};
use reqwest::Method;
use serde_json::{Value, json};

/// The site administrator's token: the `/admin/` operations answer it alone.
const SITE_ADMIN: &str = "ghp_site_admin";

/// Where the converted description is registered for `$ref`s to reach it.
const SPEC_URI: &str = "https://spec.invalid/openapi.json";

/// One call: the operation (its path in the description and method), the
/// URL path called, its JSON body, and the status it must be answered with.
struct Call {
    operation: String,
    method: Method,
    path: String,
    body: Option<Value>,
    status: u16,
}

fn call(operation: &str, method: Method, path: &str, status: u16) -> Call {
    Call {
        operation: operation.to_string(),
        method,
        path: path.to_string(),
        body: None,
        status,
    }
}

impl Call {
    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// OpenAPI 3.0 schema -> JSON Schema: `nullable` becomes a `null` type (and
/// enum value); an object schema that lists its properties and says nothing
/// of others takes no others, so that a member the stand-in made up fails.
fn to_json_schema(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(k, _)| *k != "nullable")
                .map(|(k, v)| (k.clone(), to_json_schema(v)))
                .collect();
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                out.insert("unevaluatedProperties".into(), Value::Bool(false));
            }
            // The members of an `allOf` (an issue and what an update adds to
            // it) each list some of the properties: the whole takes no others.
            if let Some(Value::Array(members)) = out.get_mut("allOf") {
                for member in members.iter_mut().filter_map(Value::as_object_mut) {
                    member.remove("unevaluatedProperties");
                }
                out.insert("unevaluatedProperties".into(), Value::Bool(false));
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type") {
                    out.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// A JSON pointer's segment, escaped (`/` and `~`), then percent-encoded
/// as a URI fragment needs (`{`, `}`).
fn segment(key: &str) -> String {
    let escaped = key.replace('~', "~0").replace('/', "~1");
    let mut out = String::new();
    for b in escaped.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Follows a `$ref` (responses are shared components in the description).
fn resolve<'d>(doc: &'d Value, mut at: &'d Value) -> &'d Value {
    while let Some(r) = at.get("$ref").and_then(Value::as_str) {
        at = doc.pointer(&r[1..]).unwrap_or(&Value::Null);
    }
    at
}

/// The response `status` of `operation` documents a body of this content
/// type: where its schema is, as a URI into the registered description.
fn schema_uri(doc: &Value, call: &Call, content_type: &str) -> Result<String, String> {
    let method = call.method.as_str().to_ascii_lowercase();
    let status = call.status.to_string();
    let response = doc["paths"][&call.operation][&method]["responses"]
        .get(&status)
        .ok_or("the description documents no such status")?;
    let content = &resolve(doc, response)["content"];
    if content.get(content_type).is_none() {
        return Err(format!(
            "the description documents no body of type {content_type}"
        ));
    }
    if let Some(r) = response.get("$ref").and_then(Value::as_str) {
        return Ok(format!(
            "{SPEC_URI}{r}/content/{}/schema",
            segment(content_type)
        ));
    }
    let pointer = [
        "paths",
        &call.operation,
        &method,
        "responses",
        &status,
        "content",
    ]
    .map(segment)
    .join("/");
    Ok(format!(
        "{SPEC_URI}#/{pointer}/{}/schema",
        segment(content_type)
    ))
}

/// Makes the call and checks its answer; `Err` says what is wrong.
async fn check(
    github: &StandIn,
    doc: &Value,
    registry: &jsonschema::Registry<'_>,
    call: &Call,
    credential: &str,
) -> Result<(), String> {
    let mut request = reqwest::Client::new().request(
        call.method.clone(),
        format!("{}{}", github.base_url(), call.path),
    );
    if !credential.is_empty() {
        request = request.bearer_auth(credential);
    }
    if let Some(body) = &call.body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    if status != call.status {
        return Err(format!("answered {status}, not {}", call.status));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_string());
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    let Some(content_type) = content_type else {
        return match schema_uri(doc, call, "application/json") {
            Err(_) if bytes.is_empty() => Ok(()),
            _ => Err("no body, where the description documents one".into()),
        };
    };
    let uri = schema_uri(doc, call, &content_type)?;
    let body: Value = serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(registry)
        .should_validate_formats(true)
        .build(&json!({ "$ref": uri }))
        .map_err(|e| format!("the schema does not compile: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| format!("{content_type} at {:?}: {e}", e.instance_path().to_string()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// An organization holding some of everything: listed and seeded grants
/// and requests, repositories, SAML credentials, installed Apps, an audit log.
fn acme() -> Org {
    let at = Utc.with_ymd_and_hms(2026, 2, 1, 12, 0, 0).unwrap();
    Org::new("acme", 652551)
        .seeded_grants(40, 3)
        .grants([
            Grant::new(1)
                .owner("octocat")
                .permission("repository", "contents", "write")
                .repositories(["app"])
                .expires_at(Some(at))
                .last_used_at(Some(at)),
            Grant::new(2).repository_selection("all"),
        ])
        .seeded_requests(5, 3)
        .requests([TokenRequest::new(7)
            .reason("release automation")
            .repositories(["app"])])
        .repositories(["app", "infra"])
        .failing_ids([99])
        .credentials([
            Credential::personal_access_token(11, "octocat")
                .scopes(["repo"])
                .note("deploy"),
            Credential::ssh_key(12, "hubot")
                .title("laptop")
                .accessed_at(Some(at)),
            Credential::oauth_app_token(13, "hubot").expires_at(Some(at)),
        ])
        .installed_apps([InstalledApp::new(501, "ci-bot").permission("contents", "write")])
        .audit_log([
            AuditEvent::new("git.clone", at)
                .actor("mallory")
                .repository("acme/app"),
            AuditEvent::new("repo.create", at).actor("octocat"),
        ])
}

/// Calls of one operation: each a path called, its status and its body.
fn calls(operation: &str, method: Method, rows: Vec<(String, u16, Option<Value>)>) -> Vec<Call> {
    rows.into_iter()
        .map(|(path, status, body)| Call {
            body,
            ..call(operation, method.clone(), &path, status)
        })
        .collect()
}

/// The governance listings of one area (`personal-access-tokens` or
/// `personal-access-token-requests`) and the repositories of `item`, at
/// each documented status served.
fn listings(segment: &str, id_param: &str, item: i64) -> Vec<Call> {
    let list = format!("/orgs/{{org}}/{segment}");
    let repos = format!("{list}/{{{id_param}}}/repositories");
    let eleven: String = (0..11).map(|i| format!("owner[]=u{i}&")).collect();
    let (acme, by_id) = (
        format!("/orgs/acme/{segment}"),
        format!("/organizations/652551/{segment}"),
    );
    let mut all = calls(
        &list,
        Method::GET,
        vec![
            (format!("{acme}?per_page=100"), 200, None),
            (format!("{by_id}?page=2&per_page=5"), 200, None),
            (format!("{acme}?{eleven}"), 422, None),
            (format!("/orgs/nobody/{segment}"), 404, None),
            (format!("/orgs/locked/{segment}"), 403, None),
            (format!("/orgs/broken/{segment}"), 500, None),
        ],
    );
    all.extend(calls(
        &repos,
        Method::GET,
        vec![
            (format!("{acme}/{item}/repositories"), 200, None),
            (format!("{by_id}/{item}/repositories"), 200, None),
            (format!("{acme}/404/repositories"), 404, None),
            (format!("/orgs/locked/{segment}/1/repositories"), 403, None),
            (format!("/orgs/broken/{segment}/1/repositories"), 500, None),
        ],
    ));
    all
}

/// The bulk and single updates of one area, at each documented status served.
fn updates(segment: &str, (ids, id_param): (&str, &str), action: &str, item: i64) -> Vec<Call> {
    let list = format!("/orgs/{{org}}/{segment}");
    let acme = format!("/orgs/acme/{segment}");
    let mut all = calls(
        &list,
        Method::POST,
        vec![
            (acme.clone(), 422, Some(json!({"action": "nope"}))),
            (
                acme.clone(),
                422,
                Some(json!({"action": action, ids: [99]})),
            ),
            (
                format!("/orgs/nobody/{segment}"),
                404,
                Some(json!({"action": action, ids: [1]})),
            ),
            (
                acme.clone(),
                202,
                Some(json!({"action": action, ids: [652_551_000_001_i64]})),
            ),
        ],
    );
    all.extend(calls(
        &format!("{list}/{{{id_param}}}"),
        Method::POST,
        vec![
            (format!("{acme}/404"), 404, Some(json!({"action": action}))),
            (
                format!("{acme}/{item}"),
                422,
                Some(json!({"action": "nope"})),
            ),
            (
                format!("{acme}/{item}"),
                204,
                Some(json!({"action": action})),
            ),
        ],
    ));
    all
}

/// The App's operations, at each documented status served with a JWT.
fn app_calls() -> Vec<Call> {
    let tokens = "/app/installations/{installation_id}/access_tokens";
    let mint = |id: i64, status| {
        (
            format!("/app/installations/{id}/access_tokens"),
            status,
            Some(json!({})),
        )
    };
    let mut all = calls(
        "/app/installations",
        Method::GET,
        vec![("/app/installations".into(), 200, None)],
    );
    all.extend(calls(
        "/orgs/{org}/installation",
        Method::GET,
        vec![
            ("/orgs/acme/installation".into(), 200, None),
            ("/orgs/gamma/installation".into(), 200, None),
        ],
    ));
    all.extend(calls(
        tokens,
        Method::POST,
        vec![mint(11, 201), mint(13, 403), mint(99, 404)],
    ));
    all
}

/// The organizations' other operations: installed Apps, SAML credential
/// authorizations, the audit log.
fn org_calls() -> Vec<Call> {
    let get = |path: &str| (path.to_string(), 200, None);
    let credentials = "/orgs/{org}/credential-authorizations";
    let mut all = calls(
        "/orgs/{org}/installations",
        Method::GET,
        vec![
            get("/orgs/acme/installations"),
            get("/organizations/652551/installations"),
        ],
    );
    all.extend(calls(
        credentials,
        Method::GET,
        vec![
            get("/orgs/acme/credential-authorizations"),
            get("/organizations/652551/credential-authorizations?login=hubot"),
        ],
    ));
    all.extend(calls(
        &format!("{credentials}/{{credential_id}}"),
        Method::DELETE,
        vec![
            (
                "/orgs/acme/credential-authorizations/11".to_string(),
                204,
                None,
            ),
            (
                "/orgs/acme/credential-authorizations/11".to_string(),
                404,
                None,
            ),
        ],
    ));
    all.extend(calls(
        "/orgs/{org}/audit-log",
        Method::GET,
        vec![
            get("/orgs/acme/audit-log?per_page=1"),
            get("/organizations/652551/audit-log"),
        ],
    ));
    all
}

/// Cutting SAML authorizations by user and by type, in an organization
/// and in the enterprise.
fn containment_calls() -> Vec<Call> {
    let org = "/orgs/{org}/credential-authorizations";
    let enterprise = "/enterprises/{enterprise}/credential-authorizations";
    let by_type = json!({"credential_type": "ssh_key"});
    vec![
        call(
            &format!("{org}/{{username}}/revoke"),
            Method::POST,
            "/orgs/acme/credential-authorizations/hubot/revoke",
            202,
        ),
        call(
            &format!("{org}/revoke-credential-type"),
            Method::POST,
            "/orgs/acme/credential-authorizations/revoke-credential-type",
            202,
        )
        .body(by_type.clone()),
        call(
            &format!("{enterprise}/{{username}}/revoke"),
            Method::POST,
            "/enterprises/acme-corp/credential-authorizations/hubot/revoke",
            202,
        )
        .body(json!({"revoke_credentials": true})),
        call(
            &format!("{enterprise}/revoke-credential-type"),
            Method::POST,
            "/enterprises/acme-corp/credential-authorizations/revoke-credential-type",
            202,
        )
        .body(by_type),
    ]
}

/// Enterprise Server's site administration, with the site administrator's token.
fn site_calls() -> Vec<Call> {
    vec![
        call("/admin/keys", Method::GET, "/admin/keys?per_page=1", 200),
        call(
            "/admin/keys",
            Method::GET,
            "/admin/keys?sort=accessed&page=2&per_page=1",
            200,
        ),
        call("/admin/tokens", Method::GET, "/admin/tokens", 200),
        call(
            "/admin/keys/{key_ids}",
            Method::DELETE,
            "/admin/keys/21",
            204,
        ),
        call(
            "/admin/tokens/{token_id}",
            Method::DELETE,
            "/admin/tokens/2",
            204,
        ),
    ]
}

/// GitHub Enterprise Server 3.19's description of `GET /admin/tokens`
/// (`enterprise-admin/list-personal-access-tokens`), which the description
/// the SDK is generated from does not hold yet: its `authorization`
/// without the `installation` a classic token never has.
fn list_personal_access_tokens() -> (Value, Value) {
    let string = |format: Option<&str>, nullable: bool| {
        let mut schema = json!({"type": "string", "nullable": nullable});
        if let Some(format) = format {
            schema["format"] = json!(format);
        }
        schema
    };
    let authorization = json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer", "format": "int64"},
            "url": string(Some("uri"), false),
            "scopes": {"type": "array", "items": {"type": "string"}, "nullable": true},
            "token": string(None, false),
            "token_last_eight": string(None, true),
            "hashed_token": string(None, true),
            "app": {
                "type": "object",
                "properties": {
                    "client_id": string(None, false),
                    "name": string(None, false),
                    "url": string(Some("uri"), false),
                },
                "required": ["client_id", "name", "url"],
            },
            "note": string(None, true),
            "note_url": string(Some("uri"), true),
            "updated_at": string(Some("date-time"), false),
            "created_at": string(Some("date-time"), false),
            "fingerprint": string(None, true),
            "user": {"$ref": "#/components/schemas/nullable-simple-user"},
            "expires_at": string(Some("date-time"), true),
        },
        "required": ["app", "id", "note", "note_url", "scopes", "token", "hashed_token",
            "token_last_eight", "fingerprint", "url", "created_at", "updated_at", "expires_at"],
    });
    let operation = json!({"get": {"responses": {"200": {"description": "Response", "content": {
        "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/authorization"}}},
    }}}}});
    (operation, authorization)
}

/// A hosted repository's issues, comments and labels, and a repository
/// where writing them is refused, at each documented status served.
fn issue_calls() -> Vec<Call> {
    let issues = "/repos/{owner}/{repo}/issues";
    let (security, locked) = ("/repos/acme/security", "/repos/acme/locked");
    let opened = json!({"title": "Tokens of @octocat", "body": "x", "labels": ["pat-audit"]});
    let at = |path: &str| format!("{security}{path}");
    let mut all = calls(
        issues,
        Method::POST,
        vec![
            (at("/issues"), 201, Some(opened.clone())),
            (at("/issues"), 422, Some(json!({"body": "no title"}))),
            ("/repos/acme/nope/issues".into(), 404, Some(opened.clone())),
            (format!("{locked}/issues"), 403, Some(opened)),
        ],
    );
    let list = |q: &str, status| (format!("{security}/issues{q}"), status, None);
    let listed = vec![
        list("?labels=pat-audit&per_page=1", 200),
        list("?state=closed", 200),
    ];
    all.extend(calls(issues, Method::GET, listed));
    all.push(call(issues, Method::GET, "/repos/acme/nope/issues", 404));
    let one = format!("{issues}/{{issue_number}}");
    let closing = json!({"state": "closed", "state_reason": "not_planned"});
    all.extend(calls(
        &one,
        Method::PATCH,
        vec![
            (at("/issues/1"), 200, Some(closing.clone())),
            (at("/issues/1"), 422, Some(json!({"state": "nope"}))),
            (at("/issues/9"), 404, Some(closing.clone())),
            (format!("{locked}/issues/1"), 403, Some(closing)),
        ],
    ));
    let said = json!({"body": "Nothing left to fix."});
    all.extend(calls(
        &format!("{one}/comments"),
        Method::POST,
        vec![
            (at("/issues/1/comments"), 201, Some(said.clone())),
            (at("/issues/1/comments"), 422, Some(json!({}))),
            (at("/issues/9/comments"), 404, Some(said.clone())),
            (format!("{locked}/issues/1/comments"), 403, Some(said)),
        ],
    ));
    let labels = "/repos/{owner}/{repo}/labels";
    let triage = json!({"name": "triage", "color": "d73a4a"});
    all.extend(calls(
        labels,
        Method::POST,
        vec![
            (at("/labels"), 201, Some(triage.clone())),
            (at("/labels"), 422, Some(triage.clone())),
            ("/repos/acme/nope/labels".into(), 404, Some(triage)),
        ],
    ));
    let label = |name: &str, status| (at(&format!("/labels/{name}")), status, None);
    let read = vec![
        label("pat-audit", 200),
        label("triage", 200),
        label("none", 404),
    ];
    all.extend(calls(&format!("{labels}/{{name}}"), Method::GET, read));
    all
}

/// Calls made without credentials: GitHub's revocation API refuses any.
fn unauthenticated() -> Vec<Call> {
    vec![
        call(
            "/credentials/revoke",
            Method::POST,
            "/credentials/revoke",
            202,
        )
        .body(json!({"credentials": ["ghp_leaked"]})),
        call(
            "/credentials/revoke",
            Method::POST,
            "/credentials/revoke",
            422,
        )
        .body(json!({"credentials": []})),
        call(
            "/app/installations/{installation_id}/access_tokens",
            Method::POST,
            "/app/installations/11/access_tokens",
            401,
        )
        .body(json!({})),
    ]
}

async fn start() -> (StandIn, String) {
    let (pair, public_key) = app_key();
    let clock = TestClock::new();
    let app = App::new(4242, "Iv23liStandIn", public_key)
        .installed_on(11, "acme")
        .install(Installation::organization(13, "gamma").suspended(true));
    let github = StandIn::builder()
        .token(TOKEN)
        .app(app)
        .clock(clock.source())
        .org(acme())
        .org(Org::new("locked", 2).failing(Failure::Forbidden))
        .org(Org::new("broken", 3).failing(Failure::ServerError(500)))
        .repository("acme/security")
        .issues_forbidden("acme/locked")
        .site_admin(SITE_ADMIN)
        .site_tokens([
            SiteToken::new(1, "octocat").note("deploy").scopes(["repo"]),
            SiteToken::new(2, "hubot").expires_at(Some(clock.now())),
        ])
        .site_keys([
            SiteKey::user(20, "octocat").last_used(Some(clock.now())),
            SiteKey::deploy(21, 1296269).added_by("hubot"),
        ])
        .start()
        .await
        .unwrap();
    (github, app_jwt(&pair, json!(4242), clock.now()))
}

#[tokio::test]
async fn every_answer_served_matches_githubs_documented_schema() {
    let mut doc: Value = serde_json::from_str(include_str!("../../spec/openapi.json")).unwrap();
    if doc["paths"].get("/admin/tokens").is_none() {
        let (operation, authorization) = list_personal_access_tokens();
        doc["paths"]["/admin/tokens"] = operation;
        doc["components"]["schemas"]["authorization"] = authorization;
    }
    let resource = jsonschema::Draft::Draft202012.create_resource(to_json_schema(&doc));
    let registry = jsonschema::Registry::new()
        .add(SPEC_URI, resource)
        .unwrap()
        .prepare()
        .unwrap();
    let (github, jwt) = start().await;
    let org_calls = [
        listings("personal-access-tokens", "pat_id", 1),
        listings("personal-access-token-requests", "pat_request_id", 7),
        updates("personal-access-tokens", ("pat_ids", "pat_id"), "revoke", 1),
        updates(
            "personal-access-token-requests",
            ("pat_request_ids", "pat_request_id"),
            "approve",
            7,
        ),
        app_calls(),
        org_calls(),
        containment_calls(),
        site_calls(),
        issue_calls(),
    ];
    let mut failures = Vec::new();
    let mut called = std::collections::BTreeSet::new();
    for (calls, credential) in [
        (org_calls.into_iter().flatten().collect::<Vec<_>>(), TOKEN),
        (unauthenticated(), ""),
    ] {
        for call in calls {
            let app =
                call.operation.starts_with("/app/") || call.operation.ends_with("/installation");
            let credential = if app && !credential.is_empty() {
                jwt.as_str()
            } else if call.operation.starts_with("/admin/") {
                SITE_ADMIN
            } else {
                credential
            };
            if let Err(why) = check(&github, &doc, &registry, &call, credential).await {
                failures.push(format!(
                    "{} {} -> {} ({}): {why}",
                    call.method, call.operation, call.status, call.path
                ));
            }
            called.insert((call.method.to_string(), call.operation));
        }
    }
    // Every operation of the description is one the stand-in serves: each is called.
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let method = method.to_ascii_uppercase();
            let called = called.contains(&(method.clone(), path.clone()));
            assert!(called, "{method} {path} is never called");
        }
    }
    assert!(
        failures.is_empty(),
        "{} answers drift from the description:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
