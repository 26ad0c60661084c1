// Runs the graded relevance suite (tests/relevance/graded.tsv) against a
// Pagefind index of the rendered pages, and prints the same measures as
// `cargo test --test relevance_graded` does for Waymark.
//
//   node bench/relevance/pagefind.mjs SITE_DIR tests/relevance/graded.tsv
//
// SITE_DIR is what `waymark-bench render` wrote and `pagefind --site`
// indexed. Pagefind's search runs in Node: its browser module is imported
// from SITE_DIR/pagefind, and its fetches of index files read from disk.
import { readFile } from "node:fs/promises";
import { pathToFileURL, fileURLToPath } from "node:url";
import path from "node:path";

const [site, suite] = process.argv.slice(2);
if (!site || !suite) {
  console.error("usage: node pagefind.mjs SITE_DIR SUITE_TSV");
  process.exit(2);
}

const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input.url ?? String(input);
  if (url.startsWith("file:")) {
    const bytes = await readFile(fileURLToPath(url));
    const type = url.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
    return new Response(bytes, { headers: { "content-type": type } });
  }
  return realFetch(input, init);
};

const bundle = pathToFileURL(path.resolve(site, "pagefind") + "/").href;
const pagefind = await import(bundle + "pagefind.js");
await pagefind.options({ basePath: bundle });
await pagefind.init();

// The suite's format: group, query, slug=grade list; a bare slug is a strategy.
const cases = (await readFile(suite, "utf8"))
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"))
  .map((l) => {
    const [group, q, judged = ""] = l.split("\t");
    const grades = new Map();
    for (const item of judged.split(",").filter(Boolean)) {
      const [slug, grade] = item.split("=");
      grades.set(slug.includes("/") ? slug : `strategies/${slug}`, Number(grade));
    }
    return { group, q, grades };
  });

// A result's address holds the site folder's path, then the page's slug.
const root = path.resolve(site) + "/";
const slugOf = (url) => {
  const at = url.indexOf(root);
  const p = at >= 0 ? url.slice(at + root.length) : url.replace(/^\//, "");
  return p.replace(/\/?index\.html$/, "").replace(/\/$/, "");
};

const dcg = (gains) => gains.reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);

const groups = new Map();
const rows = [];
for (const c of cases) {
  const found = await pagefind.search(c.q);
  const top = [];
  for (const r of found.results.slice(0, 5)) {
    const data = await r.data();
    top.push(slugOf(data.url));
  }
  const gains = top.map((s) => c.grades.get(s) ?? 0);
  const ideal = [...c.grades.values()].sort((a, b) => b - a).slice(0, 5);
  const answerable = [...c.grades.values()].includes(2);
  const ndcg = ideal.length === 0 ? (found.results.length === 0 ? 1 : 0) : dcg(gains) / dcg(ideal);
  const row = {
    group: c.group,
    q: c.q,
    answerable,
    s1: answerable && gains[0] === 2,
    s5: answerable && gains.includes(2),
    ndcg,
    zero: found.results.length === 0,
    top,
  };
  rows.push(row);
  for (const key of [c.group, "all"]) {
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
}

const line = (name, rs) => {
  const ans = rs.filter((r) => r.answerable);
  const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return `${name}\t${rs.length}\t${ans.length}\t${mean(ans.map((r) => +r.s1)).toFixed(3)}\t${mean(
    ans.map((r) => +r.s5),
  ).toFixed(3)}\t${mean(rs.map((r) => r.ndcg)).toFixed(3)}\t${rs.filter((r) => r.zero).length}`;
};
console.log("group\tqueries\twith a right page\tsuccess@1\tsuccess@5\tnDCG@5\tzero results");
for (const [name, rs] of groups) console.log(line(name, rs));
if (process.env.VERBOSE) for (const r of rows) console.log(`${r.group}\t${r.q}\t${r.ndcg.toFixed(2)}\t${r.top.join(" ")}`);
