//! Builder methods that each set one field, written once for every type
//! tests configure the stand-in with.

/// Builder methods `name(value) -> Self` that each set one field (or a
/// field's field, `site.admin`) to the value given, or to what `=> convert`
/// (a function of it) makes of it.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident($($field:ident).+: $ty:ty) $(=> $convert:expr)?,)*) => {
        $($(#[$doc])* pub fn $name(mut self, value: $ty) -> Self {
            self.$($field).+ = $crate::builder::setters!(@convert value $(, $convert)?);
            self
        })*
    };
    (@convert $value:expr) => { $value };
    (@convert $value:expr, $convert:expr) => { ($convert)($value) };
}

pub(crate) use setters;

/// Text items as a list of strings (a builder's `scopes`, say).
pub(crate) fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}
