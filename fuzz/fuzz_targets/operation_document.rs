#![forbid(unsafe_code)]
//! The generator's operation documents (spec/operations/*.md, written by
//! `cargo xtask import` and edited by maintainers): any text is a document
//! or an error naming the file and line.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use xtask::markdown;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = markdown::parse(text, Path::new("spec/operations/fuzz.md"));
});
