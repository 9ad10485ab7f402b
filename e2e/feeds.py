"""Reads a built site's feeds as a feed reader does, with feedparser, and
prints what it found as JSON: per feed, its entries with their title,
authors and every link in their content as feedparser resolved it.

Usage: python3 feeds.py FEED_FILE FEED_URL...  (pairs: the file on disk
and the address it is served at, which relative links resolve against).
"""

import json
from html import unescape
import re
import sys

import feedparser

HREF = re.compile(r'href="([^"]*)"')
TAG = re.compile(r"<[^>]*>")


def read(path, url):
    with open(path, "rb") as f:
        data = f.read()
    # As fetched from `url`: relative links resolve against it, or against
    # the base the feed gives (xml:base).
    d = feedparser.parse(data, response_headers={"content-location": url, "content-type": _type(path)})
    entries = []
    for e in d.entries:
        html = "".join(c.value for c in e.get("content", []))
        entries.append(
            {
                "title": e.get("title"),
                "link": e.get("link"),
                "authors": [a.get("name") for a in e.get("authors", [])],
                "links": HREF.findall(html),
                # What a reader sees: the content's text, its markup gone.
                "text": unescape(TAG.sub("", html)),
            }
        )
    return {"url": url, "version": d.version, "bozo": bool(d.bozo), "entries": entries}


def _type(path):
    return "application/feed+json" if path.endswith(".json") else "application/atom+xml"


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps([read(args[i], args[i + 1]) for i in range(0, len(args), 2)]))
