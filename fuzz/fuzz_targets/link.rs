#![forbid(unsafe_code)]
//! The `Link` header parser, as the SDK runs it on every page GitHub (or
//! anything answering in its place) sends: parse, pick the relations,
//! resolve them against the page's URL and read their `page` number.
#![no_main]

use github_pat_grants::__fuzz::{find_link, page_number, parse_link};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A header value reaches the parser only as text (`to_str`), so bytes
    // that are not UTF-8 never do.
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let links = parse_link(value);
    let base = url::Url::parse("https://api.github.com/orgs/acme/personal-access-tokens?page=1")
        .expect("a fixed, valid URL");
    for rel in ["next", "prev", "first", "last"] {
        if let Some(target) = find_link(&links, rel)
            && let Ok(url) = base.join(target)
        {
            let _ = page_number(&url);
        }
    }
});
