//! The code blocks of the README and `docs/*.md`, so that what they show is
//! checked like code: `cargo xtask snippets --out DIR` writes each YAML block
//! as a workflow file for `.ci/run`'s workflow linters (actionlint, zizmor),
//! and pat-audit's docs test reads the shell blocks (both through
//! `doc_blocks`).
//!
//! A YAML block is a whole workflow (top-level `on:` and `jobs:`) or a list
//! of steps (`- run: ...`), which is put into a minimal workflow of one job so
//! that the linters see it as a workflow would hold it. Any other YAML block
//! is an error naming its file and line: the docs show no YAML the linters
//! cannot check.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use doc_blocks::{blocks, documents};

/// A YAML block as a workflow file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    /// `docs/github-action.md:31`: where the block is.
    pub source: String,
    /// A file name that says where the block is: `docs_github-action.md_31.yml`.
    pub file_name: String,
    pub text: String,
}

/// The YAML blocks of one markdown text (`path` names it in errors and file
/// names) as workflows.
pub fn workflows(markdown: &str, path: &str) -> Result<Vec<Workflow>> {
    blocks(markdown)
        .into_iter()
        .filter(|b| b.lang == "yaml" || b.lang == "yml")
        .map(|b| {
            let source = format!("{path}:{}", b.line);
            let text = as_workflow(&b.text).with_context(|| {
                format!("{source}: a YAML block the workflow linters cannot check")
            })?;
            Ok(Workflow {
                file_name: format!("{}_{}.yml", path.replace('/', "_"), b.line),
                source,
                text,
            })
        })
        .collect()
}

/// A whole workflow as it is; a list of steps inside a one-job workflow.
fn as_workflow(yaml: &str) -> Result<String> {
    let top_level = |key: &str| yaml.lines().any(|l| l.starts_with(key));
    if top_level("on:") && top_level("jobs:") {
        return Ok(yaml.to_string());
    }
    let first = yaml
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    match first {
        Some(line) if line.starts_with("- ") => {
            let steps: String = yaml.lines().map(|l| format!("      {l}\n")).collect();
            Ok(format!(
                "# A list of steps from the docs, in a workflow of one job.\n\
                 name: snippet\n\
                 on: workflow_dispatch\n\
                 permissions: {{}}\n\
                 jobs:\n  \
                 snippet:\n    \
                 runs-on: ubuntu-24.04\n    \
                 steps:\n{steps}"
            ))
        }
        _ => {
            bail!("neither a workflow (top-level `on:` and `jobs:`) nor a list of steps (`- ...`)")
        }
    }
}

/// Writes every YAML block of the README and docs/ under `root` into `out`
/// as a workflow file, after removing the `.yml` files a previous run left
/// there; returns them with where each came from.
pub fn write_workflows(root: &Path, out: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut all = Vec::new();
    let docs = documents(root).with_context(|| format!("reading {}/docs", root.display()))?;
    for path in docs {
        let text = std::fs::read_to_string(root.join(&path))
            .with_context(|| format!("reading {}", path.display()))?;
        all.extend(workflows(&text, &path.to_string_lossy())?);
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "yml") {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    all.into_iter()
        .map(|w| {
            let path = out.join(&w.file_name);
            std::fs::write(&path, &w.text)
                .with_context(|| format!("writing {}", path.display()))?;
            Ok((path, w.source))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Title\n\
        \n\
        ```sh\n\
        pat-audit demo\n\
        ```\n\
        \n\
        1. In a list:\n\
        \n   \
           ```yaml\n   \
           - run: echo hi\n     \
             env: { A: b }\n   \
           ```\n\
        \n\
        ```yaml\n\
        name: whole\n\
        on: push\n\
        jobs:\n  \
          a: { runs-on: ubuntu-24.04, steps: [run: 'true'] }\n\
        ```\n";

    #[test]
    fn steps_go_into_a_one_job_workflow_and_workflows_stay_as_they_are() {
        let found = workflows(DOC, "docs/x.md").unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].source, "docs/x.md:9");
        assert_eq!(found[0].file_name, "docs_x.md_9.yml");
        assert!(
            found[0]
                .text
                .ends_with("    steps:\n      - run: echo hi\n        env: { A: b }\n"),
            "{}",
            found[0].text
        );
        assert!(found[0].text.contains("\non: workflow_dispatch\n"));
        assert_eq!(found[1].text, blocks(DOC)[2].text);
    }

    #[test]
    fn yaml_that_is_no_workflow_is_an_error_naming_file_and_line() {
        let doc = "text\n\n```yaml\nkey: value\n```\n";
        let error = format!("{:#}", workflows(doc, "README.md").unwrap_err());
        assert!(
            error.starts_with("README.md:3: a YAML block the workflow linters cannot check"),
            "{error}"
        );
        assert!(error.contains("neither a workflow"), "{error}");
    }

    /// `.ci/run` shows that the linters refuse this workflow; in a doc, it
    /// reaches them as it is.
    #[test]
    fn a_broken_workflow_in_a_doc_reaches_the_linters_as_it_is() {
        let broken =
            std::fs::read_to_string(crate::project_root().join(".ci/broken-workflow.yml")).unwrap();
        let doc = format!("Text.\n\n```yaml\n{broken}```\n");
        let found = workflows(&doc, "docs/broken.md").unwrap();
        assert_eq!(found[0].text, broken);
    }

    #[test]
    fn a_second_run_replaces_the_first_runs_files() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("docs")).unwrap();
        std::fs::write(root.path().join("README.md"), DOC).unwrap();
        std::fs::write(
            root.path().join("docs/a.md"),
            "```yml\n- run: 'true'\n```\n",
        )
        .unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("stale.yml"), "").unwrap();
        let written = write_workflows(root.path(), &out).unwrap();
        let sources: Vec<_> = written.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(sources, ["README.md:9", "README.md:14", "docs/a.md:1"]);
        let mut files: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files,
            ["README.md_14.yml", "README.md_9.yml", "docs_a.md_1.yml"]
        );
    }
}
