
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pat-audit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pat-audit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pat-audit' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Audit every fine-grained token with access to the organizations')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole audit against a built-in GitHub stand-in (no account needed)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two snapshots written by `audit --output`')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke grants by finding or id: print the plan, or send it with --apply')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Approve, deny or leave pending requests as the policy says: print the plan, or send it with --apply')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'What leaked tokens did in the organizations'' audit logs (GitHub Enterprise Cloud), and revoke them with --revoke')
            [CompletionResult]::new('contain', 'contain', [CompletionResultType]::ParameterValue, 'Cut everything of a person''s: their grants revoked, their requests denied, their SAML authorizations revoked; print the plan, or send it with --apply')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Tell token owners about their tokens'' findings, one issue each in a repository: print the plan, or write it with --apply')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Review requests the moment they arrive: a webhook receiver for `personal_access_token_request` events')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (or write every shell''s with --dir)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (or write every page, one per command, with --dir)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pat-audit;audit' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'An organization to audit (repeat, or separate with commas)')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'The GitHub App''s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Keep GitHub''s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for every finding, for reproducible reports [default: the current time]')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only tokens owned by this user (repeat or separate with commas; at most 10)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The report''s format [default: table on a terminal, json (lines) otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Also write a JSON snapshot of everything fetched to FILE (for `pat-audit diff`)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, '`expiring`: the token expires at most DAYS days from now [default: the policy''s expiring_within_days, else 14]')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, '`stale`/`never-used`: last used (or granted and never used) more than DAYS days ago [default: the policy''s stale_after_days, else 90]')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 3 when one of these findings occurs')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Report only these findings (and those of --fail-on); fetches only what they need')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'What to audit: grant, request, credential (SAML credential authorizations, GitHub Enterprise Cloud), installation (installed Apps) [default: all four, and a listing GitHub cannot serve an organization is reported as not audited; a kind named here is an error then]; or, in a run of their own and without --org, site-token and site-key (every classic token and SSH key of a GitHub Enterprise Server instance; a site administrator''s token)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests to GitHub in flight at most')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A policy file (TOML): its [grants] thresholds apply, and its violations are findings (forbidden-permission, lifetime-over-policy); its [credentials] table decides classic-token, broad-scope and the credentials'' lifetime-over-policy')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('--all-installations', '--all-installations', [CompletionResultType]::ParameterName, 'Audit every organization the GitHub App is installed on (and those of --org)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;demo' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The report''s format [default: table on a terminal, json (lines) otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Also write a JSON snapshot of everything fetched to FILE (for `pat-audit diff`)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, '`expiring`: the token expires at most DAYS days from now [default: the policy''s expiring_within_days, else 14]')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, '`stale`/`never-used`: last used (or granted and never used) more than DAYS days ago [default: the policy''s stale_after_days, else 90]')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 3 when one of these findings occurs')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Report only these findings (and those of --fail-on); fetches only what they need')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'What to audit: grant, request, credential (SAML credential authorizations, GitHub Enterprise Cloud), installation (installed Apps) [default: all four, and a listing GitHub cannot serve an organization is reported as not audited; a kind named here is an error then]; or, in a run of their own and without --org, site-token and site-key (every classic token and SSH key of a GitHub Enterprise Server instance; a site administrator''s token)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests to GitHub in flight at most')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Show `trace` instead: what a planted "leaked" token did in the demo''s organizations (exit status 3: it acted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;diff' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The report''s format [default: table on a terminal, json (lines) otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;revoke' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'An organization to act on (repeat, or separate with commas)')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'The GitHub App''s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Keep GitHub''s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The report''s format [default: table on a terminal, json (lines) otherwise]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for the findings, for reproducible plans [default: the current time]. Only to look: refused with --apply, which acts as of the current time')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Listing requests to GitHub in flight at most (the bulk calls go one at a time)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'What to revoke: grant (fine-grained token grants), credential (SAML credential authorizations, GitHub Enterprise Cloud; removed one call each), or without --org site-token or site-key (a GitHub Enterprise Server instance''s classic tokens or SSH keys, deleted one call each; a site administrator''s token)')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'Revoke grants (or credentials) with any of these findings')
            [CompletionResult]::new('--grant', '--grant', [CompletionResultType]::ParameterName, 'Revoke the grant with this id (`pat_id`; with --kind credential, the `credential_id`; repeat, or separate with commas)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A policy file: its thresholds apply to the findings; alone (without --finding or --grant), the grants that break its [grants] table (with --kind credential, the credentials that break its [credentials] table) are revoked')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, recorded in the report''s `message` (GitHub''s revoke call takes no reason)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, '`expiring`: the token expires at most DAYS days from now [default: the policy''s, else 14]')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, '`stale`/`never-used`: more than DAYS days ago [default: the policy''s, else 90]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('--all-installations', '--all-installations', [CompletionResultType]::ParameterName, 'Audit every organization the GitHub App is installed on (and those of --org)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Send the plan to GitHub (after confirmation); without it only the plan is printed')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --apply: do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;review' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'An organization to act on (repeat, or separate with commas)')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'The GitHub App''s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Keep GitHub''s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The report''s format [default: table on a terminal, json (lines) otherwise]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for the findings, for reproducible plans [default: the current time]. Only to look: refused with --apply, which acts as of the current time')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Listing requests to GitHub in flight at most (the bulk calls go one at a time)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'The policy file whose [[requests.deny]] and [[requests.approve]] rules decide')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('--all-installations', '--all-installations', [CompletionResultType]::ParameterName, 'Audit every organization the GitHub App is installed on (and those of --org)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Send the plan to GitHub (after confirmation); without it only the plan is printed')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --apply: do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;trace' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'An organization whose audit log is read (repeat, or separate with commas)')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'The GitHub App''s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The API root; https://HOST/api/v3 for GitHub Enterprise Server')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Keep GitHub''s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the tokens from FILE, one a line (blank lines and # comments are skipped)')
            [CompletionResult]::new('--hashed-token', '--hashed-token', [CompletionResultType]::ParameterName, 'Trace a token by its hash alone, as the audit log records it (SHA-256, base64; repeat, or separate with commas)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Events since this time (RFC 3339) or this many days ago')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for --since DAYS [default: the current time]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The report''s format [default: table on a terminal, json (lines) otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Also write every event as GitHub sent it, and the summary, to FILE (JSON)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Audit-log reads in flight at most')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('--all-installations', '--all-installations', [CompletionResultType]::ParameterName, 'Audit every organization the GitHub App is installed on (and those of --org)')
            [CompletionResult]::new('--token-stdin', '--token-stdin', [CompletionResultType]::ParameterName, 'Read the tokens from standard input, one a line (never from the command line)')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'After the trace, revoke the tokens with GitHub''s credential revocation API (after confirmation; sent without credentials)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --revoke: do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;contain' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The user whose access is cut (repeat, or separate with commas; at most 10)')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'An organization to act on (repeat, or separate with commas)')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'The GitHub App''s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Keep GitHub''s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The report''s format [default: table on a terminal, json (lines) otherwise]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for the findings, for reproducible plans [default: the current time]. Only to look: refused with --apply, which acts as of the current time')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Listing requests to GitHub in flight at most (the bulk calls go one at a time)')
            [CompletionResult]::new('--enterprise', '--enterprise', [CompletionResultType]::ParameterName, 'Revoke the SAML authorizations with one call for this enterprise (its slug) instead of one call per organization (GitHub Enterprise Cloud; needs an enterprise owner''s token)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('--all-installations', '--all-installations', [CompletionResultType]::ParameterName, 'Audit every organization the GitHub App is installed on (and those of --org)')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Also delete the users'' classic tokens and SSH keys on the instance, never deploy keys (GitHub Enterprise Server; the token must be a site administrator''s)')
            [CompletionResult]::new('--destroy-credentials', '--destroy-credentials', [CompletionResultType]::ParameterName, 'With --enterprise: destroy the credentials themselves (Enterprise Managed Users only); asks a second time')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Send the plan to GitHub (after confirmation); without it only the plan is printed')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --apply: do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;notify' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository the issues go in (OWNER/REPO; as a GitHub App, OWNER is an organization the App is installed on, with the repository permission `issues: write`)')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'An organization whose tokens are audited (repeat, or separate with commas)')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'The GitHub App''s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Keep GitHub''s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The report''s format [default: table on a terminal, json (lines) otherwise]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for the findings, for reproducible plans [default: the current time]. Only to look: refused with --apply, which acts as of the current time')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Listing requests to GitHub in flight at most (the writes go one at a time)')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'Tell the owners of tokens with any of these findings')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Whose tokens: grant (fine-grained token grants), credential (SAML credential authorizations, GitHub Enterprise Cloud) [default: both, credentials where GitHub lists them]')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'The label that marks pat-audit''s issues (created when the repository has none)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, '`expiring`: the token expires at most DAYS days from now [default: 14]')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, '`stale`/`never-used`: more than DAYS days ago [default: 90]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('--all-installations', '--all-installations', [CompletionResultType]::ParameterName, 'Audit every organization the GitHub App is installed on (and those of --org)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Send the plan to GitHub (after confirmation); without it only the plan is printed')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --apply: do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;serve' {
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'The policy file whose [[requests.deny]] and [[requests.approve]] rules decide')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address to listen on, e.g. 0.0.0.0:8080 (port 0 picks a free one)')
            [CompletionResult]::new('--webhook-secret-env', '--webhook-secret-env', [CompletionResultType]::ParameterName, 'The environment variable holding the webhook''s secret')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Act only on requests to these organizations (repeat, or separate with commas) [default: every organization that sends events]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'The GitHub App''s private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The API root; https://HOST/api/v3 for GitHub Enterprise Server, https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Keep GitHub''s answers in DIR (yours only: 0700) and ask again with conditional requests: an unchanged page costs no rate limit, and the report is the same')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The log''s format on stderr: json (one object per decision) or table (plain lines)')
            [CompletionResult]::new('--max-body-bytes', '--max-body-bytes', [CompletionResultType]::ParameterName, 'The largest webhook body accepted, in bytes (GitHub caps payloads at 25 MB)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Decide and log, but send nothing to GitHub')
            [CompletionResult]::new('--all-installations', '--all-installations', [CompletionResultType]::ParameterName, 'Audit every organization the GitHub App is installed on (and those of --org)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write every shell''s script into DIR instead (pat-audit.bash, _pat-audit, pat-audit.fish, _pat-audit.ps1)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write every page into DIR (pat-audit.1, pat-audit-audit.1, ...) instead of printing pat-audit.1 on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table and the progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the report (stdout) and errors (stderr): no progress bar, summary, warning or other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pat-audit;help' {
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Audit every fine-grained token with access to the organizations')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole audit against a built-in GitHub stand-in (no account needed)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two snapshots written by `audit --output`')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke grants by finding or id: print the plan, or send it with --apply')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Approve, deny or leave pending requests as the policy says: print the plan, or send it with --apply')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'What leaked tokens did in the organizations'' audit logs (GitHub Enterprise Cloud), and revoke them with --revoke')
            [CompletionResult]::new('contain', 'contain', [CompletionResultType]::ParameterValue, 'Cut everything of a person''s: their grants revoked, their requests denied, their SAML authorizations revoked; print the plan, or send it with --apply')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Tell token owners about their tokens'' findings, one issue each in a repository: print the plan, or write it with --apply')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Review requests the moment they arrive: a webhook receiver for `personal_access_token_request` events')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (or write every shell''s with --dir)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (or write every page, one per command, with --dir)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pat-audit;help;audit' {
            break
        }
        'pat-audit;help;demo' {
            break
        }
        'pat-audit;help;diff' {
            break
        }
        'pat-audit;help;revoke' {
            break
        }
        'pat-audit;help;review' {
            break
        }
        'pat-audit;help;trace' {
            break
        }
        'pat-audit;help;contain' {
            break
        }
        'pat-audit;help;notify' {
            break
        }
        'pat-audit;help;serve' {
            break
        }
        'pat-audit;help;completions' {
            break
        }
        'pat-audit;help;man' {
            break
        }
        'pat-audit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
