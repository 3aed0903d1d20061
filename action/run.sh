#!/usr/bin/env bash
# The logic of the pat-audit GitHub Action (action.yml at the repository's
# root), in a file that a test runs: cli/tests/action.rs runs `audit` against
# the GitHub stand-in exactly as action.yml runs it on a runner.
#
#   run.sh cache-key   prints the key under which the built pat-audit is cached
#   run.sh install     builds pat-audit from this checkout into $PAT_AUDIT_ROOT
#   run.sh answers     prints, for $GITHUB_OUTPUT, the folder that keeps
#                      GitHub's answers between runs and its actions/cache keys
#   run.sh audit       runs the audit from the INPUT_* variables (below) with
#                      $PAT_AUDIT, the installed binary (default: pat-audit on PATH),
#                      then with notify-repo tells the tokens' owners
#
# Composite actions get no INPUT_* variables of their own: action.yml maps
# every input to one, with the input's name in upper snake case. Inputs reach
# this script only through the environment, never through the script's text,
# so that no input can inject shell code.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# What the installed binary is built from (the stand-in crate too: pat-audit's
# `demo` feature builds it in).
sources=(Cargo.toml Cargo.lock build.rs src generated spec/openapi.json cli standin)

# GitHub refuses a job summary over 1 MiB for one step; a larger report is cut
# and the whole one is in the artifact. A test lowers the limit to see it cut.
summary_limit="${PAT_AUDIT_SUMMARY_LIMIT:-1000000}"

fail() {
    echo "::error title=pat-audit::$*"
    exit 1
}

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi
}

# The cache key: the runner's system (a binary built on one image may not run
# on another) and a hash of every source file the binary is built from.
cache_key() {
    local hash
    hash="$(cd "$root" && find "${sources[@]}" -type f -print0 | LC_ALL=C sort -z |
        xargs -0 cat -- | sha256 | cut -c1-32)"
    echo "pat-audit-${RUNNER_OS:-local}-${RUNNER_ARCH:-local}-${ImageOS:-local}-$hash"
}

# The folder pat-audit keeps GitHub's answers in (its --cache), which
# action.yml restores before the audit and saves after it when the input
# `cache` is true.
answers_dir() {
    echo "${RUNNER_TEMP:?}/pat-audit-answers"
}

# A saved cache entry can never be replaced, so each run saves its own
# (the prefix, then the run and its attempt) and the next restores the
# newest under the prefix. The prefix tells apart the runner's system and,
# hashed, the workflow, the job and the artifact name (unique for each use of
# the action in a workflow run): a workflow's name may hold characters a key
# may not (a comma). Nothing in it is secret.
answers() {
    local prefix
    prefix="pat-audit-answers-${RUNNER_OS:-local}-$(printf '%s\n' "${GITHUB_WORKFLOW:-}" \
        "${GITHUB_JOB:-}" "${INPUT_ARTIFACT_NAME:-pat-audit}" | sha256 | cut -c1-16)-"
    echo "answers=$(answers_dir)"
    echo "answers-prefix=$prefix"
    echo "answers-key=$prefix${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-1}"
}

install() {
    : "${PAT_AUDIT_ROOT:?PAT_AUDIT_ROOT names the folder to install pat-audit into}"
    command -v cargo >/dev/null ||
        fail "the runner has no cargo: install Rust (rustup) before this action"
    cargo install --locked --path "$root/cli" --root "$PAT_AUDIT_ROOT"
}

# One org a line, from a list separated by commas, spaces or lines.
org_list() {
    tr ', ' '\n' <<<"${INPUT_ORGS:-}" | sed '/^$/d'
}

check_inputs() {
    [ -n "${INPUT_PRIVATE_KEY:-}" ] || fail "the input private-key is empty (give it the App's key from a secret)"
    if [ -n "${INPUT_CLIENT_ID:-}" ] && [ -n "${INPUT_APP_ID:-}" ]; then
        fail "give client-id or app-id, not both"
    fi
    [ -n "${INPUT_CLIENT_ID:-}${INPUT_APP_ID:-}" ] || fail "give the App's client-id (or app-id)"
    case "${INPUT_ALL_INSTALLATIONS:-false}" in
    true | false) ;;
    *) fail "all-installations is true or false" ;;
    esac
    if [ -z "$(org_list)" ] && [ "${INPUT_ALL_INSTALLATIONS:-false}" != true ]; then
        fail "give orgs, or all-installations: true"
    fi
    case "${INPUT_FORMAT:-markdown}" in
    markdown | table | json | csv) ;;
    *) fail "format is markdown, table, json or csv" ;;
    esac
    case "${INPUT_CACHE:-false}" in
    true | false) ;;
    *) fail "cache is true or false" ;;
    esac
}

# Writes the key to a file only this user can read, in a folder that
# `audit` removes when it ends, however it ends. The key is never echoed.
write_key() {
    keydir="$(mktemp -d "${RUNNER_TEMP:?}/pat-audit-key.XXXXXX")"
    trap 'rm -rf "$keydir"' EXIT
    (
        umask 077
        printf '%s\n' "$INPUT_PRIVATE_KEY" >"$keydir/app.pem"
    )
    # pat-audit reads the key from the file; it need not see the variable.
    unset INPUT_PRIVATE_KEY
}

# The flags every command of the step signs in and reads with, into the
# array `common`.
common_flags() {
    local org
    common=(--private-key "$keydir/app.pem")
    if [ -n "${INPUT_CLIENT_ID:-}" ]; then
        common+=(--client-id "$INPUT_CLIENT_ID")
    else
        common+=(--app-id "$INPUT_APP_ID")
    fi
    while read -r org; do common+=(--org "$org"); done < <(org_list)
    [ "${INPUT_ALL_INSTALLATIONS:-false}" = true ] && common+=(--all-installations)
    [ -n "${INPUT_BASE_URL:-}" ] && common+=(--base-url "$INPUT_BASE_URL")
    [ "${INPUT_CACHE:-false}" = true ] && common+=(--cache "$(answers_dir)")
    return 0
}

# The command line, into the array `command`.
audit_command() {
    local extra
    common_flags
    command=("${PAT_AUDIT:-pat-audit}" audit "${common[@]}" --format "${INPUT_FORMAT:-markdown}" --output "$snapshot")
    [ -n "${INPUT_FAIL_ON:-}" ] && command+=(--fail-on "${INPUT_FAIL_ON// /}")
    [ -n "${INPUT_POLICY:-}" ] && command+=(--policy "$INPUT_POLICY")
    # Split on white space, never evaluated.
    read -r -a extra <<<"${INPUT_ARGS:-}"
    command+=("${extra[@]}")
}

# With `notify-repo`, the owners of expired and expiring tokens are told in
# that repository after the audit (`pat-audit notify --apply --yes`), with
# the same App and organizations; its report follows the audit's in the job
# summary. `args` are the audit's alone (notify acts as of the current time).
notify() {
    local notified="$out/notify.md" code=0
    command=("${PAT_AUDIT:-pat-audit}" notify --repo "$INPUT_NOTIFY_REPO" "${common[@]}" --format markdown --apply --yes)
    echo "${command[*]}"
    "${command[@]}" >"$notified" || code=$?
    { echo; cat "$notified"; } >>"$GITHUB_STEP_SUMMARY"
    echo "notify-report=$notified" >>"$GITHUB_OUTPUT"
    if [ "$code" != 0 ]; then
        echo "::error title=pat-audit::pat-audit notify failed with exit status $code: see above"
        status=1
    fi
}

# The report into the job summary: markdown as it is, the other formats in a
# code block; cut to GitHub's limit with a note where the whole report is.
write_summary() {
    local status="$1" format="${INPUT_FORMAT:-markdown}" body
    body="$(mktemp "$RUNNER_TEMP/pat-audit-summary.XXXXXX")"
    if [ "$format" = markdown ]; then
        cat "$report" >"$body"
    else
        { echo "## pat-audit"; echo; echo '```'; cat "$report"; echo '```'; } >"$body"
    fi
    if [ "$(wc -c <"$body")" -gt "$summary_limit" ]; then
        head -c "$summary_limit" "$body" | sed '$d'
        printf '\n\n*The report was cut at %s bytes; the whole of it is in the artifact (%s).*\n' \
            "$summary_limit" "$(basename "$report")"
    else
        cat "$body"
    fi >>"$GITHUB_STEP_SUMMARY"
    rm -f "$body"
    if [ "$status" = 1 ]; then
        printf '\n**pat-audit failed (exit status 1): the job log says why.**\n' >>"$GITHUB_STEP_SUMMARY"
    fi
}

audit() {
    check_inputs
    : "${GITHUB_STEP_SUMMARY:?}" "${GITHUB_OUTPUT:?}"
    local out="${RUNNER_TEMP:?}/pat-audit" status=0 extension
    mkdir -p "$out"
    case "${INPUT_FORMAT:-markdown}" in
    markdown) extension=md ;; table) extension=txt ;; json) extension=jsonl ;; csv) extension=csv ;;
    esac
    report="$out/report.$extension"
    snapshot="$out/snapshot.json"
    write_key
    audit_command
    echo "${command[*]}"
    "${command[@]}" >"$report" || status=$?
    write_summary "$status"
    # After an error the findings are incomplete: nobody is told from them.
    if [ -n "${INPUT_NOTIFY_REPO:-}" ] && [ "$status" != 1 ]; then notify; fi
    {
        echo "exit-code=$status"
        echo "report=$report"
        [ -f "$snapshot" ] && echo "snapshot=$snapshot"
    } >>"$GITHUB_OUTPUT"
    case "$status" in
    0) ;;
    3) echo "::error title=pat-audit::findings named in fail-on occurred: see the job summary" ;;
    *) echo "::error title=pat-audit::pat-audit failed with exit status $status: see above" ;;
    esac
    return "$status"
}

case "${1:-}" in
cache-key) cache_key ;;
install) install ;;
answers) answers ;;
audit) audit ;;
*)
    echo "usage: $0 cache-key|install|answers|audit" >&2
    exit 2
    ;;
esac
