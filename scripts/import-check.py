"""Checks a blog imported by `story import` against the site `story build`
made of it: every code block, table cell and heading (section or
sub-heading) of every imported story must be in its built page, as text.

Usage: python3 scripts/import-check.py BUNDLES SITE
  BUNDLES: the folder `story import ... --out BUNDLES` wrote;
  SITE: the folder `story build BUNDLES --out SITE` wrote.
Prints the counts found and missing; exits 1 when anything is missing.
"""

import json
import os
import sys
from html.parser import HTMLParser


def plain(inline):
    if isinstance(inline, str):
        return inline
    return "".join(r if isinstance(r, str) else r["text"] for r in inline)


def norm(s):
    return " ".join(s.split())


class Page(HTMLParser):
    """The text of each <pre>, <td>/<th> and <h2>-<h4> of a page's article."""

    WATCH = {"pre": "code", "td": "cells", "th": "cells", "h2": "headings", "h3": "headings", "h4": "headings"}

    def __init__(self):
        super().__init__()
        self.found = {"code": [], "cells": [], "headings": []}
        self.open = []  # (tag, kind, text parts)

    def handle_starttag(self, tag, attrs):
        if tag in self.WATCH:
            self.open.append((tag, self.WATCH[tag], []))

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            _, kind, parts = self.open.pop()
            self.found[kind].append("".join(parts))

    def handle_data(self, data):
        for _, _, parts in self.open:
            parts.append(data)


def expected(story):
    want = {"code": [], "cells": [], "headings": []}
    for s in story["sections"]:
        if s.get("heading"):
            want["headings"].append(s["heading"])
        for b in s["blocks"]:
            if not isinstance(b, dict):
                continue
            t = b.get("type")
            if t == "code":
                want["code"].append(b["text"])
            elif t == "heading":
                want["headings"].append(b["text"])
            elif t == "table":
                for row in [b.get("header", [])] + b["rows"]:
                    want["cells"].extend(plain(c) for c in row)
    return want


def main(bundles, site):
    totals = {"code": 0, "cells": 0, "headings": 0}
    missing = []
    stories = 0
    for folder in sorted(os.listdir(bundles)):
        path = os.path.join(bundles, folder, "story.json")
        if not os.path.isfile(path):
            continue
        stories += 1
        with open(path, encoding="utf-8") as f:
            story = json.load(f)
        page = Page()
        with open(os.path.join(site, folder, "index.html"), encoding="utf-8") as f:
            page.feed(f.read())
        for kind, items in expected(story).items():
            found = [norm(x) for x in page.found[kind]] if kind != "code" else page.found[kind]
            for item in items:
                totals[kind] += 1
                item = item if kind == "code" else norm(item)
                if item not in found:
                    missing.append(f"{folder}: {kind}: {item[:80]!r}")
    print(f"{stories} stories: {totals['code']} code blocks, {totals['cells']} table cells, "
          f"{totals['headings']} headings; missing from the built pages: {len(missing)}")
    for m in missing[:20]:
        print("  " + m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
