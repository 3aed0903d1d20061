//! GitHub publishes one description per product: `api.github.com`, `ghec`
//! (Enterprise Cloud) and one per Enterprise Server release (`ghes-3.17`).
//! spec/ holds operations from several of them side by side; this module
//! knows how they are named, where each document came from, how two
//! descriptions' wordings of one component are told apart (prose or type),
//! and which other descriptions beside a file hold an operation.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::markdown::{self, Block};
use crate::openapi::escape;
use crate::output::json4;

/// The description that `spec/document.json` names primary when it names none.
pub const DEFAULT_PRIMARY: &str = "api.github.com";

/// The field of `spec/document.json` that names the primary description.
pub const PRIMARY_FIELD: &str = "x-primary-description";

/// The primary description named by the document-level fields of spec/
/// (`spec/document.json`, shown as `file` in errors), or the default.
pub fn primary_of(document: &serde_json::Map<String, Value>, file: &str) -> Result<String> {
    match document.get(PRIMARY_FIELD) {
        None => Ok(DEFAULT_PRIMARY.to_string()),
        Some(Value::String(name)) if !name.is_empty() => Ok(name.clone()),
        Some(other) => Err(anyhow!(
            "{file}: `{PRIMARY_FIELD}` must name a description (`api.github.com`), found {other}"
        )),
    }
}

/// Where an operation, webhook or components document came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The description's name: `api.github.com`, `ghec`, `ghes-3.17`.
    pub description: String,
    /// Its `info.version`, e.g. `23.0.2`.
    pub version: String,
    /// For an operation or webhook: every description known at its import
    /// that holds it, this one included, in [`compare`] order. Empty for a
    /// components document.
    #[serde(default, rename = "in", skip_serializing_if = "Vec::is_empty")]
    pub found_in: Vec<String>,
}

impl Provenance {
    /// Reads a `## Provenance` block.
    pub fn from_block(block: &Block) -> Result<Provenance> {
        serde_json::from_value(block.value.clone()).map_err(|e| {
            anyhow!(
                "{}: `## {}` must hold {{\"description\": .., \"version\": .., \"in\": [..]}}: {e}",
                block.origin,
                markdown::PROVENANCE
            )
        })
    }

    /// The `## Provenance` section of a document, as `cargo xtask import` writes it.
    pub fn section(&self) -> String {
        format!(
            "## {}\n\n```json\n{}\n```",
            markdown::PROVENANCE,
            json4(self)
        )
    }
}

/// The description a document came from; one written by hand counts as the
/// primary's.
pub fn description_of(doc: &markdown::Document, primary: &str) -> Result<String> {
    Ok(match &doc.provenance {
        Some(block) => Provenance::from_block(block)?.description,
        None => primary.to_string(),
    })
}

/// The name of the description in a file: its name without `.json`, and
/// without the date GitHub's dated files carry (`api.github.com.2022-11-28.json`).
pub fn name_of(path: &Path) -> String {
    let file = file_name(path);
    let stem = file.strip_suffix(".json").unwrap_or(&file);
    match stem.rsplit_once('.') {
        Some((name, date)) if is_date(date) => name.to_string(),
        _ => stem.to_string(),
    }
}

/// A path's file name as text (empty when it has none), as errors name a description.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The product a description describes: `ghes` for every Enterprise Server
/// release (`ghes-3.17`), else the description's own name.
pub fn product(name: &str) -> &str {
    match name.split_once('-') {
        Some(("ghes", _)) => "ghes",
        _ => name,
    }
}

/// The order descriptions are listed in: `api.github.com`, `ghec`, the
/// Enterprise Server releases oldest first, then any other by name.
pub fn compare(a: &str, b: &str) -> Ordering {
    fn key(name: &str) -> (u8, Vec<u32>, &str) {
        match (name, name.strip_prefix("ghes-")) {
            ("api.github.com", _) => (0, Vec::new(), name),
            ("ghec", _) => (1, Vec::new(), name),
            (_, Some(release)) => {
                let parts = release.split('.').filter_map(|p| p.parse().ok()).collect();
                (2, parts, name)
            }
            _ => (3, Vec::new(), name),
        }
    }
    key(a).cmp(&key(b))
}

/// The descriptions a list names, for people: Enterprise Server releases
/// that follow one another are one range (`ghes-3.17–3.19`).
pub fn list(names: &[String]) -> String {
    let release = |name: &str| -> Option<(u32, u32)> {
        let (major, minor) = name.strip_prefix("ghes-")?.split_once('.')?;
        Some((major.parse().ok()?, minor.parse().ok()?))
    };
    let follows = |a: &String, b: &String| match (release(a), release(b)) {
        (Some((major, minor)), Some(next)) => next == (major, minor + 1),
        _ => false,
    };
    let shown: Vec<String> = names
        .chunk_by(|a, b| follows(a, b))
        .map(|run| match run {
            // A run of two or more holds Enterprise Server releases only.
            [first, .., last] => format!("{first}–{}", &last["ghes-".len()..]),
            _ => run[0].clone(),
        })
        .collect();
    shown.join(", ")
}

/// Which GitHub products the descriptions describe, for people:
/// `GitHub.com, GitHub Enterprise Cloud and GitHub Enterprise Server 3.17–3.19`.
pub fn products(names: &[String]) -> String {
    let mut servers = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for name in names {
        match (name.as_str(), name.strip_prefix("ghes-")) {
            ("api.github.com", _) => shown.push("GitHub.com".into()),
            ("ghec", _) => shown.push("GitHub Enterprise Cloud".into()),
            (_, Some(_)) => servers.push(name.clone()),
            _ => shown.push(format!("`{name}`")),
        }
    }
    if !servers.is_empty() {
        let releases = list(&servers).replace("ghes-", "");
        shown.push(format!("GitHub Enterprise Server {releases}"));
    }
    match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The keys that hold prose (or payloads), not types: two wordings of a
/// component that differ only in these describe the same type.
const PROSE: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "externalDocs",
];

/// Where two wordings of one component differ in more than prose, as a JSON
/// pointer into the component (`/properties/enterprise_administration`);
/// `None` when they describe the same type.
///
/// Prose is [`PROSE`] wherever it stands as a keyword, not where it names a
/// property (`properties/description` is a field of the type). A property
/// present in one wording and absent from the other is no difference when
/// it is optional in both and the object open ([`may_lack`]).
pub fn type_difference(a: &Value, b: &Value) -> Option<String> {
    difference(a, b, "", Keys::Keywords)
}

/// Two wordings of one object schema, side by side.
type Parents<'a> = (&'a Map<String, Value>, &'a Map<String, Value>);

/// What the keys of an object being compared are.
#[derive(Clone, Copy)]
enum Keys<'a> {
    /// Keywords (of a schema, a parameter, ...): prose keywords are skipped.
    Keywords,
    /// Names of properties or property patterns: none is prose. `parents`
    /// holds the two object schemas whose `properties` these are, when a
    /// name may be absent from one side (see [`may_lack`]).
    Names { parents: Option<Parents<'a>> },
}

fn difference(a: &Value, b: &Value, at: &str, keys: Keys) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let names = matches!(keys, Keys::Names { .. });
            let all = x.keys().chain(y.keys().filter(|k| !x.contains_key(*k)));
            for key in all {
                if !names && PROSE.contains(&key.as_str()) {
                    continue;
                }
                let at = format!("{at}/{}", escape(key));
                let inner = match key.as_str() {
                    "properties" if !names => Keys::Names {
                        parents: Some((x, y)),
                    },
                    "patternProperties" if !names => Keys::Names { parents: None },
                    _ => Keys::Keywords,
                };
                match (x.get(key), y.get(key)) {
                    (Some(v), Some(w)) => {
                        if let Some(found) = difference(v, w, &at, inner) {
                            return Some(found);
                        }
                    }
                    _ => match keys {
                        Keys::Names {
                            parents: Some(parents),
                        } if may_lack(parents, key) => {}
                        _ => return Some(at),
                    },
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| difference(v, w, &format!("{at}/{i}"), Keys::Keywords)),
        _ if a == b => None,
        _ => Some(if at.is_empty() { "/".into() } else { at.into() }),
    }
}

/// Whether two wordings of an object schema may differ by the property
/// `name`, present in one and absent from the other, without a difference in
/// what they decode. This is sound when `name` is in neither wording's
/// `required` and both leave other members open (`additionalProperties`
/// absent or `true`; everything else about the two objects is compared as
/// usual): the generated models then decode an answer of either description
/// with either wording, since an optional property that is absent is `None`
/// and a member the model does not name is ignored (progenitor's models do
/// not deny unknown fields for open objects). The primary wording is the one
/// the SDK keeps, as for prose.
fn may_lack(parents: Parents, name: &str) -> bool {
    let required = |s: &Map<String, Value>| {
        s.get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == name))
    };
    let open = |s: &Map<String, Value>| {
        matches!(
            s.get("additionalProperties"),
            None | Some(Value::Bool(true))
        )
    };
    let (x, y) = parents;
    open(x) && open(y) && !required(x) && !required(y)
}

/// The other descriptions in the folder of `from`, by name, as
/// `@octokit/openapi` ships them (`generated/api.github.com.json`,
/// `ghec.json`, `ghes-3.17.json`, ...): every `*.json` file but `from` and
/// the dereferenced `*.deref.json` copies.
pub fn beside(from: &Path) -> Vec<(String, PathBuf)> {
    let Some(dir) = from.parent() else {
        return Vec::new();
    };
    // A bare file name has an empty parent, which is the current folder.
    let dir = Some(dir)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let own = from.file_name();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = file_name(p);
            name.ends_with(".json") && !name.ends_with(".deref.json") && p.file_name() != own
        })
        .map(|p| (name_of(&p), p))
        .filter(|(name, _)| is_github_name(name))
        .collect();
    found.sort_by(|a, b| compare(&a.0, &b.0));
    found
}

/// Whether a name is one of GitHub's descriptions: only those are looked
/// for beside a file, so that other JSON files there are never read.
fn is_github_name(name: &str) -> bool {
    matches!(name, "api.github.com" | "ghec")
        || name
            .strip_prefix("ghes-")
            .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Which of `ids` (operationIds) the description in `path` holds, found in
/// its text without parsing it: an operation is held when its
/// `"operationId": "<id>"` appears, written as GitHub writes it or without
/// the space.
pub fn holding(path: &Path, ids: &[&str]) -> Result<Vec<bool>> {
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let held = |id: &&str| {
        let quoted = serde_json::to_string(id).expect("a string always serializes");
        [": ", ":"].iter().any(|colon| {
            let needle = format!("\"operationId\"{colon}{quoted}");
            memchr::memmem::find(&text, needle.as_bytes()).is_some()
        })
    };
    Ok(ids.iter().map(held).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_come_from_files_as_github_and_octokit_name_them() {
        assert_eq!(
            name_of(Path::new("x/api.github.com.json")),
            "api.github.com"
        );
        assert_eq!(
            name_of(Path::new("api.github.com.2022-11-28.json")),
            "api.github.com"
        );
        assert_eq!(name_of(Path::new("generated/ghes-3.17.json")), "ghes-3.17");
        assert_eq!(name_of(Path::new("ghec")), "ghec");
        assert_eq!(product("ghes-3.17"), "ghes");
        assert_eq!(product("ghec"), "ghec");
        assert_eq!(product("api.github.com"), "api.github.com");
    }

    #[test]
    fn descriptions_are_ordered_and_listed_for_people() {
        let mut names: Vec<String> = [
            "ghes-3.9",
            "zz",
            "ghec",
            "ghes-3.17",
            "api.github.com",
            "ghes-3.18",
        ]
        .map(String::from)
        .to_vec();
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(
            names,
            [
                "api.github.com",
                "ghec",
                "ghes-3.9",
                "ghes-3.17",
                "ghes-3.18",
                "zz"
            ]
        );
        assert_eq!(
            list(&names),
            "api.github.com, ghec, ghes-3.9, ghes-3.17–3.18, zz"
        );
        let three = ["ghes-3.17", "ghes-3.18", "ghes-3.19"].map(String::from);
        assert_eq!(list(&three), "ghes-3.17–3.19");
        assert_eq!(
            products(&names[..2]),
            "GitHub.com and GitHub Enterprise Cloud"
        );
        assert_eq!(
            products(&names[1..5]),
            "GitHub Enterprise Cloud and GitHub Enterprise Server 3.9, 3.17–3.18"
        );
    }

    #[test]
    fn prose_differs_without_a_type_difference() {
        let api = json!({"name": "per_page", "in": "query", "description": "see docs.github.com/rest",
            "schema": {"type": "integer", "default": 30}});
        let ghec = json!({"name": "per_page", "in": "query", "description": "see docs.github.com/enterprise-cloud@latest/rest",
            "schema": {"type": "integer", "default": 30}});
        assert_eq!(type_difference(&api, &ghec), None);
        let wider = json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "default": 100}});
        assert_eq!(
            type_difference(&api, &wider).as_deref(),
            Some("/schema/default")
        );
        // A property named like a prose keyword is a field, not prose.
        let a = json!({"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]});
        let b = json!({"type": "object", "properties": {}, "required": ["title"]});
        assert_eq!(
            type_difference(&a, &b).as_deref(),
            Some("/properties/title")
        );
        let c = json!({"type": "object", "properties": {"title": {"type": "string", "description": "x"}}, "required": ["title"]});
        assert_eq!(type_difference(&a, &c), None);
    }

    #[test]
    fn an_optional_property_one_wording_lacks_is_no_difference() {
        let api = json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"},
            "custom_properties_for_organizations": {"type": "string", "enum": ["read", "write"]}}});
        let ghes = json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"},
            "enterprise_teams": {"type": "string"}}});
        assert_eq!(type_difference(&api, &ghes), None);
        assert_eq!(type_difference(&ghes, &api), None);
        // Nested in a property's schema, the same.
        let outer = |inner: &Value| json!({"type": "object", "properties": {"permissions": inner}});
        assert_eq!(type_difference(&outer(&api), &outer(&ghes)), None);
    }

    #[test]
    fn a_required_or_closed_or_typed_difference_stays_one() {
        let a = json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}});
        let lacking = json!({"type": "object", "required": ["id"], "properties": {}});
        assert_eq!(
            type_difference(&a, &lacking).as_deref(),
            Some("/properties/id")
        );
        assert_eq!(
            type_difference(&lacking, &a).as_deref(),
            Some("/properties/id")
        );
        // Required in one wording only: the `required` lists differ.
        let optional = json!({"type": "object", "properties": {"id": {"type": "integer"}}});
        assert_eq!(type_difference(&a, &optional).as_deref(), Some("/required"));
        // Nested: a required property one wording lacks, named where.
        let outer = |inner: &Value| json!({"type": "object", "properties": {"user": inner}});
        assert_eq!(
            type_difference(&outer(&a), &outer(&lacking)).as_deref(),
            Some("/properties/user/properties/id")
        );
        // A closed object, or a map of other members, would refuse the extra one.
        for rest in [json!(false), json!({"type": "string"})] {
            let x = json!({"type": "object", "additionalProperties": rest, "properties": {"id": {"type": "integer"}}});
            let y = json!({"type": "object", "additionalProperties": rest, "properties": {}});
            assert_eq!(type_difference(&x, &y).as_deref(), Some("/properties/id"));
        }
        // Pattern properties are names, not properties: any difference counts.
        let x = json!({"type": "object", "patternProperties": {"^a": {"type": "string"}}});
        let y = json!({"type": "object", "patternProperties": {}});
        assert_eq!(
            type_difference(&x, &y).as_deref(),
            Some("/patternProperties/^a")
        );
        // A type difference in an optional property both have stays one.
        let z = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        assert_eq!(
            type_difference(&optional, &z).as_deref(),
            Some("/properties/id/type")
        );
    }
}
