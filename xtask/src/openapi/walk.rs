//! The walk over every schema position of a document, written once for
//! shared and for exclusive borrows of it.

use serde_json::Value;

use crate::openapi::borrowed::BorrowedJson;
use crate::openapi::operations::Method;
use crate::openapi::reference::{ComponentKind, escape};

/// What holds a schema: the keyword or field it stands under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot<'a> {
    /// `#/components/schemas/<name>`.
    Component(&'a str),
    /// The `schema` of a parameter, with the parameter's `name` (empty for a
    /// `$ref` or when it has none).
    Parameter(&'a str),
    /// The `schema` of a header, with the header's name.
    Header(&'a str),
    /// `content/<media type>/schema` of a request body, response, parameter or header.
    MediaType(&'a str),
    /// `properties/<name>` of the schema that holds it.
    Property(&'a str),
    /// `items` of an array schema.
    Items,
    /// `additionalProperties` of a map schema.
    AdditionalProperties,
    /// `not`.
    Not,
    /// `allOf/<index>`.
    AllOf(usize),
    /// `anyOf/<index>`.
    AnyOf(usize),
    /// `oneOf/<index>`.
    OneOf(usize),
}

/// Where one schema stands in a document.
#[derive(Clone, Copy, Debug)]
pub struct SchemaPlace<'a> {
    /// The schema's JSON pointer as a local reference, e.g.
    /// `#/paths/~1orgs~1{org}/get/responses/200/content/application~1json/schema`.
    pub pointer: &'a str,
    /// What holds it.
    pub slot: Slot<'a>,
    /// The schema it stands in (for `Property`, `Items` and the other
    /// keywords of a schema); `None` where a component, parameter, header or
    /// media type holds it.
    pub parent: Option<&'a SchemaPlace<'a>>,
}

/// When a walk's visitor sees a schema, relative to the schemas inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Before the schemas inside it; the walk then goes into the schema as
    /// the visitor left it.
    Pre,
    /// After every schema inside it, so that a visitor can replace an inline
    /// schema whose own inline schemas it has already replaced.
    Post,
}

/// Calls `visit` with every schema object of a document and where it stands.
///
/// Schemas are found where OpenAPI 3.0 puts them, in document order: the
/// components under `components/schemas`; the `schema` of parameters
/// (`components/parameters`, path items and operations) and headers
/// (`components/headers`, responses, encodings); `content/<media
/// type>/schema` of parameters, headers, request bodies and responses; the
/// same inside callbacks; and inside each schema, `properties`, `items`,
/// `additionalProperties`, `not`, `allOf`, `anyOf` and `oneOf`. A `$ref` is
/// visited as it stands and not followed. The walk never goes into
/// `example`, `examples` or `default`: they hold payloads, not schemas.
pub fn walk_schemas(
    document: &Value,
    order: Order,
    visit: &mut dyn FnMut(&SchemaPlace<'_>, &Value),
) {
    Walk::<Shared> {
        pointer: String::from("#"),
        order,
        visit,
    }
    .document(document);
}

/// [`walk_schemas`] with each schema lent out to be changed in place.
pub fn walk_schemas_mut(
    document: &mut Value,
    order: Order,
    visit: &mut dyn FnMut(&SchemaPlace<'_>, &mut Value),
) {
    Walk::<Exclusive> {
        pointer: String::from("#"),
        order,
        visit,
    }
    .document(document);
}

/// [`walk_schemas`] of a [`BorrowedJson`] document.
pub fn walk_borrowed_schemas(
    document: &BorrowedJson<'_>,
    order: Order,
    visit: &mut dyn FnMut(&SchemaPlace<'_>, &BorrowedJson<'_>),
) {
    Walk::<Borrowed> {
        pointer: String::from("#"),
        order,
        visit,
    }
    .document(document);
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
    /// The string under `key` of an object node.
    fn str_field<'s>(node: &'s Self::Node<'_>, key: &str) -> Option<&'s str>;
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
            fn str_field<'s>(node: &'s &$($mut)? Value, key: &str) -> Option<&'s str> {
                node.get(key).and_then(Value::as_str)
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
    fn str_field<'s>(node: &'s &BorrowedJson<'_>, key: &str) -> Option<&'s str> {
        node.get(key).and_then(BorrowedJson::as_str)
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
    order: Order,
    visit: &'v mut dyn for<'n> FnMut(&SchemaPlace<'_>, A::Node<'n>),
}

impl<A: Access> Walk<'_, A> {
    /// Runs `f` with `token` appended to the pointer.
    fn within(&mut self, token: &str, f: impl FnOnce(&mut Self)) {
        let len = self.pointer.len();
        self.pointer.push('/');
        self.pointer.push_str(&escape(token));
        f(self);
        self.pointer.truncate(len);
    }

    fn document(&mut self, document: A::Node<'_>) {
        for (key, value) in A::entries(document) {
            match key {
                "paths" => self.within(key, |w| {
                    for (path, item) in A::entries(value) {
                        w.within(path, |w| w.path_item(item));
                    }
                }),
                "components" => self.within(key, |w| w.components(value)),
                _ => {}
            }
        }
    }

    fn components(&mut self, components: A::Node<'_>) {
        for (key, section) in A::entries(components) {
            let Some(kind) = ComponentKind::from_key(key) else {
                continue;
            };
            self.within(key, |w| {
                for (name, value) in A::entries(section) {
                    w.within(name, |w| match kind {
                        ComponentKind::Schemas => w.schema(value, Slot::Component(name), None),
                        ComponentKind::Responses => w.response(value),
                        ComponentKind::Parameters => w.parameter(value),
                        ComponentKind::RequestBodies => w.content_holder(value),
                        ComponentKind::Headers => w.header(name, value),
                        ComponentKind::Callbacks => w.callback(value),
                        ComponentKind::Examples
                        | ComponentKind::SecuritySchemes
                        | ComponentKind::Links => {}
                    });
                }
            });
        }
    }

    fn path_item(&mut self, item: A::Node<'_>) {
        for (key, value) in A::entries(item) {
            if key == "parameters" {
                self.within(key, |w| w.parameters(value));
            } else if Method::from_key(key).is_some() {
                self.within(key, |w| w.operation(value));
            }
        }
    }

    fn operation(&mut self, operation: A::Node<'_>) {
        for (key, value) in A::entries(operation) {
            match key {
                "parameters" => self.within(key, |w| w.parameters(value)),
                "requestBody" => self.within(key, |w| w.content_holder(value)),
                "responses" => self.within(key, |w| {
                    for (status, response) in A::entries(value) {
                        w.within(status, |w| w.response(response));
                    }
                }),
                "callbacks" => self.within(key, |w| {
                    for (name, callback) in A::entries(value) {
                        w.within(name, |w| w.callback(callback));
                    }
                }),
                _ => {}
            }
        }
    }

    fn callback(&mut self, callback: A::Node<'_>) {
        for (expression, item) in A::entries(callback) {
            self.within(expression, |w| w.path_item(item));
        }
    }

    fn parameters(&mut self, parameters: A::Node<'_>) {
        for (index, parameter) in A::elements(parameters).enumerate() {
            self.within(&index.to_string(), |w| w.parameter(parameter));
        }
    }

    fn parameter(&mut self, parameter: A::Node<'_>) {
        // Copied, since the parameter object is lent out entry by entry.
        let name = A::str_field(&parameter, "name")
            .unwrap_or_default()
            .to_string();
        self.schema_holder(parameter, Slot::Parameter(&name));
    }

    fn header(&mut self, name: &str, header: A::Node<'_>) {
        self.schema_holder(header, Slot::Header(name));
    }

    /// A parameter or header: a `schema`, or `content` with media types.
    fn schema_holder(&mut self, holder: A::Node<'_>, slot: Slot<'_>) {
        for (key, value) in A::entries(holder) {
            match key {
                "schema" => self.within(key, |w| w.schema(value, slot, None)),
                "content" => self.within(key, |w| w.content(value)),
                _ => {}
            }
        }
    }

    fn response(&mut self, response: A::Node<'_>) {
        for (key, value) in A::entries(response) {
            match key {
                "headers" => self.within(key, |w| w.headers(value)),
                "content" => self.within(key, |w| w.content(value)),
                _ => {}
            }
        }
    }

    fn headers(&mut self, headers: A::Node<'_>) {
        for (name, header) in A::entries(headers) {
            self.within(name, |w| w.header(name, header));
        }
    }

    /// A request body: only `content`.
    fn content_holder(&mut self, holder: A::Node<'_>) {
        for (key, value) in A::entries(holder) {
            if key == "content" {
                self.within(key, |w| w.content(value));
            }
        }
    }

    fn content(&mut self, content: A::Node<'_>) {
        for (media_type, media) in A::entries(content) {
            self.within(media_type, |w| {
                for (key, value) in A::entries(media) {
                    match key {
                        "schema" => {
                            w.within(key, |w| w.schema(value, Slot::MediaType(media_type), None))
                        }
                        "encoding" => w.within(key, |w| {
                            for (property, encoding) in A::entries(value) {
                                w.within(property, |w| {
                                    for (key, value) in A::entries(encoding) {
                                        if key == "headers" {
                                            w.within(key, |w| w.headers(value));
                                        }
                                    }
                                });
                            }
                        }),
                        _ => {}
                    }
                }
            });
        }
    }

    fn schema(
        &mut self,
        mut schema: A::Node<'_>,
        slot: Slot<'_>,
        parent: Option<&SchemaPlace<'_>>,
    ) {
        if !A::is_object(&schema) {
            return;
        }
        // Copied, since the walk appends to `self.pointer` below this schema.
        let pointer = self.pointer.clone();
        let place = SchemaPlace {
            pointer: &pointer,
            slot,
            parent,
        };
        if self.order == Order::Pre {
            (self.visit)(&place, A::reborrow(&mut schema));
        }
        for (key, value) in A::entries(A::reborrow(&mut schema)) {
            let parent = Some(&place);
            match key {
                "properties" => self.within(key, |w| {
                    for (name, property) in A::entries(value) {
                        w.within(name, |w| w.schema(property, Slot::Property(name), parent));
                    }
                }),
                "items" => self.within(key, |w| w.schema(value, Slot::Items, parent)),
                "additionalProperties" => {
                    self.within(key, |w| w.schema(value, Slot::AdditionalProperties, parent))
                }
                "not" => self.within(key, |w| w.schema(value, Slot::Not, parent)),
                "allOf" | "anyOf" | "oneOf" => self.within(key, |w| {
                    for (index, member) in A::elements(value).enumerate() {
                        let slot = match key {
                            "allOf" => Slot::AllOf(index),
                            "anyOf" => Slot::AnyOf(index),
                            _ => Slot::OneOf(index),
                        };
                        w.within(&index.to_string(), |w| w.schema(member, slot, parent));
                    }
                }),
                _ => {}
            }
        }
        if self.order == Order::Post {
            (self.visit)(&place, schema);
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
        walk_schemas(&doc, Order::Pre, &mut |place, _| {
            seen.push((place.pointer.to_string(), format!("{:?}", place.slot)))
        });
        let pointers: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
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
        assert_eq!(seen[0].1, "Parameter(\"id\")");
        assert_eq!(seen[1].1, "MediaType(\"application/json\")");
        assert_eq!(seen[2].1, "Component(\"a/b\")");
        assert_eq!(seen[7].1, "OneOf(1)");
    }

    #[test]
    fn the_walk_knows_parents_and_visits_them_after_their_schemas_in_post_order() {
        let mut doc = document();
        let mut order = Vec::new();
        walk_schemas_mut(&mut doc, Order::Post, &mut |place, schema| {
            let chain = std::iter::successors(Some(place), |p| p.parent)
                .map(|p| format!("{:?}", p.slot))
                .collect::<Vec<_>>()
                .join(" < ");
            order.push(chain);
            schema
                .as_object_mut()
                .unwrap()
                .insert("x-visited".into(), true.into());
        });
        assert_eq!(order[2], "Items < Property(\"list\") < Component(\"a/b\")");
        assert_eq!(order[3], "Property(\"list\") < Component(\"a/b\")");
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
