#!/usr/bin/env python3
"""Download the Service Broker corpus listed in corpus.tsv (stdlib only).

Usage: tools/corpus/fetch.py [--tsv tools/corpus/corpus.tsv] [--out /tmp/corpus]

Each row of corpus.tsv is (repo, path, commit, local_name). The file is fetched
from raw.githubusercontent.com at the pinned commit and stored as
OUT/local_name (UTF-16 files are re-encoded as UTF-8). The texts are third-party
code: keep them outside the repository (default /tmp/corpus), never commit them.

Files that fail to download are reported and skipped; the exit code is 1 if
any failed.
"""
import argparse
import os
import sys
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def decode(b: bytes) -> str:
    if b.startswith(b"\xef\xbb\xbf"):
        return b[3:].decode("utf-8", "replace")
    if b.startswith(b"\xff\xfe"):
        return b[2:].decode("utf-16-le", "replace")
    if b.startswith(b"\xfe\xff"):
        return b[2:].decode("utf-16-be", "replace")
    return b.decode("utf-8", "replace")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tsv", default=os.path.join(HERE, "corpus.tsv"))
    ap.add_argument("--out", default="/tmp/corpus")
    ap.add_argument("--base", default="https://raw.githubusercontent.com",
                    help="raw-content base URL (for a mirror)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failed = 0
    with open(args.tsv, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    header, rows = rows[0], rows[1:]
    assert header[:4] == ["repo", "path", "commit", "local_name"], header
    for repo, path, commit, local in (r[:4] for r in rows):
        dest = os.path.join(args.out, local)
        if os.path.exists(dest):
            continue
        url = "/".join([args.base, repo, commit, urllib.parse.quote(path)])
        for attempt in range(3):
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    data = r.read()
                with open(dest, "w", encoding="utf-8") as out:
                    out.write(decode(data))
                break
            except Exception as e:  # noqa: BLE001 - report and continue
                if attempt == 2:
                    print(f"FAILED {repo} {path}: {e}", file=sys.stderr)
                    failed += 1
                else:
                    time.sleep(1 + attempt)
    print(f"{len(rows) - failed}/{len(rows)} files in {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
