//! Fine-grained permissions as GitHub nests them: scope, then name, then level.

use std::borrow::Cow;

use serde::{Serialize, Serializer};

/// Text that is usually a constant (seeded data), sometimes a test's own.
pub(crate) type Text = Cow<'static, str>;

/// `(scope, name, level)`, e.g. `repository`, `contents`, `write`; sorted by
/// scope and name, one level for each. A short list, not nested maps: seeded
/// grants are made by the hundred thousand and should cost few allocations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Permissions(Vec<(Text, Text, Text)>);

impl Permissions {
    /// Adds (or replaces) one permission.
    pub(crate) fn set(
        &mut self,
        scope: impl Into<Text>,
        name: impl Into<Text>,
        level: impl Into<Text>,
    ) {
        let (scope, name, level) = (scope.into(), name.into(), level.into());
        match self.0.binary_search_by(|(s, n, _)| {
            (s.as_ref(), n.as_ref()).cmp(&(scope.as_ref(), name.as_ref()))
        }) {
            Ok(at) => self.0[at].2 = level,
            Err(at) => self.0.insert(at, (scope, name, level)),
        }
    }

    /// Whether any scope holds `name` at exactly `level`: GitHub's
    /// `permission` filter (`issues_read`), split at its last `_`.
    pub(crate) fn matches_filter(&self, filter: &str) -> bool {
        let Some((name, level)) = filter.rsplit_once('_') else {
            return false;
        };
        self.0.iter().any(|(_, n, l)| n == name && l == level)
    }
}

/// The permissions as GitHub sends them: `organization` and `repository`
/// always (possibly empty), `other` only when it holds one, and any other
/// scope held (`enterprise`, say) as GitHub would send a group it adds: an
/// object of names and levels like the rest.
impl Serialize for Permissions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut scopes: Vec<&str> = vec!["organization", "repository"];
        for (scope, _, _) in &self.0 {
            if !scopes.contains(&scope.as_ref()) {
                scopes.push(scope.as_ref());
            }
        }
        s.collect_map(scopes.into_iter().map(|scope| (scope, Scope(self, scope))))
    }
}

/// The names and levels `Permissions` holds in one scope.
struct Scope<'a>(&'a Permissions, &'a str);

impl Serialize for Scope<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let held = (self.0).0.iter().filter(|(scope, _, _)| scope == self.1);
        s.collect_map(held.map(|(_, name, level)| (name, level)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_held_is_written_and_the_two_githubs_always_sends() {
        let mut permissions = Permissions::default();
        let written = |p: &Permissions| serde_json::to_value(p).unwrap();
        assert_eq!(
            written(&permissions),
            serde_json::json!({"organization": {}, "repository": {}})
        );
        permissions.set("enterprise", "administration", "write");
        permissions.set("repository", "contents", "read");
        permissions.set("other", "gists", "write");
        assert_eq!(
            written(&permissions),
            serde_json::json!({
                "organization": {},
                "repository": {"contents": "read"},
                "enterprise": {"administration": "write"},
                "other": {"gists": "write"},
            })
        );
    }
}
