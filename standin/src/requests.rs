//! Pending requests: `GET`/`POST /orgs/{org}/personal-access-token-requests`,
//! `POST .../{pat_request_id}` and `GET .../{pat_request_id}/repositories`.
//! A reviewed request is no longer pending, and with a webhook receiver set
//! GitHub's `approved` or `denied` delivery follows the review.

use std::collections::HashSet;
use std::sync::Arc;

use crate::governance::{Admitted, Area};
use crate::model::{Collection, Org, Requested, Token};
use crate::state::Shared;
use crate::webhooks::{self, Webhook};

/// The requests' side of the token-governance API.
pub(crate) struct Requests;

impl Area for Requests {
    type Kind = Requested;
    const IDS: &'static str = "pat_request_ids";
    const ACTIONS: &'static [&'static str] = &["approve", "deny"];
    const LIST_DOCS: &'static str = "https://docs.github.com/rest/orgs/personal-access-tokens#list-requests-to-access-organization-resources-with-fine-grained-personal-access-tokens";
    const BULK_DOCS: &'static str = "https://docs.github.com/rest/orgs/personal-access-tokens#review-requests-to-access-organization-resources-with-fine-grained-personal-access-tokens";
    const ONE_DOCS: &'static str = "https://docs.github.com/rest/orgs/personal-access-tokens#review-a-request-to-access-organization-resources-with-a-fine-grained-personal-access-token";
    const REPOSITORIES_DOCS: &'static str = "https://docs.github.com/rest/orgs/personal-access-tokens#list-repositories-requested-to-be-accessed-by-a-fine-grained-personal-access-token";

    fn collection(org: &mut Org) -> &mut Collection<Token<Requested>> {
        &mut org.requests
    }

    /// Delivers `approved` or `denied` for each reviewed request, when a
    /// receiver is set; in the background, as GitHub does.
    fn acted(s: &Arc<Shared>, org: &Admitted<Requested>, ids: &HashSet<i64>, action: &str) {
        let done = if action == "approve" {
            "approved"
        } else {
            "denied"
        };
        let reviewed = org.select(ids);
        let world = s.world();
        let Some(receiver) = world.receiver.clone() else {
            return;
        };
        let events = reviewed
            .iter()
            .map(|request| webhooks::request_event(&world, done, request, (&org.login, org.id)));
        let events: Vec<Webhook> = events.collect();
        drop(world);
        for webhook in events {
            let delivery = webhooks::outgoing(s, &webhook);
            let (shared, receiver) = (s.clone(), receiver.clone());
            let task = tokio::spawn(async move {
                // A receiver that cannot be reached is recorded with the delivery.
                let _ = webhooks::send(&shared, &receiver, delivery).await;
            });
            s.in_flight().push(task);
        }
    }
}
