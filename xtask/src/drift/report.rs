//! What `cargo xtask drift` reports: each change, classified for a
//! consumer of this SDK, by operation.

use std::fmt;

use serde::Serialize;

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

/// What a change is about; serialized as the words `as_str` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Operation,
    Parameter,
    RequestBody,
    Response,
    ResponseHeader,
    ResponseField,
    /// A field of a webhook's payload, which GitHub sends and the SDK decodes.
    WebhookField,
}

impl What {
    /// `operation`, `parameter`, `request body`, `response`, `response header`,
    /// `response field`, `webhook field`.
    pub fn as_str(self) -> &'static str {
        match self {
            What::Operation => "operation",
            What::Parameter => "parameter",
            What::RequestBody => "request body",
            What::Response => "response",
            What::ResponseHeader => "response header",
            What::ResponseField => "response field",
            What::WebhookField => "webhook field",
        }
    }

    /// Which way a schema of this kind travels: parameters and request
    /// bodies are sent, so their compatibility is judged for callers;
    /// everything else is received, and judged for decoding.
    pub fn direction(self) -> Direction {
        match self {
            What::Parameter | What::RequestBody => Direction::Request,
            What::Operation
            | What::Response
            | What::ResponseHeader
            | What::ResponseField
            | What::WebhookField => Direction::Response,
        }
    }
}

/// What happened to an operation; serialized as the word `as_str` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Changed,
    Unchanged,
    Added,
    Removed,
}

impl Status {
    /// `changed`, `unchanged`, `added` or `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::Added => "added",
            Status::Removed => "removed",
        }
    }
}

// Both kinds are written as their words, in the JSON report as in the text one.
macro_rules! as_words {
    ($($ty:ty),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
as_words!(What, Status);

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
