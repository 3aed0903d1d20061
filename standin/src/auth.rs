//! Who is calling: App JWTs checked the way GitHub checks them, and the
//! tokens the token-governance endpoints take.
//!
//! What is relied on ("Authenticating as a GitHub App", "Generating a JSON
//! Web Token (JWT) for a GitHub App", docs.github.com): a JWT is RS256-signed
//! with the App's private key; `iss` is the App's client ID or App ID; `iat`
//! is in the past; `exp` is in the future and at most ten minutes after
//! `iat`. GitHub's refusals say which claim failed, in the words below. An
//! installation token expires an hour after it is minted, and only GitHub
//! Apps may call the token-governance endpoints, with an installation token
//! of the organization.

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::failure::Failure;
use crate::log::{Caller, bearer, jwt_json, jwt_segments};
use crate::model::{App, Org};
use crate::respond::{self, Refused};
use crate::state::{OrgKey, Shared, World};

/// What GitHub answers for a JWT it cannot use: a bad signature, header or issuer.
pub(crate) const UNDECODABLE: &str = "A JSON web token could not be decoded";
pub(crate) const EXPIRED: &str =
    "'Expiration time' claim ('exp') must be a numeric value representing the future time";
pub(crate) const TOO_LONG: &str = "'Expiration time' claim ('exp') is too far in the future";
pub(crate) const NOT_ISSUED: &str =
    "'Issued at' claim ('iat') must be an Integer representing a time in the past";

/// A refusal: GitHub's status and message, and who the caller was taken for.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    status: u16,
    message: &'static str,
    pub(crate) caller: Caller,
}

impl Refusal {
    fn unauthorized(message: &'static str, caller: Caller) -> Self {
        Refusal {
            status: 401,
            message,
            caller,
        }
    }

    /// GitHub's response, citing `docs`.
    pub(crate) fn response(&self, docs: &str) -> Response {
        respond::answered_as(respond::error(self.status, self.message, docs), self.caller)
    }
}

/// GitHub's checks of an App JWT as of `now` (Unix seconds); `Err` is GitHub's message.
pub(crate) fn check_jwt(app: &App, jwt: &str, now: i64) -> Result<(), &'static str> {
    let [header, claims, signature] = jwt_segments(jwt).ok_or(UNDECODABLE)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| UNDECODABLE)?;
    let signed = &jwt[..header.len() + 1 + claims.len()];
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &app.public_key)
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| UNDECODABLE)?;
    let (Some(header), Some(claims)) = (jwt_json(header), jwt_json(claims)) else {
        return Err(UNDECODABLE);
    };
    if header["alg"] != "RS256" || !issued_by(app, &claims["iss"]) {
        return Err(UNDECODABLE);
    }
    let (Some(iat), Some(exp)) = (claims["iat"].as_i64(), claims["exp"].as_i64()) else {
        return Err(NOT_ISSUED);
    };
    if exp <= now {
        Err(EXPIRED)
    } else if exp > now + 600 || exp - iat > 600 {
        Err(TOO_LONG)
    } else if iat > now {
        Err(NOT_ISSUED)
    } else {
        Ok(())
    }
}

/// Whether `iss` names the App: its client ID, or its App ID as a number or a string.
fn issued_by(app: &App, iss: &Value) -> bool {
    match iss {
        Value::String(iss) => *iss == app.client_id || *iss == app.app_id.to_string(),
        Value::Number(iss) => iss.as_u64() == Some(app.app_id),
        _ => false,
    }
}

/// The App, when the request carries a JWT GitHub would accept at `now`.
/// `None` when the stand-in plays no App (its App endpoints are then 404).
pub(crate) fn app<'w>(
    world: &'w World,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Option<Result<&'w App, Refusal>> {
    let app = world.app.as_ref()?;
    let jwt = bearer(headers).ok_or("Requires authentication");
    let checked = jwt.and_then(|jwt| check_jwt(app, jwt, now.timestamp()));
    let refused = |message| Refusal::unauthorized(message, Caller::RefusedJwt);
    Some(checked.map(|()| app).map_err(refused))
}

/// Who is calling, and what `read` took from (or did to) the organization
/// named by `key`, when the request's credentials reach it: every organization
/// endpoint admits its callers so. An unknown organization is GitHub's 404,
/// answered as the installation that asked when an installation token did;
/// what `read` refuses (a configured failure) is answered with `docs`.
pub(crate) fn admit<T>(
    s: &Shared,
    key: &OrgKey,
    headers: &HeaderMap,
    docs: &str,
    read: impl FnOnce(&mut Org) -> Result<T, Failure>,
) -> Result<(Caller, T), Refused> {
    let now = s.clock.now();
    let mut world = s.world();
    let login = world.org(key).map(|o| o.login.clone());
    let caller = match for_org(
        &mut world,
        headers,
        now,
        login.as_deref().unwrap_or_default(),
    ) {
        Ok(caller) => caller,
        // An installation token asking for an organization GitHub does not have.
        Err(Refusal {
            caller: caller @ Caller::Installation(_),
            ..
        }) if login.is_none() => caller,
        Err(refusal) => return Err(refusal.response(docs).into()),
    };
    let refuse = |failure: &Failure| {
        Refused::from(respond::answered_as(
            respond::failure(failure, docs),
            caller,
        ))
    };
    let Some(org) = world.org_mut(key) else {
        return Err(refuse(&Failure::NotFound));
    };
    read(org).map(|t| (caller, t)).map_err(|f| refuse(&f))
}

/// Who may act on organization `org`'s grants and requests: a live token
/// minted here for an installation on `org` (counting its use), the static
/// token, or anyone when neither a token nor an App is configured.
pub(crate) fn for_org(
    world: &mut World,
    headers: &HeaderMap,
    now: DateTime<Utc>,
    org: &str,
) -> Result<Caller, Refusal> {
    let refused = |message| Err(Refusal::unauthorized(message, Caller::RefusedToken));
    let Some(token) = bearer(headers) else {
        return if world.open() {
            Ok(Caller::Anyone)
        } else {
            refused("Requires authentication")
        };
    };
    let lag = world.faults.fresh_token_rejections;
    if let Some(minted) = world.minted(token) {
        minted.uses += 1;
        if minted.revoked || minted.token.expires_at <= now || minted.uses <= lag {
            return refused("Bad credentials");
        }
        let installation = minted.token.installation;
        let covers = world
            .app
            .as_ref()
            .and_then(|app| app.installation(installation))
            .is_some_and(|i| i.covers(org));
        let caller = Caller::Installation(installation);
        return if covers {
            Ok(caller)
        } else {
            Err(Refusal {
                status: Failure::Forbidden.status(),
                message: "Resource not accessible by integration",
                caller,
            })
        };
    }
    if world.token.as_ref().is_some_and(|t| t.is(token)) {
        Ok(Caller::Token)
    } else if world.open() {
        Ok(Caller::Anyone)
    } else {
        refused("Bad credentials")
    }
}
