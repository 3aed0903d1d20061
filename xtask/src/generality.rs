//! `cargo xtask generality`: does the generator take any operation of a
//! description? Each selected operation is imported and generated alone (in
//! a spec/ of its own, with the SDK's overlays); then all of those that
//! generate alone are imported together into a scratch copy of the SDK
//! whose primary description is the one imported from (the SDK's own
//! operations and webhooks are taken from it where it holds them, the
//! hand-written layer needs them), which is generated, checked with `cargo
//! check` (warnings count as failures) and tested with the golden tests.
//! Each operation's models generated alone must be, token for token, the
//! same models of the whole: then what compiles and passes together does
//! alone too, without a build per operation, and importing more operations
//! never changes a model. One line per failure, then the totals.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use quote::quote;
use serde_json::{Map, Value};

use crate::generate;
use crate::import;
use crate::output::{Output, write_all};
use crate::syntax::module_items;

/// Which operations to try.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Every operation of the description.
    All,
    /// `count` operations drawn with `seed`, the same ones on every run.
    Sample { count: usize, seed: u64 },
    /// These operationIds.
    Named(Vec<String>),
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    pub operations: usize,
    /// Operations that failed to import or generate alone, with the reason.
    pub alone_failures: Vec<(String, String)>,
    pub generated_lines: usize,
    pub generate_time: Duration,
    /// The cargo steps of [`STEPS`] that ran; none when compiling was skipped.
    pub steps: Vec<Step>,
}

/// The cargo steps on the scratch copy: how a failure line names each, how
/// the totals name it, and cargo's arguments.
const STEPS: [(&str, &str, &[&str]); 2] = [
    ("cargo check", "cargo check", &["check", "--lib"]),
    ("golden", "golden tests", &["test", "--test", "golden"]),
];

/// One cargo step on the scratch copy.
#[derive(Debug)]
pub struct Step {
    /// How a failure line names it, and how the totals do (see [`STEPS`]).
    pub names: (&'static str, &'static str),
    pub time: Duration,
    /// Errors and warnings, one line each (`file:line:col: message`).
    pub problems: Vec<String>,
}

impl Report {
    /// Whether anything failed.
    pub fn failed(&self) -> bool {
        !self.alone_failures.is_empty() || self.steps.iter().any(|s| !s.problems.is_empty())
    }

    /// One line per failure, then the totals.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for (id, why) in &self.alone_failures {
            text.push_str(&format!("FAIL alone {id}: {why}\n"));
        }
        for step in &self.steps {
            for p in &step.problems {
                text.push_str(&format!("FAIL {}: {p}\n", step.names.0));
            }
        }
        text.push_str(&format!(
            "{} operations: {} failed alone; together: {} generated lines in {:.1} s",
            self.operations,
            self.alone_failures.len(),
            self.generated_lines,
            self.generate_time.as_secs_f64()
        ));
        for s in &self.steps {
            let outcome = match s.problems.len() {
                0 => "passed".to_string(),
                n => format!("{n} problems"),
            };
            let (name, time) = (s.names.1, s.time.as_secs_f64());
            text.push_str(&format!("; {name} {outcome} in {time:.0} s"));
        }
        text.push('\n');
        text
    }
}

/// A small, seeded generator (splitmix64), so a sample is the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The operationIds a selection names, sorted.
pub fn select(all: &[String], selection: &Selection) -> Result<Vec<String>> {
    let mut chosen = match selection {
        Selection::All => all.to_vec(),
        Selection::Sample { count, seed } => {
            let mut pool = all.to_vec();
            let mut rng = SplitMix(*seed);
            let mut chosen = Vec::new();
            while chosen.len() < *count && !pool.is_empty() {
                let i = (rng.next() % pool.len() as u64) as usize;
                chosen.push(pool.swap_remove(i));
            }
            chosen
        }
        Selection::Named(ids) => match ids.iter().find(|id| !all.contains(id)) {
            Some(id) => bail!("no operation `{id}` in the description"),
            None => ids.clone(),
        },
    };
    chosen.sort();
    chosen.dedup();
    Ok(chosen)
}

/// Runs the check. `root` is the project whose SDK is copied; `scratch` is
/// where the copy goes (kept afterwards, for a look at what failed).
pub fn run(
    root: &Path,
    from: &Path,
    selection: &Selection,
    scratch: &Path,
    compile: bool,
) -> Result<Report> {
    let bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    let source = crate::descriptions::file_name(from);
    let index = import::Index::load(&bytes, &source, &import::cache_dir(root))?;
    let all: Vec<String> = index.operation_ids().map(str::to_string).collect();
    let ids = select(&all, selection)?;
    let mut report = Report {
        operations: ids.len(),
        ..Report::default()
    };
    let sources = crate::bundle::load(&root.join("spec"), root)?;
    // The SDK's own operations are generated with its overlays (corrections
    // to GitHub's description, see spec/overlays/), which may need what only
    // the SDK's other operations bring. Alone they are generated without
    // them, so their models alone are the published ones, not the SDK's: the
    // SDK's own build and tests cover those.
    let own: BTreeSet<String> = sources.operations.iter().map(|op| op.id.clone()).collect();
    eprintln!("generality: {} operations, each alone", ids.len());
    let document = ungated_document(&sources.document, None)?;
    let alone = alone(root, &index, &ids, &own, &document)?;
    // Each operation either generated (in `items`, in order) or failed.
    let passed: Vec<String> = alone.items.iter().map(|(id, _)| id.clone()).collect();
    report.alone_failures = alone.failures;
    eprintln!(
        "generality: the {} that generate alone, together in {}",
        passed.len(),
        scratch.display()
    );
    let Some(outputs) = together(root, &index, &sources, &passed, scratch, &mut report)? else {
        return Ok(report);
    };
    let differing = differences(&alone.items, &items(&outputs)?, &own);
    report.alone_failures.extend(differing);
    write_all(scratch, &outputs)?;
    if compile {
        // The Cargo features the SDK's `spec/document.json` declares.
        let declared = crate::openapi::object(sources.document.get(crate::features::EXTENSION));
        let features: Vec<&str> = declared.map(|(name, _)| name.as_str()).collect();
        build_and_test(root, scratch, &features.join(","), &mut report)?;
    }
    Ok(report)
}

/// Imports `ids` into a scratch copy of the SDK whose primary description
/// is the one imported from, with the SDK's own operations and webhooks
/// taken from it where it holds them, and generates; `None` (and the
/// failure in the report) when generating fails.
fn together(
    root: &Path,
    index: &import::Index<'_>,
    sources: &crate::bundle::Sources,
    ids: &[String],
    scratch: &Path,
    report: &mut Report,
) -> Result<Option<Vec<Output>>> {
    let document = ungated_document(&sources.document, Some(&index.description))?;
    copy_sdk(root, scratch, &document)?;
    let mut operations = ids.to_vec();
    operations.extend(
        sources
            .operations
            .iter()
            .filter(|op| index.operation_id_of(&op.id).is_ok() && !ids.contains(&op.id))
            .map(|op| op.id.clone()),
    );
    let webhooks = sources
        .webhooks
        .iter()
        .filter(|w| index.webhook(&w.path).is_ok())
        .map(|w| w.path.clone())
        .collect();
    let request = import::Request {
        operations,
        webhooks,
        ..import::Request::default()
    };
    import::plan(scratch, index, &request)?.carry_out(scratch)?;
    let started = Instant::now();
    let outputs = generate::render(scratch);
    report.generate_time = started.elapsed();
    match outputs {
        Ok(outputs) => {
            report.generated_lines = client(&outputs).map_or(0, |c| c.lines().count());
            Ok(Some(outputs))
        }
        Err(e) => {
            let why = format!("{e:#}");
            report.alone_failures.push(("(all together)".into(), why));
            Ok(None)
        }
    }
}

/// `cargo check` (warnings are failures) and the golden tests of the scratch copy.
fn build_and_test(root: &Path, scratch: &Path, features: &str, report: &mut Report) -> Result<()> {
    let target = root.join("target/generality");
    for (failure, total, args) in STEPS {
        eprintln!("generality: {total}");
        // The SDK's hand-written code behind its features is compiled too.
        let args = [args, &["--features", features]].concat();
        report
            .steps
            .push(cargo(scratch, &target, (failure, total), &args)?);
    }
    Ok(())
}

/// What generating each operation alone found.
struct Alone {
    /// Operations that failed to import or generate, with the reason.
    failures: Vec<(String, String)>,
    /// For each operation that generated, its models (see [`items`]).
    items: Vec<(String, Items)>,
}

/// Imports and generates each operation alone, in a scratch spec/ of its own.
fn alone(
    root: &Path,
    index: &import::Index<'_>,
    ids: &[String],
    own: &BTreeSet<String>,
    document: &[u8],
) -> Result<Alone> {
    let dir = tempfile::Builder::new()
        .prefix("generality-alone")
        .tempdir()?;
    let mut failures = Vec::new();
    let mut generated = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let one = dir.path().join(format!("op{n}"));
        std::fs::create_dir_all(one.join("spec/operations"))?;
        std::fs::write(
            one.join("spec").join(crate::bundle::DOCUMENT_FILE),
            document,
        )?;
        // The SDK's corrections apply alone as together (each where its
        // target is imported), so that a model is the same either way; but
        // for the SDK's own operations, whose corrections may name
        // components that only the SDK's other operations bring.
        let overlays = root.join("spec/overlays");
        if overlays.exists() && !own.contains(id) {
            copy(&overlays, &one.join("spec/overlays"))?;
        }
        let request = import::Request {
            operations: vec![id.clone()],
            ..import::Request::default()
        };
        let result = import::plan(&one, index, &request)
            .and_then(|plan| plan.carry_out(&one))
            .and_then(|()| generate::render(&one))
            .and_then(|outputs| items(&outputs));
        match result {
            Ok(items) => generated.push((id.clone(), items)),
            Err(e) => {
                let why = format!("{e:#}")
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                eprintln!("  {id}: {why}");
                failures.push((id.clone(), why));
            }
        }
        let _ = std::fs::remove_dir_all(&one);
        if (n + 1) % 100 == 0 {
            eprintln!("  {} of {}", n + 1, ids.len());
        }
    }
    Ok(Alone {
        failures,
        items: generated,
    })
}

/// The generated models of one output, each as a fingerprint of its tokens,
/// keyed by what it defines (`struct X`, `impl Trait for X`, ...).
type Items = BTreeMap<String, u64>;

/// The items of the `types` module of the generated client.
fn items(outputs: &[Output]) -> Result<Items> {
    let mut file =
        syn::parse_file(client(outputs)?).context("the generated client does not parse")?;
    let mut found = Items::new();
    for item in module_items(&mut file, "types")?.iter() {
        let key = match item {
            syn::Item::Struct(s) => format!("struct {}", s.ident),
            syn::Item::Enum(e) => format!("enum {}", e.ident),
            syn::Item::Type(t) => format!("type {}", t.ident),
            syn::Item::Impl(i) => {
                let self_ty = &i.self_ty;
                let of = i.trait_.as_ref().map(|(_, path, _)| path);
                format!("impl {} for {}", quote!(#of), quote!(#self_ty))
            }
            _ => continue,
        };
        let mut hasher = std::hash::DefaultHasher::new();
        quote!(#item).to_string().hash(&mut hasher);
        // Several impls of one trait for one type (`From<A>`, `From<B>`)
        // are told apart by their tokens.
        let key = if found.contains_key(&key) {
            format!("{key} #{}", found.len())
        } else {
            key
        };
        found.insert(key, hasher.finish());
    }
    Ok(found)
}

/// The text of the generated client among the outputs of a run.
fn client(outputs: &[Output]) -> Result<&str> {
    let client = outputs
        .iter()
        .find(|o| o.path == Path::new(generate::CLIENT_RS));
    Ok(&client.context("no generated client")?.contents)
}

/// Operations whose models, generated alone, differ from the same models
/// generated with all the others: since type names do not depend on what is
/// imported, an operation's models alone are exactly a part of the whole, so
/// when the whole compiles and passes the golden tests, so does each alone.
fn differences(
    alone: &[(String, Items)],
    together: &Items,
    own: &BTreeSet<String>,
) -> Vec<(String, String)> {
    let together_values: std::collections::HashSet<u64> = together.values().copied().collect();
    alone
        .iter()
        .filter(|(id, _)| !own.contains(id))
        .filter_map(|(id, items)| {
            let differing: Vec<&str> = items
                .iter()
                .filter(|(key, hash)| {
                    together.get(*key) != Some(hash) && !together_values.contains(hash)
                })
                .map(|(key, _)| key.as_str())
                .collect();
            (!differing.is_empty()).then(|| {
                let shown: Vec<&str> = differing.iter().take(3).copied().collect();
                (
                    id.clone(),
                    format!(
                        "generated alone, {} models differ from the whole: {}",
                        differing.len(),
                        shown.join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// Copies what the SDK package needs to build and run its golden tests,
/// spec/ included: the hand-written layer calls some of its operations, and
/// its golden tests check some of its models.
fn copy_sdk(root: &Path, scratch: &Path, document: &[u8]) -> Result<()> {
    if scratch.exists() {
        std::fs::remove_dir_all(scratch)
            .with_context(|| format!("clearing {}", scratch.display()))?;
    }
    // tests/ whole: the manifest names some of its tests (`required-features`).
    for path in [
        "src",
        "benches",
        "tests",
        "xtask/src",
        "xtask/tests",
        "xtask/benches",
        // The generator reads markdown blocks with this small crate.
        "doc-blocks/src",
        "spec",
        // The SDK's tests and benchmarks run against the stand-in, a path
        // dev-dependency that cargo resolves even for the golden tests.
        "standin/src",
        "standin/examples",
        "standin/tests",
        "Cargo.lock",
        "build.rs",
        "xtask/Cargo.toml",
        "doc-blocks/Cargo.toml",
        "standin/Cargo.toml",
    ] {
        copy(&root.join(path), &scratch.join(path))?;
    }
    std::fs::write(
        scratch.join("spec").join(crate::bundle::DOCUMENT_FILE),
        document,
    )?;
    std::fs::create_dir_all(scratch.join("generated"))?;
    // The SDK and what it builds and tests with: pat-audit is not needed.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let manifest = manifest
        .lines()
        .map(|line| {
            if line.starts_with("members = ") {
                "members = [\"xtask\", \"doc-blocks\", \"standin\"]"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(scratch.join("Cargo.toml"), manifest + "\n")?;
    Ok(())
}

/// The SDK's `spec/document.json` without its Cargo features: the check is
/// about generating every operation, and a feature would leave some out of
/// the compile (and make a model's `#[cfg]` depend on what else is imported,
/// which the alone-versus-together comparison would report). With a
/// `primary`, that description's wording of a component wins.
fn ungated_document(document: &Map<String, Value>, primary: Option<&str>) -> Result<Vec<u8>> {
    let mut fields = document.clone();
    fields.remove(crate::features::EXTENSION);
    if let Some(primary) = primary {
        let field = crate::descriptions::PRIMARY_FIELD.to_string();
        fields.insert(field, primary.into());
    }
    Ok(serde_json::to_vec_pretty(&fields)?)
}

/// Copies a file, or a folder whole.
fn copy(from: &Path, to: &Path) -> Result<()> {
    if !from.is_dir() {
        std::fs::create_dir_all(to.parent().expect("a file has a folder"))?;
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        copy(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}

/// Runs cargo on the scratch copy; errors and warnings in its own code are problems.
fn cargo(
    scratch: &Path,
    target: &Path,
    names: (&'static str, &'static str),
    args: &[&str],
) -> Result<Step> {
    let started = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .args([
            "--offline",
            "--message-format",
            "short",
            "-p",
            "github-pat-grants",
        ])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .context("running cargo")?;
    let time = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut problems: Vec<String> = stderr
        .lines()
        .filter(|l| {
            (l.starts_with("src/") || l.starts_with("generated/") || l.starts_with("tests/"))
                && (l.contains(": error") || l.contains(": warning"))
        })
        .map(str::to_string)
        .collect();
    // A failed golden test lists its failures on stdout, one a line, after
    // the panic's first line and before the backtrace.
    for panic in stdout.split("panicked at").skip(1) {
        let listed = panic.lines().skip(1).take_while(|l| {
            !(l.is_empty() || l.starts_with("stack backtrace") || l.starts_with("note:"))
        });
        let listed = listed.filter(|l| !l.ends_with("examples failed:"));
        problems.extend(listed.map(str::to_string));
    }
    if !output.status.success() && problems.is_empty() {
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        problems.push(format!(
            "cargo {} failed: {}",
            args.join(" "),
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        ));
    }
    Ok(Step {
        names,
        time,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_is_the_same_for_the_same_seed_and_differs_for_another() {
        let all: Vec<String> = (0..100).map(|i| format!("op/{i:03}")).collect();
        let a = select(&all, &Selection::Sample { count: 10, seed: 7 }).unwrap();
        let b = select(&all, &Selection::Sample { count: 10, seed: 7 }).unwrap();
        let c = select(&all, &Selection::Sample { count: 10, seed: 8 }).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 10);
        assert!(select(&all, &Selection::Named(vec!["nope".into()])).is_err());
    }

    #[test]
    fn a_model_generated_alone_must_be_the_wholes_model() {
        let whole: Items = [("struct A".to_string(), 1), ("struct B".to_string(), 2)].into();
        let same = vec![("ops/one".to_string(), [("struct A".to_string(), 1)].into())];
        let none = Default::default();
        assert!(differences(&same, &whole, &none).is_empty());
        let changed = vec![("ops/two".to_string(), [("struct B".to_string(), 3)].into())];
        let found = differences(&changed, &whole, &none);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "ops/two");
        assert!(found[0].1.contains("struct B"), "{}", found[0].1);
    }
}
