//! What `cargo xtask drift` reports: each change, classified for a
//! consumer of this SDK, by operation.

use serde::Serialize;
use strum::{Display, IntoStaticStr};

/// One difference.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub breaking: bool,
    pub what: What,
    /// Where, e.g. `query owner` or `200 [].token_id`.
    #[serde(rename = "where")]
    pub location: String,
    pub detail: String,
}

impl Change {
    pub fn new(
        breaking: bool,
        what: What,
        location: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Change {
            breaking,
            what,
            location: location.into(),
            detail: detail.into(),
        }
    }
}

/// What a change is about; written as words (`request body`), in the JSON
/// report as in the text one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Display, IntoStaticStr)]
#[serde(into = "&'static str")]
#[strum(serialize_all = "lowercase")]
pub enum What {
    Operation,
    Parameter,
    #[strum(serialize = "request body")]
    RequestBody,
    Response,
    #[strum(serialize = "response header")]
    ResponseHeader,
    #[strum(serialize = "response field")]
    ResponseField,
    /// A field of a webhook's payload, which GitHub sends and the SDK decodes.
    #[strum(serialize = "webhook field")]
    WebhookField,
}

impl What {
    /// Which way a schema of this kind travels: parameters and request
    /// bodies are sent, so their compatibility is judged for callers;
    /// everything else is received, and judged for decoding.
    pub fn direction(self) -> Direction {
        if matches!(self, What::Parameter | What::RequestBody) {
            Direction::Request
        } else {
            Direction::Response
        }
    }
}

/// What happened to an operation; written as a word, as [`What`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Display, IntoStaticStr)]
#[serde(into = "&'static str")]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    Changed,
    Unchanged,
    Added,
    Removed,
}

/// The differences of one operation.
#[derive(Debug, Serialize)]
pub struct OperationReport {
    #[serde(rename = "operationId")]
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub status: Status,
    pub changes: Vec<Change>,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The description compared (named after its file), when the report is
    /// about the operations spec/ took from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub from: String,
    pub to: String,
    pub operations: Vec<OperationReport>,
    pub total: usize,
    pub breaking: usize,
}

/// Which way a schema travels: sent by the SDK, or received by it.
#[derive(Clone, Copy, PartialEq)]
pub enum Direction {
    Request,
    Response,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_are_words_in_both_reports() {
        let change = Change {
            breaking: false,
            what: What::RequestBody,
            location: "x".into(),
            detail: "added".into(),
        };
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(json["what"], "request body");
        assert_eq!(json["where"], "x");
        assert_eq!(What::WebhookField.to_string(), "webhook field");
        assert_eq!(
            serde_json::to_value(Status::Unchanged).unwrap(),
            "unchanged"
        );
        assert_eq!(Status::Removed.to_string(), "removed");
    }
}
