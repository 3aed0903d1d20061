//! Builder methods that each set one field, written once for the SDK's
//! builders (`ClientBuilder`, `RetryPolicy`, `DiskCache`, `TokenScope`).

/// Builder methods `name(arg: Type) -> Self` that each set one field to an
/// expression of the argument: `name(arg: Type) => field = expression;`.
macro_rules! setters {
    ($($(#[$attr:meta])* $name:ident($arg:ident: $ty:ty) => $field:ident = $value:expr;)*) => {
        $($(#[$attr])* pub fn $name(mut self, $arg: $ty) -> Self {
            self.$field = $value;
            self
        })*
    };
}

pub(crate) use setters;
