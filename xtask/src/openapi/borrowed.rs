//! A JSON value that borrows its keys and strings from the text it was
//! read from, for passes that read a large part of a description once.
//!
//! A `serde_json::Value` owns a `String` for every key and string and hashes
//! every key into its object's index; for the parts of GitHub's 13 MB
//! description that hold a union, that cost more than the rest of an import.
//! A [`BorrowedJson`] keeps only vectors: on those parts it reads in less
//! than half the time and drops in a fraction of it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::openapi::reference::unescape;

/// A JSON value whose keys and strings borrow from the text where they can
/// (they own a copy where the text escapes them).
#[derive(Clone, Debug, PartialEq)]
pub enum BorrowedJson<'a> {
    /// The entries in document order.
    Object(Vec<(Cow<'a, str>, BorrowedJson<'a>)>),
    Array(Vec<BorrowedJson<'a>>),
    String(Cow<'a, str>),
    /// A number, boolean or null: the passes that read this type only ask
    /// whether a key is there, not what such a value is.
    Scalar,
}

impl<'a> BorrowedJson<'a> {
    /// The value of `key` in an object; `None` for anything else.
    ///
    /// A key given twice has its last value, as in a `serde_json::Value`.
    pub fn get(&self, key: &str) -> Option<&BorrowedJson<'a>> {
        match self {
            BorrowedJson::Object(entries) => entries.iter().rev().find(|(k, _)| k == key),
            _ => None,
        }
        .map(|(_, v)| v)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            BorrowedJson::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, BorrowedJson::Object(_))
    }

    /// An object's entries in document order (a key given twice, which
    /// GitHub's 23.0.2 description never does, is listed twice); none for
    /// anything else.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &BorrowedJson<'a>)> {
        let entries = match self {
            BorrowedJson::Object(entries) => entries.as_slice(),
            _ => &[],
        };
        entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// An array's elements; none for anything else.
    pub fn elements(&self) -> impl Iterator<Item = &BorrowedJson<'a>> {
        match self {
            BorrowedJson::Array(items) => items.as_slice(),
            _ => &[],
        }
        .iter()
    }

    /// What a JSON pointer (`/components/schemas/a~1b`) points to, read as
    /// `serde_json::Value::pointer` reads it.
    pub fn pointer(&self, pointer: &str) -> Option<&BorrowedJson<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut tokens = pointer.strip_prefix('/')?.split('/');
        tokens.try_fold(self, |target, token| match target {
            BorrowedJson::Object(_) => target.get(&unescape(token)),
            BorrowedJson::Array(items) => array_index(token).and_then(|i| items.get(i)),
            _ => None,
        })
    }

    /// The local reference `#/...` in this document, as `openapi::lookup`
    /// reads it in a `serde_json::Value`.
    pub fn lookup(&self, reference: &str) -> Option<&BorrowedJson<'a>> {
        let pointer = reference.strip_prefix('#').filter(|p| p.starts_with('/'))?;
        self.pointer(pointer)
    }

    /// Removes `key` from every object in this value, at any depth.
    pub fn remove_everywhere(&mut self, key: &str) {
        match self {
            BorrowedJson::Object(entries) => {
                entries.retain(|(k, _)| k != key);
                entries
                    .iter_mut()
                    .for_each(|(_, v)| v.remove_everywhere(key));
            }
            BorrowedJson::Array(items) => items.iter_mut().for_each(|v| v.remove_everywhere(key)),
            BorrowedJson::String(_) | BorrowedJson::Scalar => {}
        }
    }
}

/// An array index of a JSON pointer, refused as `serde_json` refuses it:
/// with a sign or a leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// A view of a `serde_json::Value` that borrows its keys and strings, so
/// that a pass written for [`BorrowedJson`] also reads a parsed document.
impl<'a> From<&'a Value> for BorrowedJson<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Object(map) => BorrowedJson::Object(
                map.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), v.into()))
                    .collect(),
            ),
            Value::Array(items) => BorrowedJson::Array(items.iter().map(Into::into).collect()),
            Value::String(s) => BorrowedJson::String(Cow::Borrowed(s)),
            Value::Null | Value::Bool(_) | Value::Number(_) => BorrowedJson::Scalar,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for BorrowedJson<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor(PhantomData))
    }
}

/// Reads any JSON value into a [`BorrowedJson`].
struct JsonVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for JsonVisitor<'a> {
    type Value = BorrowedJson<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(BorrowedJson::Scalar)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(BorrowedJson::Scalar)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(BorrowedJson::Scalar)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(BorrowedJson::Scalar)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(BorrowedJson::Scalar)
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(BorrowedJson::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(BorrowedJson::String(Cow::Owned(s.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(BorrowedJson::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(Key(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(BorrowedJson::Object(entries))
    }
}

/// An object's key, borrowed from the text unless the text escapes it.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_str(JsonVisitor(PhantomData))? {
            BorrowedJson::String(key) => Ok(Key(key)),
            _ => Err(serde::de::Error::custom(
                "an object key that is not a string",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn it_reads_json_as_serde_json_does() {
        let text = r#"{"a/b": {"list": [1, "two", {"x\"y": null}], "t": true}, "c": "d\n"}"#;
        let borrowed: BorrowedJson = serde_json::from_str(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(borrowed, BorrowedJson::from(&value));
        // Keys and strings are borrowed unless the text escapes them.
        let BorrowedJson::Object(entries) = &borrowed else {
            panic!("an object")
        };
        assert!(matches!(entries[0].0, Cow::Borrowed("a/b")));
        assert!(matches!(
            borrowed.get("c"),
            Some(BorrowedJson::String(Cow::Owned(_)))
        ));
    }

    #[test]
    fn pointers_and_references_resolve_as_in_a_value() {
        let value = json!({"a/b": {"~c": [{"d": "e"}, "f"]}, "": {"g": 1}});
        let borrowed = BorrowedJson::from(&value);
        for pointer in [
            "",
            "/a~1b",
            "/a~1b/~0c/0/d",
            "/a~1b/~0c/1",
            "/a~1b/~0c/01",
            "/a~1b/~0c/+1",
            "/a~1b/~0c/2",
            "/a~1b/x",
            "/",
            "/g",
            "a~1b",
        ] {
            assert_eq!(
                borrowed.pointer(pointer),
                value.pointer(pointer).map(BorrowedJson::from).as_ref(),
                "{pointer}"
            );
        }
        assert_eq!(
            borrowed
                .lookup("#/a~1b/~0c/0/d")
                .and_then(BorrowedJson::as_str),
            Some("e")
        );
        assert_eq!(borrowed.lookup("other.json#/a~1b"), None);
    }

    #[test]
    fn a_key_is_removed_at_every_depth() {
        let value = json!({"x-octokit": 1, "a": [{"x-octokit": {}, "b": "c"}]});
        let mut borrowed = BorrowedJson::from(&value);
        borrowed.remove_everywhere("x-octokit");
        assert_eq!(borrowed, BorrowedJson::from(&json!({"a": [{"b": "c"}]})));
    }
}
