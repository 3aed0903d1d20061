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
# Which descriptions: every operation and webhook document in spec/ records,
# under `## Provenance`, the description it was imported from
# (`"description": "ghec"`; the file is `ghec.json` in @octokit/openapi), so a
# description joins the loop by being imported from, with nothing to change
# here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# The description a document was imported from: the first "description" of
# its `## Provenance` block.
provenance() {
    sed -n '/^## Provenance/,$ s/^ *"description": "\([^"]*\)".*/\1/p' "$1" | head -n 1
}

# api.github.com.json first: the primary description, whose components win
# (docs/generator.md).
descriptions() {
    local names doc
    names="$(for doc in spec/operations/*.md spec/webhooks/*.md; do
        [ -e "$doc" ] && provenance "$doc"
    done | LC_ALL=C sort -u | sed 's/$/.json/')"
    [ -n "$names" ] || { echo "no '## Provenance' in spec/operations/*.md or spec/webhooks/*.md" >&2; exit 1; }
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

# Each operation and webhook is re-imported from the description it came from.
reimport() {
    local dir="$1" name doc id args
    while read -r name; do
        args=()
        for doc in spec/operations/*.md; do
            [ "$(provenance "$doc").json" = "$name" ] || continue
            id="$(sed -n 's/^ *"operationId": "\([^"]*\)".*/\1/p' "$doc" | head -n 1)"
            args+=(--operation "$id")
        done
        for doc in spec/webhooks/*.md; do
            [ -e "$doc" ] && [ "$(provenance "$doc").json" = "$name" ] || continue
            args+=(--webhook "$(basename "$doc" .md)")
        done
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
