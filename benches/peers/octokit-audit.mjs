// A straightforward audit with @octokit/rest, as teams write it: each
// organization in turn, its grants then its requests, page after page, the
// findings as JSON lines on stdout. benches/run.py times it against
// `pat-audit audit` on the same loopback stand-in.
// Usage: node octokit-audit.mjs BASE_URL NOW ORG [ORG ...]
import { Octokit } from "@octokit/rest";

const [baseUrl, nowText, ...orgs] = process.argv.slice(2);
const now = Date.parse(nowText);
const DAY = 86_400_000;
const expiringWithin = 14 * DAY;
const staleAfter = 90 * DAY;
const octokit = new Octokit({ auth: process.env.GITHUB_TOKEN ?? "bench", baseUrl, userAgent: "bench",
  log: { debug() {}, info() {}, warn() {}, error() {} } });

function findings(org, grant) {
  const out = [];
  const add = (finding, detail) => out.push({ org, kind: "grant", id: grant.id, token_id: grant.token_id,
    token_name: grant.token_name, owner: grant.owner.login, finding, detail });
  const expires = grant.token_expires_at ? Date.parse(grant.token_expires_at) : null;
  if (expires !== null && expires <= now) add("expired", `expired ${grant.token_expires_at}`);
  else if (expires !== null && expires <= now + expiringWithin) add("expiring", `expires ${grant.token_expires_at}`);
  else if (expires === null) add("no-expiry", "the token never expires");
  const used = grant.token_last_used_at ? Date.parse(grant.token_last_used_at) : null;
  if (used === null && Date.parse(grant.access_granted_at) < now - staleAfter) add("never-used", "never used");
  if (used !== null && used < now - staleAfter) add("stale", `last used ${grant.token_last_used_at}`);
  if (grant.repository_selection === "all") add("all-repositories", "every repository");
  const levels = Object.entries(grant.permissions ?? {}).flatMap(([scope, perms]) =>
    Object.entries(perms ?? {}).map(([name, level]) => [`${scope}.${name}`, level]));
  for (const level of ["write", "admin"]) {
    const names = levels.filter(([, l]) => l === level).map(([n]) => n);
    if (names.length) add(`${level}-access`, `${level}: ${names.join(", ")}`);
  }
  return out;
}

for (const org of orgs) {
  for await (const { data } of octokit.paginate.iterator("GET /orgs/{org}/personal-access-tokens", { org, per_page: 100 })) {
    process.stdout.write(data.flatMap((g) => findings(org, g)).map((f) => JSON.stringify(f) + "\n").join(""));
  }
  for await (const { data } of octokit.paginate.iterator("GET /orgs/{org}/personal-access-token-requests", { org, per_page: 100 })) {
    process.stdout.write(data.map((r) => JSON.stringify({ org, kind: "request", id: r.id, token_id: r.token_id,
      token_name: r.token_name, owner: r.owner.login, finding: "pending-request", detail: `requested ${r.created_at}` }) + "\n").join(""));
  }
}
