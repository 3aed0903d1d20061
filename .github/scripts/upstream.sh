#!/usr/bin/env bash
# The steps of .github/workflows/upstream.yml, in a file that runs the same
# on a laptop (bash, npm, jq, cargo):
#
#   upstream.sh descriptions          the descriptions spec/ draws from, one a line
#   upstream.sh fetch VERSION DIR     @octokit/openapi@VERSION's copies of them into DIR
#   upstream.sh drift DIR OUT         `cargo xtask drift --format json` of each into OUT,
#                                     then `count OUT`
#   upstream.sh count OUT             `changes=N` and `breaking=N` of the reports in OUT
#   upstream.sh reimport DIR          re-imports spec/'s operations and webhooks from DIR
#   upstream.sh body OUT VERSION TESTS   the pull request's body (markdown) from OUT
#
# Which descriptions: every `Source:` line that `cargo xtask import` writes
# into spec/components/*.md names the description file it imported from
# (`Source: \`api.github.com.json\`, ...`), so a description joins the loop
# by being imported from, with nothing to change here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# api.github.com.json first: an operation that several descriptions carry is
# re-imported from it, as it was imported.
descriptions() {
    local names
    # shellcheck disable=SC2016 # the backticks are markdown's, not the shell's
    names="$(sed -n 's/^Source: `\([^`]*\)`.*/\1/p' spec/components/*.md | LC_ALL=C sort -u)"
    [ -n "$names" ] || { echo "no 'Source:' line in spec/components/*.md" >&2; exit 1; }
    grep -x 'api.github.com.json' <<<"$names" || true
    grep -vx 'api.github.com.json' <<<"$names" || true
}

fetch() {
    local version="$1" dir="$2" unpacked tarball name
    unpacked="$(mktemp -d)"
    tarball="$(npm pack "@octokit/openapi@$version" --pack-destination "$unpacked" --silent)"
    tar -xzf "$unpacked/$tarball" -C "$unpacked"
    mkdir -p "$dir"
    while read -r name; do
        [ -f "$unpacked/package/generated/$name" ] ||
            { echo "@octokit/openapi@$version has no generated/$name" >&2; exit 1; }
        cp "$unpacked/package/generated/$name" "$dir/$name"
    done < <(descriptions)
    jq -r .version "$unpacked/package/package.json"
    rm -rf "$unpacked"
}

drift() {
    local dir="$1" out="$2" name
    mkdir -p "$out"
    while read -r name; do
        cargo xtask drift --from "$dir/$name" --format json |
            jq --arg name "$name" '{description: $name} + .' >"$out/${name%.json}.drift.json"
    done < <(descriptions)
    count "$out"
}

# `changes=N` and `breaking=N` over the reports in OUT. Operations `added`
# are GitHub's beside spec/'s (same subcategory, not imported), not changes
# to it: listed in the body, no reason for a pull request by themselves.
count() {
    jq -s -r '[.[].operations[] | select(.status != "added") | .changes[]]
        | "changes=\(length)", "breaking=\(map(select(.breaking)) | length)"' "$1"/*.drift.json
}

# The operationIds of spec/operations/*.md and the names of spec/webhooks/*.md.
operation_ids() {
    for doc in spec/operations/*.md; do
        sed -n 's/^ *"operationId": "\([^"]*\)".*/\1/p' "$doc" | head -n 1
    done
}

webhook_names() {
    for doc in spec/webhooks/*.md; do
        [ -e "$doc" ] && basename "$doc" .md
    done
}

# Each operation and webhook comes from the first description that has it.
reimport() {
    local dir="$1" name args
    local -A seen=()
    while read -r name; do
        args=()
        while read -r id; do
            [ -z "${seen[$id]:-}" ] || continue
            if jq -e --arg id "$id" '[.paths[][]? | objects | .operationId] | index($id)' \
                "$dir/$name" >/dev/null; then
                args+=(--operation "$id") && seen[$id]=1
            fi
        done < <(operation_ids)
        while read -r id; do
            [ -z "${seen[$id]:-}" ] || continue
            if jq -e --arg id "$id" '.["x-webhooks"] | has($id)' "$dir/$name" >/dev/null; then
                args+=(--webhook "$id") && seen[$id]=1
            fi
        done < <(webhook_names)
        [ ${#args[@]} -eq 0 ] || cargo xtask import --from "$dir/$name" "${args[@]}"
    done < <(descriptions)
}

# The drift reports as markdown, breaking changes first.
body() {
    local out="$1" version="$2" tests="$3"
    jq -s -r --arg version "$version" --arg tests "$tests" -f .github/scripts/drift-body.jq \
        "$out"/*.drift.json
}

case "${1:-}" in
descriptions) descriptions ;;
fetch) fetch "$2" "$3" ;;
drift) drift "$2" "$3" ;;
count) count "$2" ;;
reimport) reimport "$2" ;;
body) body "$2" "$3" "$4" ;;
*)
    echo "usage: $0 descriptions|fetch VERSION DIR|drift DIR OUT|count OUT|reimport DIR|body OUT VERSION TESTS" >&2
    exit 2
    ;;
esac
