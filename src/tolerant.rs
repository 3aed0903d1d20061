//! Decoding helpers the generated models use where GitHub's data is looser
//! than its description.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// An optional timestamp: RFC 3339, `null`, absent, or `""`, which GitHub
/// sends for a time that has not happened (an invitation's `failed_at`).
pub(crate) fn timestamp_or_empty<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(deserializer)?.as_deref() {
        None | Some("") => Ok(None),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|e| {
                serde::de::Error::custom(format!("`{text}` is not an RFC 3339 time: {e}"))
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "timestamp_or_empty")]
        at: Option<DateTime<Utc>>,
    }

    #[test]
    fn empty_null_and_absent_are_none_and_a_time_is_kept() {
        for json in [r#"{"at": ""}"#, r#"{"at": null}"#, "{}"] {
            assert_eq!(serde_json::from_str::<T>(json).unwrap().at, None, "{json}");
        }
        let t: T = serde_json::from_str(r#"{"at": "2016-11-30T06:46:10-08:00"}"#).unwrap();
        assert_eq!(t.at.unwrap().to_rfc3339(), "2016-11-30T14:46:10+00:00");
        assert!(serde_json::from_str::<T>(r#"{"at": "yesterday"}"#).is_err());
    }
}
