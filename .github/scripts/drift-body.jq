# The upstream pull request's body from `cargo xtask drift --format json`
# reports (one per description, each with a `description` field added by
# upstream.sh), read with `jq -s`: breaking changes first, then the others.
# Arguments: $version (the @octokit/openapi version), $tests (the outcome of
# the tests on the regenerated SDK).

# GitHub refuses a pull request body over 65,536 characters; the artifact
# keeps the whole report.
def cap($n; $lines):
  if ($lines | length) > $n
  then $lines[:$n] + ["- ... and \(($lines | length) - $n) more: the workflow's `drift-report` artifact has them all"]
  else $lines end;

def line($report; $op; $change):
  "- `\($op.operationId)` (\($op.method) `\($op.path)`) \($change.what)"
  + (if $change.where == "" then "" else " `\($change.where | ltrimstr(" "))`" end)
  + ": \($change.detail)"
  + (if ($report.description // "") == "" then "" else " _(\($report.description))_" end);

# Changes to what spec/ has. An operation `added` is one of GitHub's beside
# them (same subcategory) that spec/ does not import: listed apart, and no
# reason for a pull request by itself.
def changes($breaking):
  [ .[] as $report | $report.operations[] | select(.status != "added") as $op | $op.changes[]
    | select(.breaking == $breaking) | line($report; $op; .) ];

def beside:
  [ .[] as $report | $report.operations[] | select(.status == "added")
    | "- `\(.operationId)` (\(.method) `\(.path)`)" ];

(changes(true) | length) as $breaking
| (changes(false) | length) as $other
| [
    "GitHub published `@octokit/openapi` \($version): \($breaking + $other) changes to the operations and webhooks in `spec/`, \($breaking) of them breaking. This pull request re-imports them, regenerates the SDK and runs its tests.",
    "",
    "| description | spec/ had | now |",
    "|---|---|---|",
    (.[] | "| `\(.description // "?")` | \(.from) | \(.to) |"),
    "",
    (if $breaking > 0 then
      "**Breaking.** Before 1.0, merging this means a new minor version of the SDK: add a `### Breaking` entry under `[Unreleased]` in CHANGELOG.md (docs/releasing.md).", ""
     else empty end),
    "### Breaking changes", "",
    (changes(true) | if length == 0 then ["None."] else cap(300; .) end | .[]),
    "",
    "### Other changes", "",
    (changes(false) | if length == 0 then ["None."] else cap(300; .) end | .[]),
    "",
    (beside | if length == 0 then empty else
      "### GitHub's operations beside these, not imported", "",
      "`cargo xtask import --operation ID` adds one.", "",
      (cap(100; .) | .[]), "" end),
    "### Tests",
    "",
    "`cargo test --workspace --locked` on the regenerated SDK: **\($tests)**.",
    "",
    "<sub>Opened by `.github/workflows/upstream.yml`, which updates this pull request each week until it is merged or closed.</sub>"
  ]
| join("\n")
