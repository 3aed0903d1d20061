//! The walk over every schema position of a document, written once for
//! shared and exclusive borrows of it and for a [`BorrowedJson`].

use serde_json::Value;

use crate::openapi::borrowed::BorrowedJson;
use crate::openapi::operations::Method;
use crate::openapi::reference::{ComponentKind, escape};

/// Calls `visit` with every schema object of a document and where it
/// stands, as a local reference (e.g.
/// `#/paths/~1orgs~1{org}/get/responses/200/content/application~1json/schema`).
///
/// Schemas are found where OpenAPI 3.0 puts them, in document order: the
/// components under `components/schemas`; the `schema` of parameters
/// (`components/parameters`, path items and operations) and headers
/// (`components/headers`, responses, encodings); `content/<media
/// type>/schema` of parameters, headers, request bodies and responses; and
/// inside each schema, `properties`, `items`, `additionalProperties`, `not`,
/// `allOf`, `anyOf` and `oneOf`. A `$ref` is visited as it stands and not
/// followed. The walk never goes into `example`, `examples` or `default`:
/// they hold payloads, not schemas; nor into callbacks, which GitHub's
/// descriptions do not have. A schema is visited before the schemas inside
/// it, and the walk then goes into it as the visitor left it.
pub fn walk_schemas(document: &Value, visit: &mut dyn FnMut(&str, &Value)) {
    Walk::<Shared>::run(document, visit);
}

/// [`walk_schemas`] with each schema lent out to be changed in place.
pub fn walk_schemas_mut(document: &mut Value, visit: &mut dyn FnMut(&str, &mut Value)) {
    Walk::<Exclusive>::run(document, visit);
}

/// [`walk_schemas`] of a [`BorrowedJson`] document.
pub fn walk_borrowed_schemas(
    document: &BorrowedJson<'_>,
    visit: &mut dyn FnMut(&str, &BorrowedJson<'_>),
) {
    Walk::<Borrowed>::run(document, visit);
}

/// Shared or exclusive access to a document's values, so that the schema
/// walk is written once for [`walk_schemas`], [`walk_schemas_mut`] and
/// [`walk_borrowed_schemas`]. (`'static`, since the kinds of access are
/// plain markers.)
trait Access: 'static {
    /// `&Value`, `&mut Value` or `&BorrowedJson`.
    type Node<'n>;
    /// Whether the node is an object.
    fn is_object(node: &Self::Node<'_>) -> bool;
    /// Lends the node out for a shorter time, keeping it for later.
    fn reborrow<'s>(node: &'s mut Self::Node<'_>) -> Self::Node<'s>;
    /// An object's entries in document order; none for anything else.
    fn entries<'n>(node: Self::Node<'n>) -> impl Iterator<Item = (&'n str, Self::Node<'n>)>;
    /// An array's elements; none for anything else.
    fn elements<'n>(node: Self::Node<'n>) -> impl Iterator<Item = Self::Node<'n>>;
}

struct Shared;
struct Exclusive;
struct Borrowed;

/// `&Value` and `&mut Value` are walked alike, through serde_json's shared
/// or exclusive accessors.
macro_rules! value_access {
    ($access:ident, $as_object:ident, $as_array:ident $(, $mut:tt)?) => {
        impl Access for $access {
            type Node<'n> = &'n $($mut)? Value;
            fn is_object(node: &&$($mut)? Value) -> bool {
                node.is_object()
            }
            fn reborrow<'s>(node: &'s mut &$($mut)? Value) -> &'s $($mut)? Value {
                node
            }
            fn entries<'n>(node: Self::Node<'n>) -> impl Iterator<Item = (&'n str, Self::Node<'n>)> {
                node.$as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str(), v))
            }
            fn elements<'n>(node: Self::Node<'n>) -> impl Iterator<Item = Self::Node<'n>> {
                node.$as_array().into_iter().flatten()
            }
        }
    };
}

value_access!(Shared, as_object, as_array);
value_access!(Exclusive, as_object_mut, as_array_mut, mut);

/// The document's lifetime is the borrow's: a `BorrowedJson` is covariant in
/// the text it borrows, so a node is lent out as one that borrows no longer.
impl Access for Borrowed {
    type Node<'n> = &'n BorrowedJson<'n>;
    fn is_object(node: &&BorrowedJson<'_>) -> bool {
        node.is_object()
    }
    fn reborrow<'s>(node: &'s mut &BorrowedJson<'_>) -> &'s BorrowedJson<'s> {
        node
    }
    fn entries<'n>(node: Self::Node<'n>) -> impl Iterator<Item = (&'n str, Self::Node<'n>)> {
        node.entries()
    }
    fn elements<'n>(node: Self::Node<'n>) -> impl Iterator<Item = Self::Node<'n>> {
        node.elements()
    }
}

/// The state of one schema walk: the pointer of the object being read.
struct Walk<'v, A: Access> {
    pointer: String,
    visit: &'v mut dyn for<'n> FnMut(&str, A::Node<'n>),
}

impl<'v, A: Access> Walk<'v, A> {
    /// Walks `document` from its root.
    fn run(document: A::Node<'_>, visit: &'v mut dyn for<'n> FnMut(&str, A::Node<'n>)) {
        let pointer = String::from("#");
        Walk { pointer, visit }.document(document);
    }

    /// Runs `f` with `token` appended to the pointer.
    fn within(&mut self, token: &str, f: impl FnOnce(&mut Self)) {
        let len = self.pointer.len();
        self.pointer.push('/');
        self.pointer.push_str(&escape(token));
        f(self);
        self.pointer.truncate(len);
    }

    /// Runs `f` on each entry of an object, within its key.
    fn each<'n>(&mut self, object: A::Node<'n>, mut f: impl FnMut(&mut Self, A::Node<'n>)) {
        for (key, value) in A::entries(object) {
            self.within(key, |w| f(w, value));
        }
    }

    /// Runs `f` on each element of an array, within its index.
    fn each_element<'n>(&mut self, array: A::Node<'n>, mut f: impl FnMut(&mut Self, A::Node<'n>)) {
        for (index, element) in A::elements(array).enumerate() {
            self.within(&index.to_string(), |w| f(w, element));
        }
    }

    fn document(&mut self, document: A::Node<'_>) {
        for (key, value) in A::entries(document) {
            match key {
                "paths" => self.within(key, |w| w.each(value, Self::path_item)),
                "components" => self.within(key, |w| w.components(value)),
                _ => {}
            }
        }
    }

    fn components(&mut self, components: A::Node<'_>) {
        for (key, section) in A::entries(components) {
            match key.parse().ok() {
                Some(ComponentKind::Schemas) => self.within(key, |w| w.each(section, Self::schema)),
                Some(
                    ComponentKind::Responses
                    | ComponentKind::Parameters
                    | ComponentKind::RequestBodies
                    | ComponentKind::Headers,
                ) => self.within(key, |w| w.each(section, Self::holder)),
                _ => {}
            }
        }
    }

    /// A path item, or an operation: parameters, and the operations of a
    /// path item or the request body and responses of an operation.
    fn path_item(&mut self, item: A::Node<'_>) {
        for (key, value) in A::entries(item) {
            match key {
                "parameters" => self.within(key, |w| w.each_element(value, Self::holder)),
                "requestBody" => self.within(key, |w| w.holder(value)),
                "responses" => self.within(key, |w| w.each(value, Self::holder)),
                _ if Method::from_key(key).is_some() => self.within(key, |w| w.path_item(value)),
                _ => {}
            }
        }
    }

    /// What holds schemas but is no schema: a parameter, header, request
    /// body, response, media type or encoding, with a `schema`, or
    /// `content`, `headers` and `encoding` of more such holders by name.
    fn holder(&mut self, holder: A::Node<'_>) {
        for (key, value) in A::entries(holder) {
            match key {
                "schema" => self.within(key, |w| w.schema(value)),
                "content" | "headers" | "encoding" => {
                    self.within(key, |w| w.each(value, Self::holder))
                }
                _ => {}
            }
        }
    }

    fn schema(&mut self, mut schema: A::Node<'_>) {
        if !A::is_object(&schema) {
            return;
        }
        (self.visit)(&self.pointer, A::reborrow(&mut schema));
        for (key, value) in A::entries(schema) {
            match key {
                "properties" => self.within(key, |w| w.each(value, Self::schema)),
                "items" | "additionalProperties" | "not" => self.within(key, |w| w.schema(value)),
                "allOf" | "anyOf" | "oneOf" => {
                    self.within(key, |w| w.each_element(value, Self::schema))
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::tests::document;
    use serde_json::json;

    #[test]
    fn every_schema_position_is_walked_with_its_pointer() {
        let doc = document();
        let mut seen = Vec::new();
        walk_schemas(&doc, &mut |pointer, _| seen.push(pointer.to_string()));
        assert_eq!(
            seen,
            [
                "#/paths/~1a~1{id}/parameters/0/schema",
                "#/components/responses/also-ok/content/application~1json/schema",
                "#/components/schemas/a~1b",
                "#/components/schemas/a~1b/properties/list",
                "#/components/schemas/a~1b/properties/list/items",
                "#/components/schemas/a~1b/properties/either",
                "#/components/schemas/a~1b/properties/either/oneOf/0",
                "#/components/schemas/a~1b/properties/either/oneOf/1",
                "#/components/schemas/a~1b/properties/map",
                "#/components/schemas/a~1b/properties/map/additionalProperties",
                "#/components/schemas/c",
            ]
        );
        let borrowed = BorrowedJson::from(&doc);
        let mut again = Vec::new();
        walk_borrowed_schemas(&borrowed, &mut |pointer, _| again.push(pointer.to_string()));
        assert_eq!(again, seen);
    }

    #[test]
    fn the_walk_goes_into_a_schema_as_the_visitor_left_it_and_never_into_payloads() {
        let mut doc = document();
        let mut seen = Vec::new();
        walk_schemas_mut(&mut doc, &mut |pointer, schema| {
            seen.push(pointer.to_string());
            let schema = schema.as_object_mut().unwrap();
            schema.insert("x-visited".into(), true.into());
            if let Some(members) = schema.remove("oneOf") {
                schema.insert("anyOf".into(), members);
            }
        });
        assert!(seen.contains(&"#/components/schemas/a~1b/properties/either/anyOf/1".into()));
        assert_eq!(
            doc.pointer("/components/schemas/a~1b/properties/list/items/x-visited"),
            Some(&json!(true))
        );
        // Payloads are never taken for schemas.
        assert!(
            doc.pointer("/components/schemas/a~1b/example/properties/x/x-visited")
                .is_none()
        );
        assert!(
            doc.pointer("/components/examples/e/value/schema/x-visited")
                .is_none()
        );
    }
}
