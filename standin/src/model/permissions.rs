//! Fine-grained permissions as GitHub nests them: scope, then name, then level.

use std::borrow::Cow;

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

    /// Appends the permissions as GitHub sends them: `organization` and
    /// `repository` always (possibly empty), `other` only when it holds
    /// one, and any other scope held (`enterprise`, say) as GitHub would
    /// send a group it adds: an object of names and levels like the rest.
    pub(crate) fn write_json(&self, out: &mut String) {
        out.push('{');
        let mut scopes: Vec<&str> = vec!["organization", "repository"];
        for (scope, _, _) in &self.0 {
            if !scopes.contains(&scope.as_ref()) {
                scopes.push(scope.as_ref());
            }
        }
        for (i, scope) in scopes.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            crate::json::string(out, scope);
            out.push_str(":{");
            let held = self.0.iter().filter(|(s, _, _)| s == scope);
            for (i, (_, name, level)) in held.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::json::string(out, name);
                out.push(':');
                crate::json::string(out, level);
            }
            out.push('}');
        }
        out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_held_is_written_and_the_two_githubs_always_sends() {
        let mut permissions = Permissions::default();
        let written = |p: &Permissions| {
            let mut out = String::new();
            p.write_json(&mut out);
            serde_json::from_str::<serde_json::Value>(&out).unwrap()
        };
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
