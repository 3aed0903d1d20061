//! Fine-grained permissions as GitHub nests them: scope, then name, then level.

use std::collections::BTreeMap;

/// `scope -> name -> level`, e.g. `repository -> contents -> write`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Permissions(BTreeMap<String, BTreeMap<String, String>>);

impl Permissions {
    /// Adds (or replaces) one permission.
    pub(crate) fn set(&mut self, scope: &str, name: &str, level: &str) {
        self.0
            .entry(scope.into())
            .or_default()
            .insert(name.into(), level.into());
    }

    /// Whether any scope holds `name` at exactly `level`: GitHub's
    /// `permission` filter (`issues_read`), split at its last `_`.
    pub(crate) fn matches_filter(&self, filter: &str) -> bool {
        let Some((name, level)) = filter.rsplit_once('_') else {
            return false;
        };
        self.0
            .values()
            .any(|names| names.get(name).is_some_and(|l| l == level))
    }

    /// Appends the permissions as GitHub sends them: `organization` and
    /// `repository` always (possibly empty), `other` only when it holds one.
    pub(crate) fn write_json(&self, out: &mut String) {
        out.push('{');
        let mut first = true;
        for scope in ["organization", "repository", "other"] {
            let names = self.0.get(scope);
            if names.is_none() && scope == "other" {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push('"');
            out.push_str(scope);
            out.push_str("\":{");
            for (i, (name, level)) in names.into_iter().flatten().enumerate() {
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
