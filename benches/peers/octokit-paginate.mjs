// Lists every grant with @octokit/rest's paginate from a loopback server;
// prints the wall time of each run in seconds. Usage: node octokit-paginate.mjs BASE_URL RUNS EXPECTED
import { Octokit } from "@octokit/rest";

const [baseUrl, runs = "10", expected = "10000"] = process.argv.slice(2);
const octokit = new Octokit({ auth: "bench", baseUrl, userAgent: "bench", log: { debug() {}, info() {}, warn() {}, error() {} } });
const times = [];
for (let i = 0; i < Number(runs) + 1; i++) {
  const start = performance.now();
  const grants = await octokit.paginate("GET /orgs/{org}/personal-access-tokens", { org: "acme", per_page: 100 });
  const seconds = (performance.now() - start) / 1000;
  if (grants.length !== Number(expected)) throw new Error(`got ${grants.length} grants`);
  if (i > 0) times.push(seconds); // the first run warms up
}
console.log(JSON.stringify({ peer: "@octokit/rest paginate", seconds: times }));
