//! Media types, read by their structure: `application/json`, with or
//! without parameters, and every `application/*+json` (RFC 6839's
//! structured syntax suffix: `application/scim+json`,
//! `application/vnd.github.v3.star+json`) are JSON.

use serde_json::{Map, Value};

/// Whether a media type (a key of a `content` object) is JSON.
pub fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json") || subtype.to_ascii_lowercase().ends_with("+json"))
}

/// Whether a media type is `application/json` itself (with or without parameters).
pub fn is_plain_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The JSON media type of a `content` object: `application/json` if it is
/// there, else the first other JSON one; its key and media type object.
pub fn json_content(content: &Map<String, Value>) -> Option<(&String, &Value)> {
    content
        .iter()
        .find(|(media, _)| is_plain_json(media))
        .or_else(|| content.iter().find(|(media, _)| is_json(media)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_known_by_structure() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "application/scim+json",
            "application/vnd.github.v3.star+json",
            "Application/SARIF+JSON",
        ] {
            assert!(is_json(json), "{json}");
        }
        for other in [
            "text/json",
            "application/octet-stream",
            "application/vnd.github.diff",
            "application/jsonl",
            "multipart/form-data",
            "json",
        ] {
            assert!(!is_json(other), "{other}");
        }
        let content: Map<String, Value> = serde_json::from_str(
            r#"{"application/vnd.github.v3.star+json": {}, "application/json": {"x": 1}}"#,
        )
        .unwrap();
        assert_eq!(json_content(&content).unwrap().0, "application/json");
    }
}
