//! Who is calling: App JWTs checked the way GitHub checks them, the tokens
//! an organization's endpoints take and the site administrator's, all
//! through one sign-in ([`sign_in`], told what the endpoint [`Accepts`]).
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
use crate::respond::{self, Answer, Refused};
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
pub(crate) struct Refusal(u16, &'static str, Caller);

impl Refusal {
    /// GitHub's response, citing `docs`.
    pub(crate) fn response(&self, docs: &str) -> Response {
        let Refusal(status, message, caller) = *self;
        respond::answered_as(respond::error(status, message, docs), caller)
    }
}

/// The stand-in's wording of GitHub's refusal to anyone but a site administrator.
const NOT_ADMIN: &str = "Must have admin rights: only a site administrator may use this endpoint";

/// Whom an endpoint takes a request from: every endpoint but the credential
/// revocation API's signs its callers in with one of these.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Accepts<'a> {
    /// The App, with a JWT GitHub would accept.
    App,
    /// GitHub Enterprise Server's site administrator, with the token.
    SiteAdmin,
    /// Whoever may act on the organization with this login: a live token
    /// minted here for an installation on it (counting its use), the static
    /// token, or anyone when neither a token nor an App is configured.
    Org(&'a str),
}

/// Who is calling at `now`, when the request's credentials are what
/// `accepts` takes; GitHub's refusal otherwise. Where the stand-in offers
/// no such sign-in (no App; no site administrator: GitHub.com) the path is
/// not served, whoever calls (404).
pub(crate) fn sign_in(
    world: &mut World,
    headers: &HeaderMap,
    now: DateTime<Utc>,
    accepts: Accepts,
) -> Result<Caller, Refusal> {
    // Whether the sign-in is offered, whether it lets anyone in, and who a refused caller is.
    let (served, open, refused_as) = match accepts {
        Accepts::App => (world.app.is_some(), false, Caller::RefusedJwt),
        Accepts::SiteAdmin => (world.site.admin.is_some(), false, Caller::RefusedToken),
        Accepts::Org(_) => (true, world.open(), Caller::RefusedToken),
    };
    let refused = |status, message| Err(Refusal(status, message, refused_as));
    if !served {
        return Err(Refusal(404, "Not Found", Caller::Unchecked));
    }
    let Some(token) = bearer(headers) else {
        return if open {
            Ok(Caller::Anyone)
        } else {
            refused(401, "Requires authentication")
        };
    };
    let is_static = world.token.as_ref().is_some_and(|t| t.is(token));
    let jwt =
        |world: &World| (world.app.as_ref()).map(|app| check_jwt(app, token, now.timestamp()));
    match accepts {
        Accepts::App => match jwt(world) {
            Some(Err(message)) => refused(401, message),
            _ => Ok(Caller::App),
        },
        Accepts::SiteAdmin if (world.site.admin.as_ref()).is_some_and(|a| a.is(token)) => {
            Ok(Caller::SiteAdmin)
        }
        // Another credential GitHub knows is refused for what it is; any other is not one.
        Accepts::SiteAdmin
            if is_static || world.minted(token).is_some() || jwt(world) == Some(Ok(())) =>
        {
            refused(403, NOT_ADMIN)
        }
        Accepts::Org(org) => match installation(world, token, now, org) {
            Some(signed_in) => signed_in,
            None if is_static => Ok(Caller::Token),
            None if open => Ok(Caller::Anyone),
            None => refused(401, "Bad credentials"),
        },
        Accepts::SiteAdmin => refused(401, "Bad credentials"),
    }
}

/// The installation a token minted here signs in for organization `org`
/// (counting its use); `None` for a token the stand-in did not mint.
fn installation(
    world: &mut World,
    token: &str,
    now: DateTime<Utc>,
    org: &str,
) -> Option<Result<Caller, Refusal>> {
    let lag = world.faults.fresh_token_rejections;
    let minted = world.minted(token)?;
    minted.uses += 1;
    if minted.revoked || minted.token.expires_at <= now || minted.uses <= lag {
        return Some(Err(Refusal(401, "Bad credentials", Caller::RefusedToken)));
    }
    let installation = minted.token.installation;
    let covers = (world.app.as_ref())
        .and_then(|app| app.installation(installation))
        .is_some_and(|i| i.covers(org));
    let caller = Caller::Installation(installation);
    let message = "Resource not accessible by integration";
    let forbidden = Refusal(Failure::Forbidden.status(), message, caller);
    Some(covers.then_some(caller).ok_or(forbidden))
}

/// The answer to a request signed in as `accepts` takes: `act`'s (given the
/// world and the request's time; `None` is GitHub's 404), answered as the
/// caller; else GitHub's refusal. Both cite `docs`.
pub(crate) fn answer(
    s: &Shared,
    headers: &HeaderMap,
    accepts: Accepts,
    docs: &str,
    act: impl FnOnce(&mut World, DateTime<Utc>) -> Option<Response>,
) -> Answer {
    let now = s.clock.now();
    let mut world = s.world();
    let caller = sign_in(&mut world, headers, now, accepts).map_err(|r| r.response(docs))?;
    let answer = act(&mut world, now);
    let answer = answer.unwrap_or_else(|| respond::failure(&Failure::NotFound, docs));
    Ok(respond::answered_as(answer, caller))
}

/// GitHub's checks of an App JWT as of `now` (Unix seconds); `Err` is GitHub's message.
fn check_jwt(app: &App, jwt: &str, now: i64) -> Result<(), &'static str> {
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
    let accepts = Accepts::Org(login.as_deref().unwrap_or_default());
    let caller = match sign_in(&mut world, headers, now, accepts) {
        Ok(caller) => caller,
        // An installation token asking for an organization GitHub does not have.
        Err(Refusal(_, _, caller @ Caller::Installation(_))) if login.is_none() => caller,
        Err(refusal) => return Err(refusal.response(docs).into()),
    };
    let refuse = |failure| respond::answered_as(respond::failure(&failure, docs), caller);
    let read = world.org_mut(key).ok_or(Failure::NotFound).and_then(read);
    read.map(|t| (caller, t)).map_err(|f| refuse(f).into())
}
