//! What an audit finds, combined in one place: a grant's findings with the
//! audit's windows and, with a policy, the policy's own; a request's. The
//! audit reports them and `revoke` selects grants by them, so both see the
//! same findings.

use chrono::{DateTime, Utc};
use github_pat_grants::types::{
    Authorization, CredentialAuthorization, Installation,
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request,
};

use crate::credential::{self, CredentialPolicy};
use crate::findings::{self, Finding, Thresholds};
use crate::policy::{self, GrantPolicy};
use crate::row::SiteKey;

/// The rules a grant or request is assessed by: a [`RuleSet`] as of a
/// moment.
#[derive(Clone, Copy, Debug)]
pub struct Rules<'p> {
    /// "Now" for every finding.
    pub now: DateTime<Utc>,
    /// The windows, the policy's `[grants]` table and the credentials' rules.
    pub set: &'p RuleSet,
}

/// What findings go by, owned: held by the audit's and `revoke`'s options,
/// lent out as [`Rules`] for a moment.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    /// The windows of `expiring`, `stale` and `never-used`.
    pub thresholds: Thresholds,
    /// The policy's `[grants]` table, whose violations are findings too.
    pub policy: Option<GrantPolicy>,
    /// What `classic-token` and `broad-scope` go by (the policy's
    /// `[credentials]`, else the defaults).
    pub credentials: CredentialPolicy,
}

impl RuleSet {
    /// The rules as of `now`.
    pub fn rules(&self, now: DateTime<Utc>) -> Rules<'_> {
        Rules { now, set: self }
    }
}

impl Rules<'_> {
    /// Every finding of a grant: [`findings::assess_grant`]'s, then the
    /// policy's.
    pub fn grant(&self, org: &str, grant: &Grant) -> Vec<Finding> {
        let mut found = findings::assess_grant(org, grant, self.now, &self.set.thresholds);
        if let Some(policy) = &self.set.policy {
            found.extend(policy::assess_grant(org, grant, policy));
        }
        found
    }

    /// The finding of a pending request.
    pub fn request(&self, org: &str, request: &Request) -> Vec<Finding> {
        findings::assess_request(org, request, self.now)
    }

    /// Every finding of a SAML credential authorization.
    pub fn credential(&self, org: &str, c: &CredentialAuthorization) -> Vec<Finding> {
        credential::assess_credential(
            org,
            c,
            self.now,
            &self.set.thresholds,
            &self.set.credentials,
        )
    }

    /// Every finding of a classic token of the instance.
    pub fn site_token(&self, t: &Authorization) -> Vec<Finding> {
        credential::assess_site_token(t, self.now, &self.set.thresholds, &self.set.credentials)
    }

    /// Every finding of an SSH key of the instance.
    pub fn site_key(&self, k: &SiteKey) -> Vec<Finding> {
        credential::assess_site_key(k, self.now, &self.set.thresholds)
    }

    /// Every finding of an App installed on the organization.
    pub fn installation(&self, org: &str, installation: &Installation) -> Vec<Finding> {
        credential::assess_installation(org, installation)
    }
}
