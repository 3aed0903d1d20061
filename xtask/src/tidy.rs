//! Tidy: the rules of the house that the compiler does not check, checked on
//! the workspace's own code in the manner of rust-analyzer's
//! `xtask/src/tidy.rs`.
//!
//! - **Layers.** A crate's `lib.rs` declares its modules lowest first, and a
//!   module may use (`use crate::m…`, `crate::m::x` in a path, `super::…`)
//!   only modules declared before it. A module's own children are ordered
//!   the same way by its declarations; a child never uses its parent's own
//!   items; nothing is named through the re-exports of `lib.rs`
//!   (`crate::Error` instead of `crate::error::Error`). `#[cfg(test)]` items
//!   are exempt.
//! - **`lib.rs` declares, re-exports and documents**: no `fn`, no `impl`.
//! - **No hand-written function over 80 lines**, tests and benchmarks
//!   included; `generated/` is the generator's output and is skipped.
//!
//! Every problem names its file and line. The source is read as text, after
//! blanking comments and the insides of string and character literals:
//! enough for code that rustfmt formats, and the tests at the bottom pin what
//! the checker recognises.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The longest a hand-written function may be, signature and closing brace
/// included.
const MAX_FUNCTION_LINES: usize = 80;

#[test]
fn sdk() {
    check_crate(&CrateLayout {
        lib: "src/lib.rs",
        hand_written: &["src", "tests", "benches", "examples", "build.rs"],
    });
}

#[test]
fn pat_audit() {
    check_crate(&CrateLayout {
        lib: "cli/src/lib.rs",
        hand_written: &["cli/src", "cli/tests", "cli/benches", "cli/examples"],
    });
}

#[test]
fn xtask() {
    check_crate(&CrateLayout {
        lib: "xtask/src/lib.rs",
        hand_written: &["xtask/src", "xtask/tests", "xtask/benches"],
    });
}

/// The stand-in crate is being created alongside this check; until it is
/// there, there is nothing of it to read.
#[test]
fn standin() {
    if !workspace_root().join("standin/src/lib.rs").exists() {
        return;
    }
    check_crate(&CrateLayout {
        lib: "standin/src/lib.rs",
        hand_written: &[
            "standin/src",
            "standin/tests",
            "standin/benches",
            "standin/examples",
        ],
    });
}

/// Where a crate's modules start and which of its files people write.
struct CrateLayout {
    /// The crate root, relative to the workspace.
    lib: &'static str,
    /// Folders (read recursively) and files whose functions are held to the
    /// length limit, relative to the workspace.
    hand_written: &'static [&'static str],
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// Runs every check on one crate and fails with all of its problems.
fn check_crate(layout: &CrateLayout) {
    let root = workspace_root();
    let mut problems = match Crate::read(&root, &root.join(layout.lib)) {
        Ok(krate) => krate.layer_problems(),
        Err(e) => panic!("reading the modules of {}: {e}", layout.lib),
    };
    for file in hand_written_files(&root, layout.hand_written) {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        problems.extend(long_functions(&file, &text));
    }
    if !problems.is_empty() {
        let list: Vec<String> = problems
            .iter()
            .map(|p| p.relative_to(&root).to_string())
            .collect();
        panic!(
            "{} tidy problem(s) in {}:\n{}",
            list.len(),
            layout.lib,
            list.join("\n")
        );
    }
}

/// One broken rule, where it is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    file: PathBuf,
    line: usize,
    message: String,
}

impl Problem {
    fn relative_to(&self, root: &Path) -> Problem {
        Problem {
            file: self
                .file
                .strip_prefix(root)
                .unwrap_or(&self.file)
                .to_path_buf(),
            ..self.clone()
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Every `.rs` file under the given folders (and the given files).
fn hand_written_files(root: &Path, places: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for place in places {
        collect_rs_files(&root.join(place), &mut files);
    }
    files.sort();
    files
}

fn collect_rs_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_path_buf());
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        collect_rs_files(&entry.path(), out);
    }
}

// ---------------------------------------------------------------------------
// Reading source: comments and literals blanked, then tokens.

/// The source with comments and the insides of string and character literals
/// replaced by spaces (newlines kept, and every character by as many spaces
/// as its UTF-8 bytes), so that lines and byte offsets stay those of `text`.
fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match span_at(bytes, i) {
            (0, 0, 0) => {
                out.push(bytes[i]);
                i += 1;
            }
            (open, body, close) => {
                out.extend_from_slice(&bytes[i..i + open]);
                blank_into(&bytes[i + open..i + open + body], &mut out);
                out.extend_from_slice(&bytes[i + open + body..i + open + body + close]);
                i += open + body + close;
            }
        }
    }
    // Only ASCII spaces replaced whole characters, so this is UTF-8 again.
    String::from_utf8(out).unwrap_or_default()
}

/// What starts at `i`: how many bytes to keep, then to blank, then to keep
/// (a comment is all blanked, a literal keeps its quotes); all zero for code.
fn span_at(bytes: &[u8], i: usize) -> (usize, usize, usize) {
    let rest = &bytes[i..];
    if rest.starts_with(b"//") {
        return (0, line_comment_len(rest), 0);
    }
    if rest.starts_with(b"/*") {
        return (0, block_comment_len(rest), 0);
    }
    if let Some(raw) = raw_string_at(bytes, i) {
        return raw;
    }
    match rest[0] {
        b'"' => quoted(quoted_len(rest, b'"')),
        // `None` is a lifetime or a label: code.
        b'\'' => char_literal_len(rest).map_or((0, 0, 0), quoted),
        _ => (0, 0, 0),
    }
}

/// A literal of `len` bytes with a quote at each end.
fn quoted(len: usize) -> (usize, usize, usize) {
    if len >= 2 {
        (1, len - 2, 1)
    } else {
        (0, len, 0)
    }
}

fn blank_into(bytes: &[u8], out: &mut Vec<u8>) {
    out.extend(bytes.iter().map(|&b| if b == b'\n' { b'\n' } else { b' ' }));
}

fn line_comment_len(rest: &[u8]) -> usize {
    rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())
}

/// A block comment, nested ones included.
fn block_comment_len(rest: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut i = 0;
    while i < rest.len() {
        if rest[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if rest[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    rest.len()
}

/// A raw string (`r"…"`, `r#"…"#`, `br"…"`) starting at `i`: its opening
/// delimiter, body and closing delimiter lengths.
fn raw_string_at(bytes: &[u8], i: usize) -> Option<(usize, usize, usize)> {
    let after_ident = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    if after_ident {
        return None;
    }
    let rest = &bytes[i..];
    let r = match rest {
        [b'r', ..] => 1,
        [b'b' | b'c', b'r', ..] => 2,
        _ => return None,
    };
    let hashes = rest[r..].iter().take_while(|&&b| b == b'#').count();
    if rest.get(r + hashes) != Some(&b'"') {
        return None;
    }
    let open = r + hashes + 1;
    let mut closing = vec![b'"'];
    closing.extend(std::iter::repeat_n(b'#', hashes));
    Some(
        match rest[open..]
            .windows(closing.len())
            .position(|w| w == closing.as_slice())
        {
            Some(body) => (open, body, closing.len()),
            // Unterminated: the rest of the file is the body.
            None => (open, rest.len() - open, 0),
        },
    )
}

/// A `"…"` literal with backslash escapes: its length, quotes included.
fn quoted_len(rest: &[u8], quote: u8) -> usize {
    let mut i = 1;
    while i < rest.len() {
        match rest[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

/// A character literal (`'x'`, `'\n'`, `'\u{1F600}'`, `'é'`) at the start of
/// `rest`, or `None` for a lifetime or label (`'a`, `'static`).
fn char_literal_len(rest: &[u8]) -> Option<usize> {
    if rest.get(1) == Some(&b'\\') {
        return Some(quoted_len(rest, b'\''));
    }
    let text = std::str::from_utf8(&rest[1..rest.len().min(6)])
        .ok()
        .or_else(|| {
            // The window may cut a character in two; a shorter one does not.
            (1..5)
                .rev()
                .find_map(|n| std::str::from_utf8(&rest[1..rest.len().min(1 + n)]).ok())
        })?;
    let c = text.chars().next()?;
    let after = 1 + c.len_utf8();
    (rest.get(after) == Some(&b'\'')).then_some(after + 1)
}

/// A token of blanked source.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    line: usize,
    /// Byte offset in the source.
    offset: usize,
}

impl Token {
    fn is(&self, text: &str) -> bool {
        self.text == text
    }

    fn is_ident(&self) -> bool {
        self.text
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    }
}

/// Identifiers and keywords (`$crate` is `crate`), `::`, and every other
/// punctuation character alone; numbers and white space are left out.
fn tokens(code: &str) -> Vec<Token> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        if b == b'\n' {
            line += 1;
            i += 1;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
            {
                i += 1;
            }
            push_token(&mut out, &code[start..i], line, start);
        } else if b.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"::") {
            push_token(&mut out, "::", line, start);
            i += 2;
        } else if bytes[i..].starts_with(b"$crate") {
            push_token(&mut out, "crate", line, start + 1);
            i += 6;
        } else {
            push_token(&mut out, &code[start..start + 1], line, start);
            i += 1;
        }
    }
    out
}

fn push_token(out: &mut Vec<Token>, text: &str, line: usize, offset: usize) {
    out.push(Token {
        text: text.to_string(),
        line,
        offset,
    });
}

/// The index of the token that closes the bracket opened at `open`.
fn closing(tokens: &[Token], open: usize) -> usize {
    let (o, c) = match tokens[open].text.as_str() {
        "(" => ("(", ")"),
        "[" => ("[", "]"),
        _ => ("{", "}"),
    };
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.is(o) {
            depth += 1;
        } else if t.is(c) {
            depth -= 1;
            if depth == 0 {
                return i;
            }
        }
    }
    tokens.len().saturating_sub(1)
}

/// Where the item starting at `start` ends: its `;`, or the `}` of its first
/// block (brackets and parentheses of a signature skipped).
fn item_end(tokens: &[Token], start: usize) -> usize {
    let mut i = start;
    while i < tokens.len() {
        match tokens[i].text.as_str() {
            ";" => return i,
            "{" => return closing(tokens, i),
            "(" | "[" => i = closing(tokens, i) + 1,
            _ => i += 1,
        }
    }
    tokens.len().saturating_sub(1)
}

// ---------------------------------------------------------------------------
// Function lengths.

/// Every function of a file longer than [`MAX_FUNCTION_LINES`].
fn long_functions(file: &Path, text: &str) -> Vec<Problem> {
    let tokens = tokens(&code_only(text));
    let mut problems = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Some(name) = tokens.get(i + 1).filter(|n| t.is("fn") && n.is_ident()) else {
            continue;
        };
        let end = item_end(&tokens, i + 1);
        if !tokens[end].is("}") {
            continue;
        }
        let lines = tokens[end].line - t.line + 1;
        if lines > MAX_FUNCTION_LINES {
            problems.push(Problem {
                file: file.to_path_buf(),
                line: t.line,
                message: format!(
                    "function `{}` is {lines} lines long (at most {MAX_FUNCTION_LINES}): split it \
                     into named steps",
                    name.text
                ),
            });
        }
    }
    problems
}

// ---------------------------------------------------------------------------
// Modules and the paths between them.

/// A `mod` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ModDecl {
    name: String,
    line: usize,
    /// The module path of the module that declares it (inline modules of
    /// the file included).
    parent: Vec<String>,
    /// `#[path = "…"]`, as written.
    path_attr: Option<String>,
    /// `mod name { … }` rather than `mod name;`.
    inline: bool,
}

/// A path to something of the crate, as used somewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Use {
    line: usize,
    /// The module it is used in (inline modules included).
    from: Vec<String>,
    /// The path from the crate root.
    path: Vec<String>,
    /// Reached through `super`, not `crate`.
    via_super: bool,
}

/// What one file holds for the layer checks.
#[derive(Debug, Default)]
struct FileFacts {
    decls: Vec<ModDecl>,
    uses: Vec<Use>,
    /// Lines of `fn` and `impl` outside `#[cfg(test)]` items (for lib.rs).
    logic: Vec<(usize, &'static str)>,
}

/// Reads a file's module declarations and paths; `module` is the file's
/// module path. Items under `#[cfg(test)]` are left out.
fn file_facts(text: &str, module: &[String]) -> FileFacts {
    let tokens = tokens(&code_only(text));
    let mut facts = FileFacts::default();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut pending_path: Option<String> = None;
    let mut i = 0;
    while i < tokens.len() {
        let here = |inline: &[(String, usize)]| -> Vec<String> {
            module
                .iter()
                .cloned()
                .chain(inline.iter().map(|(n, _)| n.clone()))
                .collect()
        };
        let t = &tokens[i];
        if t.is("#") && tokens.get(i + 1).is_some_and(|n| n.is("[")) {
            let close = closing(&tokens, i + 1);
            let attr = &tokens[i + 2..close];
            if is_cfg_test(attr) {
                i = item_end(&tokens, close + 1) + 1;
                pending_path = None;
                continue;
            }
            if let Some(path) = path_attribute(attr, text) {
                pending_path = Some(path);
            }
            i = close + 1;
            continue;
        }
        if is_quote_macro(&tokens, i) {
            // Code that writes code: its paths are the output's, not this
            // crate's.
            i = closing(&tokens, i + 2) + 1;
            continue;
        }
        if t.is("}") && inline.last().is_some_and(|(_, close)| *close == i) {
            inline.pop();
        }
        if t.is("mod") && tokens.get(i + 1).is_some_and(Token::is_ident) {
            let name = tokens[i + 1].text.clone();
            let inline_mod = tokens.get(i + 2).is_some_and(|n| n.is("{"));
            facts.decls.push(ModDecl {
                name: name.clone(),
                line: t.line,
                parent: here(&inline),
                path_attr: pending_path.take(),
                inline: inline_mod,
            });
            if inline_mod {
                inline.push((name, closing(&tokens, i + 2)));
            }
            i += 2;
            continue;
        }
        if t.is("fn") || t.is("impl") {
            facts
                .logic
                .push((t.line, if t.is("fn") { "fn" } else { "impl" }));
        }
        if t.is(";") || t.is("{") {
            pending_path = None;
        }
        let from = here(&inline);
        let (paths, next) = crate_paths(&tokens, i, &from);
        for (path, via_super) in paths {
            facts.uses.push(Use {
                line: t.line,
                from: from.clone(),
                path,
                via_super,
            });
        }
        i = next.max(i + 1);
    }
    facts
}

/// `quote!{…}`, `quote!(…)`, `parse_quote!{…}` or `quote_spanned!{…}` at `i`.
fn is_quote_macro(tokens: &[Token], i: usize) -> bool {
    let name = &tokens[i];
    (name.is("quote") || name.is("parse_quote") || name.is("quote_spanned"))
        && tokens.get(i + 1).is_some_and(|t| t.is("!"))
        && tokens
            .get(i + 2)
            .is_some_and(|t| t.is("{") || t.is("(") || t.is("["))
}

fn is_cfg_test(attr: &[Token]) -> bool {
    let texts: Vec<&str> = attr.iter().map(|t| t.text.as_str()).collect();
    texts == ["cfg", "(", "test", ")"]
}

/// The value of `#[path = "…"]`, read from the original text (the blanked
/// code has only the quotes).
fn path_attribute(attr: &[Token], text: &str) -> Option<String> {
    match attr {
        [p, eq, open, close] if p.is("path") && eq.is("=") && open.is("\"") && close.is("\"") => {
            Some(text[open.offset + 1..close.offset].to_string())
        }
        _ => None,
    }
}

/// The crate paths that start at token `i` (`crate::…` or `super::…`, a
/// `use` group giving several), each from the crate root, and the index
/// after them.
fn crate_paths(tokens: &[Token], i: usize, from: &[String]) -> (Vec<(Vec<String>, bool)>, usize) {
    let t = &tokens[i];
    let followed_by_path = tokens.get(i + 1).is_some_and(|n| n.is("::"));
    let preceded_by_path = i > 0 && tokens[i - 1].is("::");
    if !followed_by_path || preceded_by_path {
        return (Vec::new(), i + 1);
    }
    let (prefix, start, via_super) = if t.is("crate") {
        (Vec::new(), i + 2, false)
    } else if t.is("super") {
        // `super::super::…` climbs once per `super`.
        let mut prefix = from.to_vec();
        let mut j = i;
        while tokens.get(j).is_some_and(|t| t.is("super"))
            && tokens.get(j + 1).is_some_and(|t| t.is("::"))
        {
            prefix.pop();
            j += 2;
        }
        (prefix, j, true)
    } else {
        return (Vec::new(), i + 1);
    };
    let mut paths = Vec::new();
    let next = use_tree(tokens, start, prefix, &mut paths);
    (paths.into_iter().map(|p| (p, via_super)).collect(), next)
}

/// Reads a path or `use` tree from `i` (after a `::`), appending each full
/// path (an item's, or a module's for `self` and `*`) to `out`.
fn use_tree(
    tokens: &[Token],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        let Some(t) = tokens.get(i) else {
            out.push(prefix);
            return i;
        };
        if t.is("{") {
            let close = closing(tokens, i);
            let mut j = i + 1;
            while j < close {
                j = use_tree(tokens, j, prefix.clone(), out);
                while j < close && !tokens[j].is(",") {
                    j += 1;
                }
                j += 1;
            }
            return close + 1;
        }
        if t.is("*") || t.is("self") {
            out.push(prefix);
            return i + 1;
        }
        if !t.is_ident() {
            out.push(prefix);
            return i;
        }
        prefix.push(t.text.clone());
        if tokens.get(i + 1).is_some_and(|n| n.is("::")) {
            i += 2;
        } else {
            out.push(prefix);
            return i + 1;
        }
    }
}

// ---------------------------------------------------------------------------
// A crate's module tree, and the layer rules on it.

/// One module: its children in declaration order.
#[derive(Debug, Default)]
struct Module {
    children: Vec<String>,
}

/// The modules of a crate and every path its files use.
#[derive(Debug, Default)]
struct Crate {
    /// Module path to module; the root is the empty path.
    modules: HashMap<Vec<String>, Module>,
    /// The files read (modules declared `#[cfg(test)]` are not), with their
    /// module path and whether they are generated.
    files: Vec<(PathBuf, Vec<String>, bool)>,
    /// What lib.rs re-exports: a name to the module path it comes from.
    reexports: HashMap<String, Vec<String>>,
    /// Each file's facts, in the order of `files`.
    facts: Vec<FileFacts>,
}

impl Crate {
    /// Reads the crate whose root is `lib`, following `mod` declarations.
    fn read(workspace: &Path, lib: &Path) -> Result<Crate, String> {
        let mut krate = Crate::default();
        let text = read(lib)?;
        krate.reexports = reexports(&text);
        krate.add_file(workspace, lib, Vec::new(), text)?;
        Ok(krate)
    }

    /// Reads one file of module `module` and, recursively, the files it declares.
    fn add_file(
        &mut self,
        workspace: &Path,
        file: &Path,
        module: Vec<String>,
        text: String,
    ) -> Result<(), String> {
        let facts = file_facts(&text, &module);
        for decl in facts
            .decls
            .iter()
            .filter(|d| !d.inline && d.parent == module)
        {
            let child = child_file(file, &module, decl)?;
            let child_text = read(&child)?;
            let path = module.iter().chain([&decl.name]).cloned().collect();
            self.add_file(workspace, &child, path, child_text)?;
        }
        let generated = file.starts_with(workspace.join("generated"));
        self.add(file.to_path_buf(), module, generated, facts);
        Ok(())
    }

    /// Records one file's modules and paths.
    fn add(&mut self, file: PathBuf, module: Vec<String>, generated: bool, facts: FileFacts) {
        for decl in &facts.decls {
            let path: Vec<String> = decl.parent.iter().chain([&decl.name]).cloned().collect();
            self.modules
                .entry(decl.parent.clone())
                .or_default()
                .children
                .push(decl.name.clone());
            self.modules.entry(path).or_default();
        }
        self.modules.entry(module.clone()).or_default();
        self.files.push((file, module, generated));
        self.facts.push(facts);
    }

    /// Every broken layer rule of the crate.
    fn layer_problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for ((file, module, generated), facts) in self.files.iter().zip(&self.facts) {
            if module.is_empty() {
                problems.extend(facts.logic.iter().map(|(line, what)| Problem {
                    file: file.clone(),
                    line: *line,
                    message: format!(
                        "`{what}` in the crate root: lib.rs only declares modules, re-exports and \
                         documents; move it into a module"
                    ),
                }));
                continue;
            }
            for used in &facts.uses {
                let verdict = if *generated {
                    self.check_generated(used)
                } else {
                    self.check(used)
                };
                if let Some(message) = verdict {
                    problems.push(Problem {
                        file: file.clone(),
                        line: used.line,
                        message,
                    });
                }
            }
        }
        problems
    }

    /// How many leading segments of `path` name modules.
    fn module_prefix(&self, path: &[String]) -> usize {
        (1..=path.len())
            .take_while(|&n| self.modules.contains_key(&path[..n]))
            .last()
            .unwrap_or(0)
    }

    /// The rule a hand-written use breaks, if any.
    fn check(&self, used: &Use) -> Option<String> {
        let shown = show(&used.path);
        let modules = self.module_prefix(&used.path);
        if modules == 0 {
            let hint = used
                .path
                .first()
                .and_then(|name| {
                    Some(format!(
                        " (use `{}::{name}`)",
                        show(self.reexports.get(name)?)
                    ))
                })
                .unwrap_or_default();
            return Some(format!(
                "`{shown}` goes through lib.rs's re-exports: name the module that defines \
                 it{hint}"
            ));
        }
        let target = &used.path[..modules];
        self.order_rule(&used.from, target, &shown)
    }

    /// Generated code is the generator's output: its paths are held to the
    /// order of the crate's top-level modules, with lib.rs's re-exports
    /// resolved to where they come from (the generator writes
    /// `crate::Error`).
    fn check_generated(&self, used: &Use) -> Option<String> {
        let mut path = used.path.clone();
        if self.module_prefix(&path) == 0 {
            let module = self.reexports.get(path.first()?)?;
            path.splice(0..0, module.iter().cloned());
        }
        let target = &path[..self.module_prefix(&path).min(1)];
        let from = &used.from[..1];
        self.order_rule(from, target, &show(&used.path))
    }

    /// Whether module `from` may use module `target` (and what is wrong if not).
    fn order_rule(&self, from: &[String], target: &[String], shown: &str) -> Option<String> {
        let common = from.iter().zip(target).take_while(|(a, b)| a == b).count();
        if common == from.len() {
            // Itself, or a module of its own.
            return None;
        }
        if common == target.len() {
            return Some(format!(
                "`{shown}` is an item of {}, which `{}` is part of: a child never uses its \
                 parent's own items; move it into a child declared before `{}`",
                show_module(target),
                show(from),
                from[common]
            ));
        }
        let parent = &target[..common];
        let siblings = &self.modules.get(parent)?.children;
        let position = |name: &String| siblings.iter().position(|s| s == name);
        let (user, used) = (&from[common], &target[common]);
        if position(used)? < position(user)? {
            return None;
        }
        Some(format!(
            "`{}` uses `{shown}`, but `{used}` is declared after `{user}` in {}: a module uses \
             only modules declared before it",
            show(from),
            show_module(parent),
        ))
    }
}

fn show(path: &[String]) -> String {
    format!("crate::{}", path.join("::"))
}

fn show_module(path: &[String]) -> String {
    if path.is_empty() {
        "lib.rs".into()
    } else {
        format!("`{}`", show(path))
    }
}

/// `path` without `.` and `..` (`src/../generated/client.rs` is
/// `generated/client.rs`), so that it can be compared with other paths.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            part => out.push(part),
        }
    }
    out
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The file of a module declared with `mod name;` in `file` (module `module`).
fn child_file(file: &Path, module: &[String], decl: &ModDecl) -> Result<PathBuf, String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    if let Some(path) = &decl.path_attr {
        return Ok(normalize(&dir.join(path)));
    }
    // lib.rs and mod.rs hold their children beside them; `foo.rs` in `foo/`.
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let base = if module.is_empty() || stem == "mod" {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    let flat = base.join(format!("{}.rs", decl.name));
    let nested = base.join(&decl.name).join("mod.rs");
    [flat, nested]
        .into_iter()
        .find(|p| p.exists())
        .ok_or_else(|| {
            format!(
                "{}:{}: no file for `mod {};`",
                file.display(),
                decl.line,
                decl.name
            )
        })
}

/// lib.rs's `pub use module::{Name, …}`: each re-exported name to its module.
fn reexports(lib: &str) -> HashMap<String, Vec<String>> {
    let tokens = tokens(&code_only(lib));
    let mut names = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        if !(t.is("use") && i > 0 && tokens[i - 1].is("pub")) {
            continue;
        }
        let mut paths = Vec::new();
        use_tree(&tokens, i + 1, Vec::new(), &mut paths);
        for path in paths {
            if let Some((name, module)) = path.split_last() {
                names.insert(name.clone(), module.to_vec());
            }
        }
    }
    names
}

#[cfg(test)]
mod checker {
    //! The checker on small sources.

    use super::*;

    fn strings(path: &[&str]) -> Vec<String> {
        path.iter().map(|s| s.to_string()).collect()
    }

    /// A crate from `(module path, source)` pairs, lib.rs first.
    fn krate(files: &[(&[&str], &str)]) -> Crate {
        let mut k = Crate::default();
        for (module, text) in files {
            let module = strings(module);
            let file = if module.is_empty() {
                k.reexports = reexports(text);
                PathBuf::from("lib.rs")
            } else {
                PathBuf::from(format!("{}.rs", module.join("/")))
            };
            let facts = file_facts(text, &module);
            k.add(file, module, false, facts);
        }
        k
    }

    fn problems(files: &[(&[&str], &str)]) -> Vec<String> {
        krate(files)
            .layer_problems()
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    const LIB: &str = "//! Docs.\nmod low;\nmod high;\npub use low::Thing;\n";

    #[test]
    fn a_lower_module_is_allowed() {
        let found = problems(&[
            (&[], LIB),
            (&["low"], "pub struct Thing;\n"),
            (
                &["high"],
                "use crate::low::Thing;\nfn f() -> crate::low::Thing { Thing }\n",
            ),
        ]);
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn an_upward_import_is_caught_with_its_file_and_line() {
        let found = problems(&[
            (&[], LIB),
            (
                &["low"],
                "// A comment: crate::high is fine here.\n\nuse crate::high::helper;\n",
            ),
            (&["high"], "pub fn helper() {}\n"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("low.rs:3: "), "{found:?}");
        assert!(
            found[0].contains("`high` is declared after `low`"),
            "{found:?}"
        );
    }

    #[test]
    fn use_groups_dollar_crate_and_expression_paths_are_read() {
        let found = problems(&[
            (&[], LIB),
            (
                &["low"],
                "use crate::{high::{self, X}};\nmacro_rules! m { () => { $crate::high::y() } }\n\
                 fn f() { let s = \"crate::high::z\"; crate::high::w::<u8>(); }\n",
            ),
            (&["high"], ""),
        ]);
        let lines: Vec<&str> = found.iter().map(|p| &p[..p.find(": ").unwrap()]).collect();
        // The string's path is not code; the other three (two on line 1) are.
        assert_eq!(
            lines,
            ["low.rs:1", "low.rs:1", "low.rs:2", "low.rs:3"],
            "{found:?}"
        );
    }

    #[test]
    fn reexports_of_lib_rs_are_refused_and_the_module_is_named() {
        let found = problems(&[
            (&[], LIB),
            (&["low"], ""),
            (&["high"], "use crate::Thing;\n"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("use `crate::low::Thing`"), "{found:?}");
    }

    #[test]
    fn children_follow_their_parents_order_and_leave_its_items_alone() {
        let found = problems(&[
            (&[], "mod folder;\n"),
            (&["folder"], "mod first;\nmod second;\npub struct Own;\n"),
            (&["folder", "first"], "use super::second::X;\n"),
            (
                &["folder", "second"],
                "use super::first::Y;\nuse crate::folder::Own;\n",
            ),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("folder/first.rs:1: "), "{found:?}");
        assert!(found[1].starts_with("folder/second.rs:2: "), "{found:?}");
        assert!(found[1].contains("parent's own items"), "{found:?}");
    }

    #[test]
    fn cfg_test_items_are_exempt() {
        let found = problems(&[
            (&[], LIB),
            (
                &["low"],
                "#[cfg(test)]\nmod tests {\n    use crate::high::X;\n}\n#[cfg(test)]\nuse crate::high::Y;\n",
            ),
            (&["high"], ""),
        ]);
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn code_that_writes_code_is_not_read_as_paths() {
        let found = problems(&[
            (&[], LIB),
            (
                &["low"],
                "fn f() -> T { quote! { crate::high::x() } }\nfn g() { parse_quote!(crate::high::Y) }\n",
            ),
            (&["high"], ""),
        ]);
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn logic_in_lib_rs_is_refused() {
        let found = problems(&[
            (&[], "mod a;\nimpl a::X {}\npub fn helper() {}\n"),
            (&["a"], ""),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("lib.rs:2: `impl`"), "{found:?}");
    }

    #[test]
    fn functions_over_80_lines_are_named_with_their_length() {
        let body = "    let x = 1;\n".repeat(79);
        let long = format!("fn long(\n    a: [u8; 4],\n) {{\n{body}}}\n");
        let short = format!("fn short() {{\n{}}}\n", "    x();\n".repeat(78));
        let text =
            format!("{short}\n/* fn not_code() {{ }} */\ntrait T {{ fn decl(&self); }}\n{long}");
        let found = long_functions(Path::new("f.rs"), &text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 84);
        assert!(found[0].message.contains("`long` is 83 lines"), "{found:?}");
    }

    #[test]
    fn literals_and_comments_are_blanked_in_place() {
        let text = "let a = 'x'; let b: &'static str = r#\"crate::q\"#; /* é */ let c = '\\'';\n// crate::z\n";
        let code = code_only(text);
        assert_eq!(code.len(), text.len());
        assert!(!code.contains("crate::"), "{code}");
        assert!(code.contains("&'static str"), "{code}");
        assert_eq!(code.lines().count(), text.lines().count());
    }
}
