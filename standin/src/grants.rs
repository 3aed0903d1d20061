//! Approved grants: `GET`/`POST /orgs/{org}/personal-access-tokens`,
//! `POST .../{pat_id}` and `GET .../{pat_id}/repositories`. A revoked grant
//! is no longer listed.

use crate::governance::Area;
use crate::model::{Collection, Granted, Org, Token};

/// The grants' side of the token-governance API.
pub(crate) struct Grants;

impl Area for Grants {
    type Kind = Granted;
    const IDS: &'static str = "pat_ids";
    const ACTIONS: &'static [&'static str] = &["revoke"];
    const LIST_DOCS: &'static str = "https://docs.github.com/rest/orgs/personal-access-tokens#list-fine-grained-personal-access-tokens-with-access-to-organization-resources";
    const BULK_DOCS: &'static str = "https://docs.github.com/rest/orgs/personal-access-tokens#update-the-access-to-organization-resources-via-fine-grained-personal-access-tokens";
    const ONE_DOCS: &'static str = "https://docs.github.com/rest/orgs/personal-access-tokens#update-the-access-a-fine-grained-personal-access-token-has-to-organization-resources";
    const REPOSITORIES_DOCS: &'static str = "https://docs.github.com/rest/orgs/personal-access-tokens#list-repositories-a-fine-grained-personal-access-token-has-access-to";

    fn collection(org: &mut Org) -> &mut Collection<Token<Granted>> {
        &mut org.grants
    }
}
