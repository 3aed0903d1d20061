//! What the `apps` feature adds over GitHub's generated App operations and
//! models: listing the App's installations from any client made with App
//! credentials, and token scopes from GitHub's typed permissions.
//!
//! Everything here is inline or generic, so that `Installation`'s and
//! `AppPermissions`' decoders are compiled only in programs that use them.

use futures::stream::BoxStream;

use crate::app::TokenScope;
use crate::auth::Auth;
use crate::client;
use crate::error::Error;
use crate::generated::{Client, builder, types};
use crate::operation::{self, NextPages, Operation, Paginated};

impl Client {
    /// `GET /app/installations`: every installation of the App, lazily across
    /// pages (100 a page). Needs the `apps` feature.
    ///
    /// Sent with the App JWT: from an App-level client, or from an
    /// installation client through the App-level side it mints with. A
    /// client without App credentials sends its own token, which GitHub
    /// refuses unless it is a JWT.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), github_pat_grants::Error> {
    /// use github_pat_grants::prelude::*;
    /// use github_pat_grants::types::InstallationAccount;
    /// let app = Client::builder()
    ///     .app(AppCredentials::from_pem_file(123456, "my-app.private-key.pem")?)
    ///     .build()?;
    /// let mut installations = app.installations();
    /// while let Some(installation) = installations.try_next().await? {
    ///     // Organizations (and users) are accounts; an enterprise is not.
    ///     let Some(InstallationAccount::SimpleUser(account)) = &installation.account else {
    ///         continue;
    ///     };
    ///     let client = app.for_installation(installation.id)?;
    ///     let grants = client.orgs().list_pat_grants(&account.login).collect_all().await?;
    ///     println!("installation {}: {} grants", installation.id, grants.len());
    /// }
    /// # Ok(()) }
    /// ```
    #[inline]
    pub fn installations(&self) -> BoxStream<'_, Result<types::Installation, Error>> {
        let Auth::Installation(installation) = &self.inner.auth else {
            return self.apps_list_installations().per_page(100).stream();
        };
        // The App-level client is made for this listing, and the listing's
        // first request owns it.
        let app = client::app_client(installation.app.clone());
        let next_pages = NextPages::of(&app);
        let first = Box::pin(async move {
            app.apps_list_installations()
                .per_page(100)
                .call_with_response()
                .await
        });
        operation::items(
            operation::listing::<builder::AppsListInstallations<'static>>(next_pages, first),
        )
    }
}

impl TokenScope {
    /// Limits the token's permissions to the ones set in GitHub's typed
    /// `AppPermissions` (replacing any set before).
    ///
    /// ```
    /// use github_pat_grants::TokenScope;
    /// use github_pat_grants::types::{AppPermissions, AppPermissionsOrganizationPersonalAccessTokens as Level};
    /// let read_only = TokenScope::new().permissions(AppPermissions {
    ///     organization_personal_access_tokens: Some(Level::Read),
    ///     ..Default::default()
    /// });
    /// assert_eq!(read_only.permissions["organization_personal_access_tokens"], "read");
    /// ```
    pub fn permissions(mut self, permissions: types::AppPermissions) -> Self {
        // The generated struct serializes as GitHub's JSON object of levels
        // by name, leaving out the ones not set: a map of strings.
        let levels = serde_json::to_value(permissions).and_then(serde_json::from_value);
        self.permissions = levels.unwrap_or_default();
        self
    }
}
