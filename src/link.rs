//! A small parser for the HTTP `Link` header (RFC 8288), enough for GitHub's
//! pagination: `<https://api.github.com/...&page=2>; rel="next", <...>; rel="last"`.

/// One link of a `Link` header: the target as written and its relation types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The URI reference between `<` and `>`, unchanged.
    pub target: String,
    /// The `rel` parameter split on white space and lower-cased (RFC 8288 §3.3).
    pub rels: Vec<String>,
}

/// Parses a `Link` header value. Malformed entries are skipped, never a panic:
/// pagination then simply ends, which is what an absent `next` means.
pub fn parse(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let Some((target, after)) = rest.strip_prefix('<').and_then(|r| r.split_once('>')) else {
            break;
        };
        rest = after;
        let mut rels = Vec::new();
        // Parameters: `; name=value` or `; name="quoted, value"` until the next `,`.
        while let Some(after_semi) = rest.trim_start().strip_prefix(';') {
            rest = after_semi.trim_start();
            let name_end = rest.find(['=', ';', ',']).unwrap_or(rest.len());
            let name = rest[..name_end].trim().to_ascii_lowercase();
            let (value, after) = match rest[name_end..].strip_prefix('=') {
                Some(after_eq) => param_value(after_eq.trim_start()),
                None => (String::new(), &rest[name_end..]),
            };
            rest = after;
            // RFC 8288 §3.3: only the first `rel` parameter counts.
            if name == "rel" && rels.is_empty() {
                rels = value
                    .split_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect();
            }
        }
        let target = target.trim().to_string();
        links.push(Link { target, rels });
    }
    links
}

/// A parameter's value at the start of `v`, quoted (with backslash escapes;
/// an unclosed quote runs to the end) or bare (until `;` or `,`), and what
/// follows it.
fn param_value(v: &str) -> (String, &str) {
    let Some(quoted) = v.strip_prefix('"') else {
        let end = v.find([';', ',']).unwrap_or(v.len());
        return (v[..end].trim().to_string(), &v[end..]);
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => value.extend(chars.next().map(|(_, escaped)| escaped)),
            '"' => return (value, &quoted[i + 1..]),
            c => value.push(c),
        }
    }
    (value, "")
}

/// The `page` query parameter of a link, when GitHub pages by number.
pub fn page_number(url: &url::Url) -> Option<u32> {
    url.query_pairs().find(|(k, _)| k == "page")?.1.parse().ok()
}

/// The target of the first link whose relation types include `rel`.
pub fn find<'a>(links: &'a [Link], rel: &str) -> Option<&'a str> {
    links
        .iter()
        .find(|l| l.rels.iter().any(|r| r == rel))
        .map(|l| l.target.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_githubs_pagination_header() {
        let h = "<https://api.github.com/repositories/1300192/issues?page=2>; rel=\"prev\", \
                 <https://api.github.com/repositories/1300192/issues?page=4>; rel=\"next\", \
                 <https://api.github.com/repositories/1300192/issues?page=515>; rel=\"last\", \
                 <https://api.github.com/repositories/1300192/issues?page=1>; rel=\"first\"";
        let links = parse(h);
        assert_eq!(links.len(), 4);
        assert_eq!(
            find(&links, "next"),
            Some("https://api.github.com/repositories/1300192/issues?page=4")
        );
        assert_eq!(
            find(&links, "first"),
            Some("https://api.github.com/repositories/1300192/issues?page=1")
        );
        assert_eq!(find(&links, "nope"), None);
        let last = url::Url::parse(find(&links, "last").unwrap()).unwrap();
        assert_eq!(page_number(&last), Some(515));
        let cursor = url::Url::parse("https://api.github.com/x?after=Y3Vyc29y&per_page=2").unwrap();
        assert_eq!(page_number(&cursor), None);
    }

    #[test]
    fn handles_unquoted_multiple_rels_and_quoted_commas() {
        let links = parse("<a?x=1,2>; title=\"a, b; c\"; REL=\"Next last\",<b>;rel=prev;rel=next");
        assert_eq!(links[0].target, "a?x=1,2");
        assert_eq!(links[0].rels, vec!["next", "last"]);
        // Only the first rel parameter counts.
        assert_eq!(links[1].rels, vec!["prev"]);
    }

    #[test]
    fn malformed_input_yields_what_parses_and_never_panics() {
        assert!(parse("").is_empty());
        assert!(parse("garbage").is_empty());
        assert_eq!(parse("<a>; rel=\"next").len(), 1);
        assert!(parse("<unterminated; rel=next").is_empty());
        for s in [
            "<",
            "<>",
            "<>;",
            "<>;=",
            "<>; rel=\"\\",
            "<é>; rel=é",
            ",,,",
        ] {
            let _ = parse(s);
        }
    }
}
