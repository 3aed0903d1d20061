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
    App, AuditEvent, Credential, Failure, Grant, Installation, InstalledApp, Org, StandIn,
    TokenRequest,
};
use reqwest::Method;
use serde_json::{Value, json};

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

/// The governance operations of one area (`personal-access-tokens` or
/// `personal-access-token-requests`), at each documented status served.
fn governance(segment: &'static str, ids: &str, action: &str, item: i64) -> Vec<Call> {
    let list = &format!("/orgs/{{org}}/{segment}");
    let id_param = if ids == "pat_ids" {
        "pat_id"
    } else {
        "pat_request_id"
    };
    let one = &format!("{list}/{{{id_param}}}");
    let repos = &format!("{one}/repositories");
    let eleven: String = (0..11).map(|i| format!("owner[]=u{i}&")).collect();
    vec![
        call(
            list,
            Method::GET,
            &format!("/orgs/acme/{segment}?per_page=100"),
            200,
        ),
        call(
            list,
            Method::GET,
            &format!("/organizations/652551/{segment}?page=2&per_page=5"),
            200,
        ),
        call(
            list,
            Method::GET,
            &format!("/orgs/acme/{segment}?{eleven}"),
            422,
        ),
        call(list, Method::GET, &format!("/orgs/nobody/{segment}"), 404),
        call(list, Method::GET, &format!("/orgs/locked/{segment}"), 403),
        call(list, Method::GET, &format!("/orgs/broken/{segment}"), 500),
        call(
            repos,
            Method::GET,
            &format!("/orgs/acme/{segment}/{item}/repositories"),
            200,
        ),
        call(
            repos,
            Method::GET,
            &format!("/organizations/652551/{segment}/{item}/repositories"),
            200,
        ),
        call(
            repos,
            Method::GET,
            &format!("/orgs/acme/{segment}/404/repositories"),
            404,
        ),
        call(
            repos,
            Method::GET,
            &format!("/orgs/locked/{segment}/1/repositories"),
            403,
        ),
        call(
            repos,
            Method::GET,
            &format!("/orgs/broken/{segment}/1/repositories"),
            500,
        ),
        call(list, Method::POST, &format!("/orgs/acme/{segment}"), 422)
            .body(json!({"action": "nope"})),
        call(list, Method::POST, &format!("/orgs/acme/{segment}"), 422)
            .body(json!({"action": action, ids: [99]})),
        call(list, Method::POST, &format!("/orgs/nobody/{segment}"), 404)
            .body(json!({"action": action, ids: [1]})),
        call(list, Method::POST, &format!("/orgs/acme/{segment}"), 202)
            .body(json!({"action": action, ids: [652_551_000_001_i64]})),
        call(one, Method::POST, &format!("/orgs/acme/{segment}/404"), 404)
            .body(json!({"action": action})),
        call(
            one,
            Method::POST,
            &format!("/orgs/acme/{segment}/{item}"),
            422,
        )
        .body(json!({"action": "nope"})),
        call(
            one,
            Method::POST,
            &format!("/orgs/acme/{segment}/{item}"),
            204,
        )
        .body(json!({"action": action})),
    ]
}

/// The App's operations and the organization-wide ones besides governance.
fn others() -> Vec<Call> {
    let credentials = "/orgs/{org}/credential-authorizations";
    let credential = "/orgs/{org}/credential-authorizations/{credential_id}";
    let tokens = "/app/installations/{installation_id}/access_tokens";
    vec![
        call("/app/installations", Method::GET, "/app/installations", 200),
        call(
            "/orgs/{org}/installation",
            Method::GET,
            "/orgs/acme/installation",
            200,
        ),
        call(
            "/orgs/{org}/installation",
            Method::GET,
            "/orgs/gamma/installation",
            200,
        ),
        call(
            tokens,
            Method::POST,
            "/app/installations/11/access_tokens",
            201,
        )
        .body(json!({})),
        call(
            tokens,
            Method::POST,
            "/app/installations/13/access_tokens",
            403,
        )
        .body(json!({})),
        call(
            tokens,
            Method::POST,
            "/app/installations/99/access_tokens",
            404,
        )
        .body(json!({})),
        call(
            "/orgs/{org}/installations",
            Method::GET,
            "/orgs/acme/installations",
            200,
        ),
        call(
            "/orgs/{org}/installations",
            Method::GET,
            "/organizations/652551/installations",
            200,
        ),
        call(
            credentials,
            Method::GET,
            "/orgs/acme/credential-authorizations",
            200,
        ),
        call(
            credentials,
            Method::GET,
            "/organizations/652551/credential-authorizations?login=hubot",
            200,
        ),
        call(
            credential,
            Method::DELETE,
            "/orgs/acme/credential-authorizations/11",
            204,
        ),
        call(
            credential,
            Method::DELETE,
            "/orgs/acme/credential-authorizations/11",
            404,
        ),
        call(
            "/orgs/{org}/audit-log",
            Method::GET,
            "/orgs/acme/audit-log?per_page=1",
            200,
        ),
        call(
            "/orgs/{org}/audit-log",
            Method::GET,
            "/organizations/652551/audit-log",
            200,
        ),
    ]
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
        .start()
        .await
        .unwrap();
    (github, app_jwt(&pair, json!(4242), clock.now()))
}

#[tokio::test]
async fn every_answer_served_matches_githubs_documented_schema() {
    let doc: Value = serde_json::from_str(include_str!("../../spec/openapi.json")).unwrap();
    let resource = jsonschema::Draft::Draft202012.create_resource(to_json_schema(&doc));
    let registry = jsonschema::Registry::new()
        .add(SPEC_URI, resource)
        .unwrap()
        .prepare()
        .unwrap();
    let (github, jwt) = start().await;
    let org_calls = [
        governance("personal-access-tokens", "pat_ids", "revoke", 1),
        governance(
            "personal-access-token-requests",
            "pat_request_ids",
            "approve",
            7,
        ),
        others(),
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
            assert!(
                called.contains(&(method.clone(), path.clone())),
                "{method} {path} is never called"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} answers drift from the description:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
