# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pat_audit_global_optspecs
    string join \n color= q/quiet h/help V/version
end

function __fish_pat_audit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pat_audit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pat_audit_using_subcommand
    set -l cmd (__fish_pat_audit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pat-audit -n "__fish_pat_audit_needs_command" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_needs_command" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "audit" -d 'Audit every fine-grained token with access to the organizations'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "demo" -d 'Run the whole audit against a built-in GitHub stand-in (no account needed)'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "diff" -d 'Compare two snapshots written by `audit --output`'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "revoke" -d 'Revoke grants by finding or id: print the plan, or send it with --apply'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "review" -d 'Approve, deny or leave pending requests as the policy says: print the plan, or send it with --apply'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "trace" -d 'What leaked tokens did in the organizations\' audit logs (GitHub Enterprise Cloud), and revoke them with --revoke'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "contain" -d 'Cut everything of a person\'s: their grants revoked, their requests denied, their SAML authorizations revoked; print the plan, or send it with --apply'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "notify" -d 'Tell token owners about their tokens\' findings, one issue each in a repository: print the plan, or write it with --apply'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "serve" -d 'Review requests the moment they arrive: a webhook receiver for `personal_access_token_request` events'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "completions" -d 'Print the completion script for a shell (or write every shell\'s with --dir)'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "man" -d 'Print the manual page (or write every page, one per command, with --dir)'
complete -c pat-audit -n "__fish_pat_audit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l org -d 'An organization to audit (repeat, or separate with commas)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l app-id -d 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l client-id -d 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l private-key -d 'The GitHub App\'s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l base-url -d 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l cache -d 'Keep GitHub\'s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l now -d '"Now" for every finding, for reproducible reports [default: the current time]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l owner -d 'Only tokens owned by this user (repeat or separate with commas; at most 10)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l format -d 'The report\'s format [default: table on a terminal, json (lines) otherwise]' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l output -d 'Also write a JSON snapshot of everything fetched to FILE (for `pat-audit diff`)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l expiring-within -d '`expiring`: the token expires at most DAYS days from now [default: the policy\'s expiring_within_days, else 14]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l stale-after -d '`stale`/`never-used`: last used (or granted and never used) more than DAYS days ago [default: the policy\'s stale_after_days, else 90]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l fail-on -d 'Exit with status 3 when one of these findings occurs' -r -f -a "expired\t''
expiring\t''
no-expiry\t''
never-used\t''
stale\t''
all-repositories\t''
write-access\t''
admin-access\t''
classic-token\t''
broad-scope\t''
unverified\t''
pending-request\t''
forbidden-permission\t''
lifetime-over-policy\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l only -d 'Report only these findings (and those of --fail-on); fetches only what they need' -r -f -a "expired\t''
expiring\t''
no-expiry\t''
never-used\t''
stale\t''
all-repositories\t''
write-access\t''
admin-access\t''
classic-token\t''
broad-scope\t''
unverified\t''
pending-request\t''
forbidden-permission\t''
lifetime-over-policy\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l kind -d 'What to audit: grant, request, credential (SAML credential authorizations, GitHub Enterprise Cloud), installation (installed Apps) [default: all four, and a listing GitHub cannot serve an organization is reported as not audited; a kind named here is an error then]; or, in a run of their own and without --org, site-token and site-key (every classic token and SSH key of a GitHub Enterprise Server instance; a site administrator\'s token)' -r -f -a "grant\t''
request\t''
credential\t''
installation\t''
site-token\t''
site-key\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l concurrency -d 'Requests to GitHub in flight at most' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l policy -d 'A policy file (TOML): its [grants] thresholds apply, and its violations are findings (forbidden-permission, lifetime-over-policy); its [credentials] table decides classic-token, broad-scope and the credentials\' lifetime-over-policy' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -l all-installations -d 'Audit every organization the GitHub App is installed on (and those of --org)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand audit" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l format -d 'The report\'s format [default: table on a terminal, json (lines) otherwise]' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l output -d 'Also write a JSON snapshot of everything fetched to FILE (for `pat-audit diff`)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l expiring-within -d '`expiring`: the token expires at most DAYS days from now [default: the policy\'s expiring_within_days, else 14]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l stale-after -d '`stale`/`never-used`: last used (or granted and never used) more than DAYS days ago [default: the policy\'s stale_after_days, else 90]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l fail-on -d 'Exit with status 3 when one of these findings occurs' -r -f -a "expired\t''
expiring\t''
no-expiry\t''
never-used\t''
stale\t''
all-repositories\t''
write-access\t''
admin-access\t''
classic-token\t''
broad-scope\t''
unverified\t''
pending-request\t''
forbidden-permission\t''
lifetime-over-policy\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l only -d 'Report only these findings (and those of --fail-on); fetches only what they need' -r -f -a "expired\t''
expiring\t''
no-expiry\t''
never-used\t''
stale\t''
all-repositories\t''
write-access\t''
admin-access\t''
classic-token\t''
broad-scope\t''
unverified\t''
pending-request\t''
forbidden-permission\t''
lifetime-over-policy\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l kind -d 'What to audit: grant, request, credential (SAML credential authorizations, GitHub Enterprise Cloud), installation (installed Apps) [default: all four, and a listing GitHub cannot serve an organization is reported as not audited; a kind named here is an error then]; or, in a run of their own and without --org, site-token and site-key (every classic token and SSH key of a GitHub Enterprise Server instance; a site administrator\'s token)' -r -f -a "grant\t''
request\t''
credential\t''
installation\t''
site-token\t''
site-key\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l concurrency -d 'Requests to GitHub in flight at most' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -l trace -d 'Show `trace` instead: what a planted "leaked" token did in the demo\'s organizations (exit status 3: it acted)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand demo" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand diff" -l format -d 'The report\'s format [default: table on a terminal, json (lines) otherwise]' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand diff" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand diff" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand diff" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l org -d 'An organization to act on (repeat, or separate with commas)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l app-id -d 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l client-id -d 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l private-key -d 'The GitHub App\'s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l base-url -d 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l cache -d 'Keep GitHub\'s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l format -d 'The report\'s format [default: table on a terminal, json (lines) otherwise]' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l now -d '"Now" for the findings, for reproducible plans [default: the current time]. Only to look: refused with --apply, which acts as of the current time' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l concurrency -d 'Listing requests to GitHub in flight at most (the bulk calls go one at a time)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l kind -d 'What to revoke: grant (fine-grained token grants), credential (SAML credential authorizations, GitHub Enterprise Cloud; removed one call each), or without --org site-token or site-key (a GitHub Enterprise Server instance\'s classic tokens or SSH keys, deleted one call each; a site administrator\'s token)' -r -f -a "grant\t''
request\t''
credential\t''
installation\t''
site-token\t''
site-key\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l finding -d 'Revoke grants (or credentials) with any of these findings' -r -f -a "expired\t''
expiring\t''
no-expiry\t''
never-used\t''
stale\t''
all-repositories\t''
write-access\t''
admin-access\t''
classic-token\t''
broad-scope\t''
unverified\t''
pending-request\t''
forbidden-permission\t''
lifetime-over-policy\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l grant -d 'Revoke the grant with this id (`pat_id`; with --kind credential, the `credential_id`; repeat, or separate with commas)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l policy -d 'A policy file: its thresholds apply to the findings; alone (without --finding or --grant), the grants that break its [grants] table (with --kind credential, the credentials that break its [credentials] table) are revoked' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l reason -d 'Why, recorded in the report\'s `message` (GitHub\'s revoke call takes no reason)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l expiring-within -d '`expiring`: the token expires at most DAYS days from now [default: the policy\'s, else 14]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l stale-after -d '`stale`/`never-used`: more than DAYS days ago [default: the policy\'s, else 90]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l all-installations -d 'Audit every organization the GitHub App is installed on (and those of --org)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l apply -d 'Send the plan to GitHub (after confirmation); without it only the plan is printed'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -l yes -d 'With --apply: do not ask for confirmation (needed when standard input is not a terminal)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l org -d 'An organization to act on (repeat, or separate with commas)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l app-id -d 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l client-id -d 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l private-key -d 'The GitHub App\'s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l base-url -d 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l cache -d 'Keep GitHub\'s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l format -d 'The report\'s format [default: table on a terminal, json (lines) otherwise]' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l now -d '"Now" for the findings, for reproducible plans [default: the current time]. Only to look: refused with --apply, which acts as of the current time' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l concurrency -d 'Listing requests to GitHub in flight at most (the bulk calls go one at a time)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l policy -d 'The policy file whose [[requests.deny]] and [[requests.approve]] rules decide' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l all-installations -d 'Audit every organization the GitHub App is installed on (and those of --org)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l apply -d 'Send the plan to GitHub (after confirmation); without it only the plan is printed'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -l yes -d 'With --apply: do not ask for confirmation (needed when standard input is not a terminal)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand review" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l org -d 'An organization whose audit log is read (repeat, or separate with commas)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l app-id -d 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l client-id -d 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l private-key -d 'The GitHub App\'s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l base-url -d 'The API root; https://HOST/api/v3 for GitHub Enterprise Server' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l cache -d 'Keep GitHub\'s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l token-file -d 'Read the tokens from FILE, one a line (blank lines and # comments are skipped)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l hashed-token -d 'Trace a token by its hash alone, as the audit log records it (SHA-256, base64; repeat, or separate with commas)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l since -d 'Events since this time (RFC 3339) or this many days ago' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l now -d '"Now" for --since DAYS [default: the current time]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l format -d 'The report\'s format [default: table on a terminal, json (lines) otherwise]' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l output -d 'Also write every event as GitHub sent it, and the summary, to FILE (JSON)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l concurrency -d 'Audit-log reads in flight at most' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l all-installations -d 'Audit every organization the GitHub App is installed on (and those of --org)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l token-stdin -d 'Read the tokens from standard input, one a line (never from the command line)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l revoke -d 'After the trace, revoke the tokens with GitHub\'s credential revocation API (after confirmation; sent without credentials)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -l yes -d 'With --revoke: do not ask for confirmation (needed when standard input is not a terminal)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand trace" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l user -d 'The user whose access is cut (repeat, or separate with commas; at most 10)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l org -d 'An organization to act on (repeat, or separate with commas)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l app-id -d 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l client-id -d 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l private-key -d 'The GitHub App\'s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l base-url -d 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l cache -d 'Keep GitHub\'s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l format -d 'The report\'s format [default: table on a terminal, json (lines) otherwise]' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l now -d '"Now" for the findings, for reproducible plans [default: the current time]. Only to look: refused with --apply, which acts as of the current time' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l concurrency -d 'Listing requests to GitHub in flight at most (the bulk calls go one at a time)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l enterprise -d 'Revoke the SAML authorizations with one call for this enterprise (its slug) instead of one call per organization (GitHub Enterprise Cloud; needs an enterprise owner\'s token)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l all-installations -d 'Audit every organization the GitHub App is installed on (and those of --org)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l site -d 'Also delete the users\' classic tokens and SSH keys on the instance, never deploy keys (GitHub Enterprise Server; the token must be a site administrator\'s)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l destroy-credentials -d 'With --enterprise: destroy the credentials themselves (Enterprise Managed Users only); asks a second time'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l apply -d 'Send the plan to GitHub (after confirmation); without it only the plan is printed'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -l yes -d 'With --apply: do not ask for confirmation (needed when standard input is not a terminal)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand contain" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l repo -d 'The repository the issues go in (OWNER/REPO; as a GitHub App, OWNER is an organization the App is installed on, with the repository permission `issues: write`)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l org -d 'An organization whose tokens are audited (repeat, or separate with commas)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l app-id -d 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l client-id -d 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l private-key -d 'The GitHub App\'s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l base-url -d 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l cache -d 'Keep GitHub\'s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l format -d 'The report\'s format [default: table on a terminal, json (lines) otherwise]' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l now -d '"Now" for the findings, for reproducible plans [default: the current time]. Only to look: refused with --apply, which acts as of the current time' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l concurrency -d 'Listing requests to GitHub in flight at most (the writes go one at a time)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l finding -d 'Tell the owners of tokens with any of these findings' -r -f -a "expired\t''
expiring\t''
no-expiry\t''
never-used\t''
stale\t''
all-repositories\t''
write-access\t''
admin-access\t''
classic-token\t''
broad-scope\t''
unverified\t''
pending-request\t''
forbidden-permission\t''
lifetime-over-policy\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l kind -d 'Whose tokens: grant (fine-grained token grants), credential (SAML credential authorizations, GitHub Enterprise Cloud) [default: both, credentials where GitHub lists them]' -r -f -a "grant\t''
request\t''
credential\t''
installation\t''
site-token\t''
site-key\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l label -d 'The label that marks pat-audit\'s issues (created when the repository has none)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l expiring-within -d '`expiring`: the token expires at most DAYS days from now [default: 14]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l stale-after -d '`stale`/`never-used`: more than DAYS days ago [default: 90]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l all-installations -d 'Audit every organization the GitHub App is installed on (and those of --org)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l apply -d 'Send the plan to GitHub (after confirmation); without it only the plan is printed'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -l yes -d 'With --apply: do not ask for confirmation (needed when standard input is not a terminal)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand notify" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l policy -d 'The policy file whose [[requests.deny]] and [[requests.approve]] rules decide' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l listen -d 'The address to listen on, e.g. 0.0.0.0:8080 (port 0 picks a free one)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l webhook-secret-env -d 'The environment variable holding the webhook\'s secret' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l org -d 'Act only on requests to these organizations (repeat, or separate with commas) [default: every organization that sends events]' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l app-id -d 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l client-id -d 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l private-key -d 'The GitHub App\'s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l base-url -d 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l cache -d 'Keep GitHub\'s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l format -d 'The log\'s format on stderr: json (one object per decision) or table (plain lines)' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l max-body-bytes -d 'The largest webhook body accepted, in bytes (GitHub caps payloads at 25 MB)' -r
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l dry-run -d 'Decide and log, but send nothing to GitHub'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -l all-installations -d 'Audit every organization the GitHub App is installed on (and those of --org)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand serve" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand completions" -l dir -d 'Write every shell\'s script into DIR instead (pat-audit.bash, _pat-audit, pat-audit.fish, _pat-audit.ps1)' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand completions" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand completions" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand man" -l dir -d 'Write every page into DIR (pat-audit.1, pat-audit-audit.1, ...) instead of printing pat-audit.1 on stdout' -r -F
complete -c pat-audit -n "__fish_pat_audit_using_subcommand man" -l color -d 'When to colour the table and the progress bar' -r -f -a "auto\t'Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty)'
always\t'Colour, even when the output is a file or a pipe, and even with `NO_COLOR`'
never\t'Never colour'"
complete -c pat-audit -n "__fish_pat_audit_using_subcommand man" -s q -l quiet -d 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand man" -s V -l version -d 'Print version'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "audit" -d 'Audit every fine-grained token with access to the organizations'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "demo" -d 'Run the whole audit against a built-in GitHub stand-in (no account needed)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "diff" -d 'Compare two snapshots written by `audit --output`'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "revoke" -d 'Revoke grants by finding or id: print the plan, or send it with --apply'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "review" -d 'Approve, deny or leave pending requests as the policy says: print the plan, or send it with --apply'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "trace" -d 'What leaked tokens did in the organizations\' audit logs (GitHub Enterprise Cloud), and revoke them with --revoke'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "contain" -d 'Cut everything of a person\'s: their grants revoked, their requests denied, their SAML authorizations revoked; print the plan, or send it with --apply'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "notify" -d 'Tell token owners about their tokens\' findings, one issue each in a repository: print the plan, or write it with --apply'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "serve" -d 'Review requests the moment they arrive: a webhook receiver for `personal_access_token_request` events'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "completions" -d 'Print the completion script for a shell (or write every shell\'s with --dir)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "man" -d 'Print the manual page (or write every page, one per command, with --dir)'
complete -c pat-audit -n "__fish_pat_audit_using_subcommand help; and not __fish_seen_subcommand_from audit demo diff revoke review trace contain notify serve completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
