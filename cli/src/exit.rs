//! The exit statuses, part of the command-line contract: 0 when a command
//! ran, 3 when an `audit --fail-on` finding occurred, 1 on any error (and 1
//! wins over 3).

/// The exit status when the command ran and nothing failed or matched `--fail-on`.
pub const EXIT_OK: u8 = 0;
/// The exit status on any error; it wins over [`EXIT_FINDINGS`].
pub const EXIT_ERROR: u8 = 1;
/// The exit status when a `--fail-on` finding occurred.
pub const EXIT_FINDINGS: u8 = 3;

/// The exit status of a command that `failed` somewhere and `found` what
/// it gates on: 1 wins over 3.
pub fn status(failed: bool, found: bool) -> u8 {
    match (failed, found) {
        (true, _) => EXIT_ERROR,
        (false, true) => EXIT_FINDINGS,
        (false, false) => EXIT_OK,
    }
}
