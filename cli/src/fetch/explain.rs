//! GitHub's errors in words: what failed, GitHub's message with its causes,
//! and what it means for the App's permissions or installation.

use github_pat_grants::{AppAuthErrorKind, Error};

use crate::row::Kind;

/// One of the listings of an organization; their table, in the order they
/// are fetched, is the variants'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::VariantArray)]
#[non_exhaustive]
pub enum Endpoint {
    /// `GET /orgs/{org}/personal-access-tokens`.
    Grants,
    /// `GET /orgs/{org}/personal-access-token-requests`.
    Requests,
    /// `GET /orgs/{org}/credential-authorizations` (GitHub Enterprise Cloud, SAML SSO).
    Credentials,
    /// `GET /orgs/{org}/installations`.
    Installations,
}

impl Endpoint {
    /// What the listing lists.
    pub fn kind(self) -> Kind {
        match self {
            Endpoint::Grants => Kind::Grant,
            Endpoint::Requests => Kind::Request,
            Endpoint::Credentials => Kind::Credential,
            Endpoint::Installations => Kind::Installation,
        }
    }

    /// The App's organization permission the endpoint needs (to list, and
    /// to revoke or review): its name in GitHub's settings and its key in
    /// the API.
    pub fn permission(self) -> (&'static str, &'static str) {
        match self {
            Endpoint::Grants => (
                "Personal access tokens",
                "organization_personal_access_tokens",
            ),
            Endpoint::Requests => (
                "Personal access token requests",
                "organization_personal_access_token_requests",
            ),
            Endpoint::Credentials | Endpoint::Installations => {
                ("Administration", "organization_administration")
            }
        }
    }

    /// What the listing is, for messages.
    pub fn what(self) -> &'static str {
        match self {
            Endpoint::Grants => "listing grants",
            Endpoint::Requests => "listing token requests",
            Endpoint::Credentials => "listing SAML credential authorizations",
            Endpoint::Installations => "listing installed Apps",
        }
    }
}

/// Why a listing of credentials or installations was not audited, when
/// GitHub's answer means the organization cannot have them listed rather
/// than that something went wrong: `None` for every other failure.
///
/// What is relied on: GitHub answers 403 `Resource not accessible by
/// integration` when the App lacks a permission, here "Administration"
/// (read); the credential authorizations listing is GitHub Enterprise
/// Cloud's, for organizations that use SAML single sign-on, and GitHub
/// answers 404 `Not Found` without SAML SSO and where the endpoint does not
/// exist (GitHub.com, GitHub Enterprise Server). The description documents
/// neither answer (see the stand-in's `credentials` module).
pub fn not_audited(endpoint: Endpoint, error: &Error) -> Option<String> {
    let (name, key) = endpoint.permission();
    match (endpoint, error.status()) {
        (Endpoint::Credentials | Endpoint::Installations, Some(403)) => Some(format!(
            "the GitHub App lacks the organization permission \"{name}\" ({key}): read"
        )),
        (Endpoint::Credentials, Some(404)) => Some(
            "the organization does not use SAML single sign-on, or this GitHub has no \
             credential authorizations (GitHub.com, GitHub Enterprise Server)"
                .into(),
        ),
        _ => None,
    }
}

/// A failed listing in words: GitHub's message, and what it means for the
/// App's permissions or installation.
pub fn explain(org: &str, endpoint: Endpoint, error: &Error) -> String {
    let (name, key) = endpoint.permission();
    let needs = format!("the organization permission \"{name}\" ({key}): read");
    let hint = match error {
        Error::Api(e) if e.status == 403 => format!(
            "the GitHub App lacks {needs}; grant it in the App's settings and accept the new \
             permission on the organization (a token that is not a GitHub App installation \
             token cannot call this endpoint at all)"
        ),
        Error::Api(e) if e.status == 404 => format!(
            "the organization does not exist, or the GitHub App is not installed on it (the App \
             needs {needs})"
        ),
        Error::Api(e) if e.status == 401 => {
            "GitHub did not accept the token: is GITHUB_TOKEN a current installation token? \
             (they expire after an hour; --app-id or --client-id with --private-key lets \
             pat-audit mint and renew them itself)"
                .into()
        }
        Error::AppAuth(e) if e.kind == AppAuthErrorKind::NotInstalled => format!(
            "install the GitHub App on {org} (the App's page, Install App) with {needs}; \
             --all-installations audits only the organizations it is installed on"
        ),
        Error::AppAuth(_) => app_hint(error).unwrap_or_default().into(),
        Error::RateLimited(e) => match e.reset {
            Some(reset) => format!(
                "the rate limit is exhausted until {}; run again then, or audit fewer organizations at once",
                reset.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None => "GitHub's rate limit stopped the audit; run again later".into(),
        },
        _ => String::new(),
    };
    failed(&format!("{org}: {}", endpoint.what()), error, &hint)
}

/// `WHAT failed: MESSAGE`, GitHub's message with its causes, and the hint
/// when there is one (`WHAT` names the organization when there is one:
/// `ORG: reading the audit log`).
pub fn failed(what: &str, error: &Error, hint: &str) -> String {
    let message = with_causes(error);
    match hint {
        "" => format!("{what} failed: {message}"),
        hint => format!("{what} failed: {message}. Hint: {hint}"),
    }
}

/// What to check when GitHub App authentication fails, by the status of
/// GitHub's answer; `None` when there is nothing useful to say.
pub fn app_hint(error: &Error) -> Option<&'static str> {
    let status = match error {
        Error::AppAuth(e) if e.kind == AppAuthErrorKind::TokenRejected => Some(401),
        Error::AppAuth(e) => e.cause().and_then(Error::status),
        // `GET /app/installations` fails with GitHub's own error.
        _ => error.status(),
    };
    match status {
        Some(401) => Some(
            "GitHub did not accept the App's JWT. Is --private-key this App's key (a key of \
             another App, or one revoked in the App's settings, is refused)? Is --app-id the \
             App ID (a number) or --client-id the client ID (Iv23li...) of that same App? \
             Is this machine's clock right (a JWT is valid for 10 minutes)?",
        ),
        Some(403) => Some(
            "the installation may be suspended (the organization's Settings, GitHub Apps), \
             or the App lacks a permission",
        ),
        Some(404) => Some(
            "the installation no longer exists: the App was uninstalled, or the key belongs \
             to another App",
        ),
        _ => None,
    }
}

/// GitHub's message for a failed call, for a report: its `message`, the
/// status, and any validation details; other failures with their causes.
pub fn github_message(error: &Error) -> String {
    let Error::Api(e) = error else {
        return with_causes(error);
    };
    let mut m = format!("{} (HTTP {})", e.message, e.status);
    for d in &e.errors {
        let parts: Vec<&str> = [&d.field, &d.code, &d.message]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .collect();
        if !parts.is_empty() {
            m.push_str(&format!("; {}", parts.join(" ")));
        }
    }
    m
}

/// An error's message followed by its causes' where they add something:
/// reqwest's errors keep the cause (connection refused, a TLS failure) in
/// their source chain, out of their own message.
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    for cause in std::iter::successors(error.source(), |cause| cause.source()) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(&format!(": {cause}"));
        }
    }
    message
}
