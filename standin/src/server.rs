//! Configuring the stand-in, starting it on loopback, and what a test does
//! with it while it serves.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::oneshot;

use crate::audit_log::AUDIT_LOG_RATE_LIMIT;
use crate::builder::setters;
use crate::clock::{Clock, TimeSource};
use crate::error::Error;
use crate::faults::Fault;
use crate::grants::Grants;
use crate::headers::{DEFAULT_RATE_LIMIT, RateWindow};
use crate::keys::Secret;
use crate::log::{Activity, Delivery, LoggedRequest, MintedToken};
use crate::model::{App, Installation, IssueRecord, Org, Repo, SiteKey, SiteToken, TokenRequest};
use crate::requests::Requests;
use crate::state::{OrgKey, Receiver, Settings, Shared, World};
use crate::webhooks::{self, Webhook};
use crate::{
    app, audit_log, containment, credentials, governance, installations, issues, pipeline,
    revocation,
};

/// A GitHub stand-in to configure, then [`start`](Self::start).
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
///
/// use chrono::{TimeDelta, Utc};
/// use github_standin::{Fault, Org, StandIn};
///
/// // The clock the client under test uses, shared with GitHub.
/// let now = Arc::new(Mutex::new(Utc::now()));
/// let clock = now.clone();
/// let github = StandIn::builder()
///     .org(Org::new("acme", 652551).seeded_grants(1_000, 7))
///     .token("ghs_test")
///     .clock(move || *clock.lock().unwrap())
///     .clock_skew(TimeDelta::seconds(90))
///     .latency(Duration::from_millis(20))
///     .rate_limit(5_000)
///     .fault(Fault::secondary_rate_limit(Some(Duration::from_secs(1))).times(1));
/// # let _ = github;
/// ```
///
/// The [crate documentation](crate) starts one and reads its log.
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until started"]
pub struct Builder {
    /// The world and the settings the stand-in starts with; what depends on
    /// when it starts (its URLs, "as of", the rate-limit windows) is set then.
    world: World,
    settings: Settings,
    clock: Option<TimeSource>,
    skew: TimeDelta,
    as_of: Option<DateTime<Utc>>,
    port: u16,
    links_to: Option<String>,
    max_per_page: Option<usize>,
    rate_limit: Option<u64>,
    rate_limit_reset: Option<DateTime<Utc>>,
    audit_log_rate_limit: Option<u64>,
}

impl Builder {
    /// Serves this organization (looked up by login, case-insensitively, or id).
    pub fn org(self, org: Org) -> Self {
        self.orgs([org])
    }

    /// Serves these organizations.
    pub fn orgs(mut self, orgs: impl IntoIterator<Item = Org>) -> Self {
        self.world.orgs.extend(orgs.into_iter().map(Org::serving));
        self
    }

    setters! {
        /// Plays GitHub's App side for this App: its endpoints are served, and
        /// the token-governance endpoints take the installation tokens minted
        /// for it (and the [`token`](Self::token), if one is set).
        app(world.app: App) => Some,
        /// A static token the token-governance endpoints take (an installation
        /// token minted elsewhere). With neither a token nor an App, they take anything.
        token(world.token: impl Into<String>) => |t| Some(Secret::new(Into::<String>::into(t))),
        /// GitHub's clock, for JWTs, tokens' expiry, the rate-limit window and
        /// the `Date` header: give the clock the client under test uses, so
        /// that both move together. The system clock by default.
        clock(clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) => |now| Some(TimeSource::new(now)),
        /// Serves under a path, as GitHub Enterprise Server does (`/api/v3`):
        /// [`StandIn::base_url`] ends with it.
        path_prefix(settings.prefix: impl Into<String>) => |p| Into::<String>::into(p).trim_end_matches('/').to_string(),
        /// `Link` URLs point at this origin instead of the stand-in's: a fault
        /// a client must not follow with its credentials.
        links_to(links_to: impl Into<String>) => |origin| Some(Into::into(origin)),
        /// At most this many items a page, whatever `per_page` asks (GitHub's
        /// ceiling, and the default, is 100): small pages without many items.
        max_per_page(max_per_page: usize) => |n: usize| Some(n.max(1)),
        /// Added before every response: latency that is what it says (waited
        /// out on a blocking thread, to within tens of microseconds).
        latency(settings.latency: Duration),
        /// GitHub's clock runs this far ahead of the client's (behind when
        /// negative): a fault clients must correct from the `Date` header.
        clock_skew(skew: TimeDelta),
        /// The moment seeded items are generated relative to and `token_expired`
        /// is computed at; GitHub's clock when the stand-in starts, by default.
        as_of(as_of: DateTime<Utc>) => Some,
        /// The port on 127.0.0.1; 0 (the default) picks a free one.
        port(port: u16),
        /// Sends only `rel="next"` links, as cursor-paginated endpoints do, so
        /// that clients must follow them one by one.
        next_links_only(settings.next_links_only: bool),
        /// Lists every owner's items whatever `owner[]` and `login` ask: a
        /// fault that clients which act on one person's items must survive.
        ignore_owner_filters(settings.ignore_owner_filters: bool),
        /// The primary rate limit per hour (15,000 by default, a GitHub App
        /// installation's on GitHub Enterprise Cloud): the request after the
        /// last one is refused until the window resets, by GitHub's clock.
        rate_limit(rate_limit: u64) => Some,
        /// When the current rate-limit window resets (an hour after the
        /// stand-in starts, by default): what `x-ratelimit-reset` says, and
        /// when a client that met the limit may go on.
        rate_limit_reset(rate_limit_reset: DateTime<Utc>) => Some,
        /// The audit log's own hourly limit (1,750 by default, GitHub's: "1,750
        /// queries per hour per user and IP address"), counted apart from the
        /// primary limit and reset with it ([`rate_limit_reset`](Self::rate_limit_reset)).
        audit_log_rate_limit(audit_log_rate_limit: u64) => Some,
        /// Plays GitHub Enterprise Server's site administration for this site
        /// administrator's classic token: `/admin/tokens` and `/admin/keys` answer
        /// it alone (403 to any other credential), and 404 without one, as GitHub.com.
        site_admin(world.site.admin: impl Into<String>) => |t| Some(Secret::new(Into::<String>::into(t))),
        /// The instance's users' classic tokens (`GET /admin/tokens`).
        site_tokens(world.site.tokens: impl IntoIterator<Item = SiteToken>) => Vec::from_iter,
        /// The instance's SSH keys, users' and deploy keys (`GET /admin/keys`).
        site_keys(world.site.keys: impl IntoIterator<Item = SiteKey>) => Vec::from_iter,
        /// Keeps only this many of the most recent requests in the log (all by default):
        /// for benchmarks that send millions.
        log_limit(world.log.limit: usize) => Some,
    }

    /// Hosts repository `owner/repo`, without issues or labels: its issues
    /// are listed, opened, updated and commented on, its labels read and
    /// created ([`StandIn::issues`], [`StandIn::labels`]). Another
    /// repository is GitHub's 404. A name without one `/` is ignored.
    pub fn repository(mut self, full_name: impl AsRef<str>) -> Self {
        let full_name = full_name.as_ref();
        if Repo::find(&mut self.world.repos, full_name).is_none() {
            self.world.repos.extend(Repo::new(full_name));
        }
        self
    }

    /// Hosts repository `owner/repo` where the App lacks `issues: write`:
    /// opening or updating an issue, commenting and creating a label are
    /// GitHub's 403 `Resource not accessible by integration`; reading works.
    pub fn issues_forbidden(self, full_name: impl AsRef<str>) -> Self {
        let mut builder = self.repository(full_name.as_ref());
        if let Some(repo) = Repo::find(&mut builder.world.repos, full_name.as_ref()) {
            repo.forbidden = true;
        }
        builder
    }

    /// Injects a fault from the start (see [`Fault`]).
    pub fn fault(mut self, fault: Fault) -> Self {
        self.world.faults.add(fault);
        self
    }

    /// Delivers webhooks to `url`, signed with `secret` (see [`StandIn::deliver`]).
    pub fn webhook_receiver(mut self, url: impl Into<String>, secret: impl AsRef<[u8]>) -> Self {
        self.world.receiver = Some(Receiver::new(url, secret));
        self
    }

    /// Binds 127.0.0.1 and serves on the current tokio runtime until the
    /// [`StandIn`] is stopped or dropped.
    ///
    /// # Errors
    /// [`Error::Bind`] when the port cannot be bound.
    pub async fn start(self) -> Result<StandIn, Error> {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let failed = |source| Error::Bind { address, source };
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(failed)?;
        let bound = listener.local_addr().map_err(failed)?;
        let shared = Arc::new(self.into_shared(format!("http://{bound}")));
        let router = router(&shared);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // Serving ends with the stop signal, or with an I/O error on the
            // listener, which on loopback means the process is going away.
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(StandIn {
            shared,
            task: Some(task),
            stop: Some(stop),
        })
    }

    fn into_shared(mut self, origin: String) -> Shared {
        let clock = Clock::new(self.clock, self.skew);
        let now = clock.now();
        let settings = &mut self.settings;
        settings.base_url = format!("{origin}{}", settings.prefix);
        settings.link_base = self.links_to.map_or_else(
            || settings.base_url.clone(),
            |o| format!("{}{}", o.trim_end_matches('/'), settings.prefix),
        );
        settings.max_per_page = self.max_per_page.unwrap_or(100);
        settings.as_of = self.as_of.unwrap_or(now);
        settings.seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let reset = self.rate_limit_reset.unwrap_or(now + TimeDelta::hours(1));
        let window = |limit: Option<u64>, default| RateWindow::new(limit.unwrap_or(default), reset);
        self.world.rate = window(self.rate_limit, DEFAULT_RATE_LIMIT);
        self.world.audit_rate = window(self.audit_log_rate_limit, AUDIT_LOG_RATE_LIMIT);
        Shared {
            settings: self.settings,
            world: Mutex::new(self.world),
            clock,
            served: AtomicU64::new(0),
            deliveries_sent: AtomicU64::new(0),
            streamed: Arc::default(),
            http: reqwest::Client::new(),
            in_flight: Mutex::new(Vec::new()),
        }
    }
}

/// Every API area's routes, under the prefix, in the pipeline.
fn router(shared: &Arc<Shared>) -> Router {
    let api = Router::new()
        .merge(governance::routes::<Grants>())
        .merge(governance::routes::<Requests>())
        .merge(app::routes())
        .merge(credentials::routes())
        .merge(containment::routes())
        .merge(installations::routes())
        .merge(audit_log::routes())
        .merge(revocation::routes())
        .merge(issues::routes())
        .merge(crate::site::routes());
    let api = if shared.settings.prefix.is_empty() {
        api
    } else {
        Router::new().nest(&shared.settings.prefix, api)
    };
    let around = axum::middleware::from_fn_with_state(shared.clone(), pipeline::around);
    api.fallback(pipeline::not_found)
        .layer(around)
        .with_state(shared.clone())
}

/// A GitHub stand-in serving on loopback. Dropping it stops serving at once;
/// [`stop`](Self::stop) lets requests under way finish.
///
/// While it serves, a test changes GitHub under the client:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), github_standin::Error> {
/// use chrono::TimeDelta;
/// use github_standin::{Fault, Grant, Org, StandIn};
///
/// let github = StandIn::builder().org(Org::new("acme", 1).grants([Grant::new(1)])).start().await?;
/// github.inject(Fault::server_error(503).path("/orgs/acme/").times(2));
/// github.set_clock_skew(TimeDelta::minutes(-5));
/// let url = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
/// let status = reqwest::get(&url).await.map(|r| r.status().as_u16()).unwrap_or_default();
/// assert_eq!(status, 503);
/// assert_eq!(github.answered(), 1);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct StandIn {
    shared: Arc<Shared>,
    task: Option<tokio::task::JoinHandle<()>>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

impl StandIn {
    /// A stand-in to configure.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// `http://127.0.0.1:PORT` (and the [path prefix](Builder::path_prefix)):
    /// the client's base URL.
    pub fn base_url(&self) -> &str {
        &self.shared.settings.base_url
    }

    /// The moment seeded items are relative to ([`Builder::as_of`]).
    pub fn as_of(&self) -> DateTime<Utc> {
        self.shared.settings.as_of
    }

    /// Every request answered so far, in the order answered.
    pub fn log(&self) -> Vec<LoggedRequest> {
        self.shared.world().log.entries()
    }

    /// How many requests have been answered so far (the log may keep fewer:
    /// [`Builder::log_limit`]); cheap enough to read inside a benchmark.
    pub fn answered(&self) -> u64 {
        self.shared.served.load(Ordering::Relaxed)
    }

    /// Bytes of endless bodies ([`Hostile::EndlessBody`](crate::Hostile::EndlessBody))
    /// sent so far, counted as they are handed to the connection: how far
    /// a client read before it hung up, to within the socket's buffers.
    pub fn streamed(&self) -> u64 {
        self.shared.streamed.load(Ordering::Relaxed)
    }

    /// What the App side has seen: JWTs, lookups, tokens minted and refused.
    pub fn activity(&self) -> Activity {
        Activity::of(&self.log())
    }

    /// The installation tokens minted so far, in order.
    pub fn minted_tokens(&self) -> Vec<MintedToken> {
        let world = self.shared.world();
        world.tokens.iter().map(|m| m.token.clone()).collect()
    }

    /// The credentials `POST /credentials/revoke` accepted so far, in order.
    pub fn revoked_credentials(&self) -> Vec<String> {
        self.shared.world().revoked_credentials.clone()
    }

    /// The issues of hosted repository `owner/repo` in the order opened, as
    /// the API left them (none for a repository it does not host).
    pub fn issues(&self, full_name: &str) -> Vec<IssueRecord> {
        let repos = &mut self.shared.world().repos;
        Repo::find(repos, full_name).map_or_else(Vec::new, |r| r.issues.clone())
    }

    /// The names of hosted repository `owner/repo`'s labels, in the order created.
    pub fn labels(&self, full_name: &str) -> Vec<String> {
        let repos = &mut self.shared.world().repos;
        let labels = Repo::find(repos, full_name).map(|r| &r.labels);
        labels.map_or_else(Vec::new, |l| l.iter().map(|l| l.0.clone()).collect())
    }

    /// Injects a fault while serving (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        self.shared.world().faults.add(fault);
    }

    /// Sets how far GitHub's clock runs ahead of the client's (see [`Builder::clock_skew`]).
    pub fn set_clock_skew(&self, skew: TimeDelta) {
        self.shared.clock.set_skew(skew);
    }

    /// Installs the App on another account while serving; no-op without an App.
    pub fn install(&self, installation: Installation) {
        if let Some(app) = &mut self.shared.world().app {
            app.installations.push(installation);
        }
    }

    /// Revokes an installation token: it is refused from now on (401).
    pub fn revoke_token(&self, token: &str) {
        if let Some(minted) = self.shared.world().minted(token) {
            minted.revoked = true;
        }
    }

    /// Sets (or replaces) where webhooks are delivered, and the secret they are signed with.
    pub fn set_webhook_receiver(&self, url: impl Into<String>, secret: impl AsRef<[u8]>) {
        self.shared.world().receiver = Some(Receiver::new(url, secret));
    }

    /// A new request arrives at `org`: it is listed from now on and, with a
    /// receiver set, GitHub's `created` delivery is sent (and returned).
    ///
    /// # Errors
    /// [`Error::Delivery`] when the organization is unknown, or the receiver
    /// cannot be reached.
    pub async fn add_request(
        &self,
        org: &str,
        request: TokenRequest,
    ) -> Result<Option<Delivery>, Error> {
        let webhook = {
            let mut world = self.shared.world();
            let Some(state) = world.org_mut(&OrgKey::Login(org.to_string())) else {
                return Err(Error::Delivery {
                    url: String::new(),
                    reason: format!("the stand-in serves no organization `{org}`"),
                });
            };
            state.requests.extend([request.clone()]);
            let (login, id) = (state.login.clone(), state.id);
            let webhook = webhooks::request_event(&world, "created", &request, (&login, id));
            world.receiver.is_some().then_some(webhook)
        };
        match webhook {
            Some(webhook) => self.deliver(&webhook).await.map(Some),
            None => Ok(None),
        }
    }

    /// Delivers `webhook` to the receiver as GitHub would: signed, with
    /// GitHub's headers and a new delivery GUID. The receiver's answer is in
    /// the [`Delivery`].
    ///
    /// # Errors
    /// [`Error::Delivery`] when no receiver is set or it cannot be reached.
    pub async fn deliver(&self, webhook: &Webhook) -> Result<Delivery, Error> {
        let receiver = self.receiver()?;
        let delivery = webhooks::outgoing(&self.shared, webhook);
        webhooks::send(&self.shared, &receiver, delivery).await
    }

    /// Sends a delivery again, as the App settings' *Redeliver* does: the
    /// same GUID and payload, to the current receiver.
    ///
    /// # Errors
    /// [`Error::Delivery`] when no receiver is set or it cannot be reached.
    pub async fn redeliver(&self, delivery: &Delivery) -> Result<Delivery, Error> {
        let receiver = self.receiver()?;
        let again = Delivery {
            redelivery: true,
            ..delivery.clone()
        };
        webhooks::send(&self.shared, &receiver, again).await
    }

    /// Every delivery sent so far, once those the API started (a review's
    /// `approved` or `denied`) have finished.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        let pending = std::mem::take(&mut *self.shared.in_flight());
        for task in pending {
            let _ = task.await;
        }
        self.shared.world().deliveries.clone()
    }

    /// Stops serving once requests under way are answered (at most 5 s).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            let finished = tokio::time::timeout(Duration::from_secs(5), task).await;
            if finished.is_err() {
                abort.abort();
            }
        }
    }

    fn receiver(&self) -> Result<Receiver, Error> {
        self.shared
            .world()
            .receiver
            .clone()
            .ok_or_else(|| Error::Delivery {
                url: String::new(),
                reason: "no webhook receiver is set (Builder::webhook_receiver)".into(),
            })
    }
}
