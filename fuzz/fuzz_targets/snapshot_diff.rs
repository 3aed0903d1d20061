#![forbid(unsafe_code)]
//! Snapshots compared by `pat-audit diff`: the input is two JSON documents
//! one after the other (old, then new; one alone is compared with itself),
//! and whatever they hold, the diff and its summary are computed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pat_audit::snapshot::{Snapshot, diff, summary};

fuzz_target!(|data: &[u8]| {
    let mut documents = serde_json::Deserializer::from_slice(data).into_iter::<Snapshot>();
    let Some(Ok(old)) = documents.next() else {
        return;
    };
    let new = match documents.next() {
        Some(Ok(new)) => new,
        Some(Err(_)) => return,
        None => {
            let (changes, _) = diff(&old, &old);
            let _ = summary(&changes);
            return;
        }
    };
    let (changes, _) = diff(&old, &new);
    let _ = summary(&changes);
});
