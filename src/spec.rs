//! Facts about the spec this crate was generated from: the REST API version
//! it describes, GitHub's published descriptions it draws from, and the
//! hashes that tie `generated/` to `spec/openapi.json`.
//!
//! `build.rs` reads them from the package (`spec/openapi.json` and the
//! headers of `spec/components/`, one document per description) when the
//! crate is compiled, so they always match the code in hand.
//!
//! ```
//! use github_pat_grants::spec;
//!
//! let names: Vec<String> = spec::DESCRIPTIONS.iter().map(ToString::to_string).collect();
//! println!("REST API {}, from {}", spec::API_VERSION, names.join(", "));
//! assert!(spec::DESCRIPTIONS.iter().any(|d| d.name == "api.github.com"));
//! ```

use std::fmt;

/// `info.version` of the bundled description: the REST API version it describes.
pub const API_VERSION: &str = env!("SPEC_API_VERSION");
/// GitHub's descriptions the spec draws from, by name.
pub const DESCRIPTIONS: &[Description] = include!(concat!(env!("OUT_DIR"), "/descriptions.rs"));
/// SHA-256 of the `spec/openapi.json` this crate was built with.
pub const OPENAPI_SHA256: &str = env!("SPEC_OPENAPI_SHA256");
/// SHA-256 of the `spec/openapi.json` that `generated/` was made from.
pub const GENERATED_FROM_SHA256: &str = env!("SPEC_GENERATED_FROM_SHA256");

/// One of GitHub's published OpenAPI descriptions (`@octokit/openapi`'s
/// `api.github.com`, `ghec`, `ghes-3.N`) that the spec's operations and
/// components were imported from, at the version imported.
///
/// ```
/// use github_pat_grants::spec::DESCRIPTIONS;
///
/// for description in DESCRIPTIONS {
///     // "api.github.com 23.0.2"
///     println!("{description}: {} {}", description.name, description.version);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Description {
    /// The description's name: `api.github.com`, `ghec`, `ghes-3.17`, ...
    pub name: &'static str,
    /// Its `info.version`, which is the `@octokit/openapi` release it came in
    /// (`23.0.2`), not the REST API version ([`API_VERSION`]).
    pub version: &'static str,
}

impl fmt::Display for Description {
    /// `api.github.com 23.0.2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first lines of every components document.
    fn headers() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/components");
        let mut headers = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                headers.push(text.lines().take(10).collect::<Vec<_>>().join("\n"));
            }
        }
        headers
    }

    #[test]
    fn each_components_document_gives_one_description_with_its_version() {
        let headers = headers();
        assert_eq!(DESCRIPTIONS.len(), headers.len(), "{DESCRIPTIONS:?}");
        assert!(DESCRIPTIONS.windows(2).all(|w| w[0].name < w[1].name));
        assert!(DESCRIPTIONS.iter().any(|d| d.name == "api.github.com"));
        for d in DESCRIPTIONS {
            let file = format!("`{}.json`", d.name);
            let version = format!("`info.version` {}", d.version);
            assert!(
                headers
                    .iter()
                    .any(|h| h.contains(&file) && h.contains(&version)),
                "no components document names {d}"
            );
        }
    }
}
