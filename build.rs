#![forbid(unsafe_code)]
//! Reports which spec the crate was built from, and warns when generated/ is
//! stale. Deliberately cheap: no JSON parser, only a hash and header lines.

use std::path::Path;

use sha2::{Digest, Sha256};

const OPENAPI: &str = "spec/openapi.json";
const GENERATED: &str = "generated/client.rs";
/// One components document per GitHub description the spec draws from,
/// each naming its description and version in its header (written by
/// `cargo xtask import`).
const COMPONENTS: &str = "spec/components";

fn main() {
    println!("cargo::rerun-if-changed={OPENAPI}");
    println!("cargo::rerun-if-changed=generated");
    println!("cargo::rerun-if-changed={COMPONENTS}");
    println!("cargo::rerun-if-changed=build.rs");

    let spec = std::fs::read_to_string(OPENAPI).unwrap_or_default();
    let spec_hash = format!("{:x}", Sha256::digest(spec.as_bytes()));
    let generated_hash = generated_from();
    warn_if_stale(&spec, &spec_hash, &generated_hash);
    let api_version = spec
        .split_once("\"info\": {")
        .and_then(|(_, info)| info.split_once("\"version\": \""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(v, _)| v.to_string())
        .unwrap_or_else(|| "unknown".into());
    // The strings reach `spec` as environment variables; the descriptions,
    // a list, as an expression in a file of their own.
    println!("cargo::rustc-env=SPEC_API_VERSION={api_version}");
    println!("cargo::rustc-env=SPEC_OPENAPI_SHA256={spec_hash}");
    println!("cargo::rustc-env=SPEC_GENERATED_FROM_SHA256={generated_hash}");
    let descriptions: Vec<String> = descriptions()
        .iter()
        .map(|(name, version)| format!("Description {{ name: {name:?}, version: {version:?} }}"))
        .collect();
    let code = format!("&[{}]", descriptions.join(", "));
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out).join("descriptions.rs");
    // Write only on change, so that dependents are not rebuilt for nothing.
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code).expect("OUT_DIR is writable");
    }
}

/// The hash generated/'s header names: `... from spec/openapi.json (sha256
/// <hex>). ...`; empty when there is none.
fn generated_from() -> String {
    let text = std::fs::read_to_string(GENERATED).unwrap_or_default();
    let first_line = text.lines().next().unwrap_or_default();
    let hash = first_line
        .split_once("(sha256 ")
        .and_then(|(_, rest)| rest.split_once(')'));
    hash.map(|(hex, _)| hex.to_string()).unwrap_or_default()
}

fn warn_if_stale(spec: &str, spec_hash: &str, generated_hash: &str) {
    if spec.is_empty() {
        println!("cargo::warning={OPENAPI} is missing; run `cargo xtask generate`");
    } else if generated_hash != spec_hash {
        // A header without a whole hash names none.
        let generated = generated_hash.get(..12).unwrap_or("unknown");
        println!(
            "cargo::warning={GENERATED} was generated from a different {OPENAPI} (sha256 {generated} vs {}); run `cargo xtask generate`",
            &spec_hash[..12]
        );
    }
}

/// `(name, version)` of every description with a components document,
/// sorted by name; a document whose header says neither is named in a
/// warning and left out.
fn descriptions() -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(COMPONENTS) else {
        println!("cargo::warning={COMPONENTS}/ is missing: `spec::DESCRIPTIONS` is empty");
        return found;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match text.lines().take(10).find_map(description_of) {
            Some(description) => found.push(description),
            None => println!(
                "cargo::warning={}: no line names the description and its `info.version`; \
                 it is left out of `spec::DESCRIPTIONS`",
                path.display()
            ),
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The description a components document's header line names: its first
/// quoted word is the description's file (`api.github.com.json`), and
/// `` `info.version` `` is followed by the version. Both wordings
/// `cargo xtask import` has used read the same:
/// "Source: `api.github.com.json`, `info.version` 23.0.2, ..." and
/// "Copied from `ghec.json` (`ghec`, `info.version` 23.0.2) ...".
fn description_of(line: &str) -> Option<(String, String)> {
    let (_, after) = line.split_once("`info.version` ")?;
    let version: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
        .collect();
    let file = line.split('`').nth(1)?;
    let name = file.strip_suffix(".json").unwrap_or(file);
    (!version.is_empty() && !name.is_empty()).then(|| (name.to_string(), version))
}
