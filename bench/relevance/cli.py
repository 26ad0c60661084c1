#!/usr/bin/env python3
"""Runs the graded relevance suite through a `waymark` binary's
`search --json` and prints the measures tests/relevance_graded.rs prints,
so a build from before a change can be measured the same way:

    python3 bench/relevance/cli.py BINARY CONTENT tests/relevance/graded.tsv
"""
import json
import math
import subprocess
import sys
from collections import defaultdict

binary, content, suite = sys.argv[1:4]
rows = defaultdict(lambda: defaultdict(float))


def dcg(gains):
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


for line in open(suite, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    group, q, *rest = line.rstrip("\n").split("\t")
    grades = {}
    for item in filter(None, (rest[0] if rest else "").split(",")):
        slug, grade = item.split("=")
        grades[slug if "/" in slug else "strategies/" + slug] = int(grade)
    out = subprocess.run([binary, "search", "--json", "--content", content, q],
                         capture_output=True, text=True, check=True).stdout
    answer = json.loads(out)
    top = [r["slug"] for r in answer["results"][:5]]
    gains = [grades.get(s, 0) for s in top]
    ideal = sorted(grades.values(), reverse=True)[:5]
    answerable = 2 in grades.values()
    found = 0 if answer.get("partial") else answer["total"]
    ndcg = (1.0 if found == 0 else 0.0) if not ideal else dcg(gains) / dcg(ideal)
    for key in (group, "all"):
        r = rows[key]
        r["queries"] += 1
        r["answerable"] += answerable
        r["s1"] += answerable and bool(gains) and gains[0] == 2
        r["s5"] += answerable and 2 in gains
        r["ndcg"] += ndcg
        r["zero"] += answer["total"] == 0

print("group\tqueries\twith a right page\tsuccess@1\tsuccess@5\tnDCG@5\tzero results")
for name in sorted(rows):
    r = rows[name]
    a = max(r["answerable"], 1)
    print(f"{name}\t{int(r['queries'])}\t{int(r['answerable'])}\t{r['s1']/a:.3f}\t"
          f"{r['s5']/a:.3f}\t{r['ndcg']/r['queries']:.3f}\t{int(r['zero'])}")
