//! Reports which spec the crate was built from, and warns when generated/ is
//! stale. Deliberately cheap: no JSON parser, only a hash and a header line.

use std::path::Path;

use sha2::{Digest, Sha256};

const OPENAPI: &str = "spec/openapi.json";
const GENERATED: &str = "generated/client.rs";

fn main() {
    println!("cargo::rerun-if-changed={OPENAPI}");
    println!("cargo::rerun-if-changed=generated");
    println!("cargo::rerun-if-changed=build.rs");

    let spec = std::fs::read_to_string(OPENAPI).unwrap_or_default();
    let spec_hash: String = Sha256::digest(spec.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let first_line = std::fs::read_to_string(GENERATED)
        .ok()
        .and_then(|t| t.lines().next().map(str::to_string))
        .unwrap_or_default();
    // The header reads `... from spec/openapi.json (sha256 <hex>). ...`.
    let generated_hash = first_line
        .split_once("(sha256 ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(hex, _)| hex.to_string())
        .unwrap_or_default();
    if spec.is_empty() {
        println!("cargo::warning={OPENAPI} is missing; run `cargo xtask generate`");
    } else if generated_hash != spec_hash {
        println!(
            "cargo::warning={GENERATED} was generated from a different {OPENAPI} (sha256 {} vs {}); run `cargo xtask generate`",
            if generated_hash.is_empty() {
                "unknown"
            } else {
                &generated_hash[..12.min(generated_hash.len())]
            },
            &spec_hash[..12]
        );
    }
    let api_version = spec
        .split_once("\"info\": {")
        .and_then(|(_, info)| info.split_once("\"version\": \""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(v, _)| v.to_string())
        .unwrap_or_else(|| "unknown".into());

    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("spec_info.rs");
    let code = format!(
        "/// `info.version` of the bundled description: the REST API version it describes.\n\
         pub const API_VERSION: &str = {api_version:?};\n\
         /// SHA-256 of the `spec/openapi.json` this crate was built with.\n\
         pub const OPENAPI_SHA256: &str = {spec_hash:?};\n\
         /// SHA-256 of the `spec/openapi.json` that `generated/` was made from.\n\
         pub const GENERATED_FROM_SHA256: &str = {generated_hash:?};\n"
    );
    // Write only on change, so that dependents are not rebuilt for nothing.
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code).expect("OUT_DIR is writable");
    }
}
