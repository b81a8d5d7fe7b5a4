#!/usr/bin/env bash
# Measures how much of a directory of .sql files sbroker can parse and run.
#
# Usage: tools/corpus/measure.sh CORPUS_DIR [OUT_DIR]
#
#   CORPUS_DIR  directory of .sql files (e.g. /tmp/corpus from fetch.py)
#   OUT_DIR     results (default /tmp/corpus-results):
#                 parse.tsv              one row per file (OK/FAIL, first parse error)
#                 parse.tsv.batches.tsv  every batch that fails to parse
#                 run.tsv                one row per file: exit code, first runtime error
#                 summary.txt            rates and top failure causes (tally.py)
#
# Environment:
#   CARGO_TARGET_DIR  where cargo builds (default: target)
#   SBROKER_BIN       CLI binary to use (default: $CARGO_TARGET_DIR/debug/sbroker, built if missing)
#   RUN_TIMEOUT       seconds per script for the run check (default 20; WAITFOR
#                     without TIMEOUT on an empty queue blocks forever)
#   SKIP_PARSE / SKIP_RUN  set to 1 to skip a step
set -euo pipefail

corpus=${1:?usage: measure.sh CORPUS_DIR [OUT_DIR]}
out=${2:-/tmp/corpus-results}
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tools/corpus
corpus=$(cd "$corpus" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
timeout_s=${RUN_TIMEOUT:-20}

# (a) parse check: ignored test in sbroker-tsql.
if [[ "${SKIP_PARSE:-0}" != 1 ]]; then
    (cd "$root" && SBROKER_CORPUS_DIR="$corpus" SBROKER_CORPUS_OUT="$out/parse.tsv" \
        CARGO_TARGET_DIR="$target" cargo test -q -p sbroker-tsql --test corpus_parse \
        -- --ignored --nocapture) | grep -E '^(FAIL|SUMMARY)' || true
fi

# (b) run check: the CLI on each file, fresh data directory each time.
if [[ "${SKIP_RUN:-0}" != 1 ]]; then
    bin=${SBROKER_BIN:-$target/debug/sbroker}
    if [[ ! -x "$bin" ]]; then
        (cd "$root" && CARGO_TARGET_DIR="$target" cargo build -q -p sbroker)
    fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    printf 'file\texit_code\tstatus\terrors\tfirst_error_number\tfirst_error_text\tstderr\tall_errors\n' > "$out/run.tsv"
    for f in "$corpus"/*.sql; do
        name=$(basename "$f")
        rm -rf "$tmp/data"
        set +e
        timeout "$timeout_s" "$bin" run --format json --data "$tmp/data" "$f" \
            > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
        rc=$?
        set -e
        python3 - "$name" "$rc" "$tmp/stdout" "$tmp/stderr" >> "$out/run.tsv" <<'PY'
import json, sys
name, rc, so, se = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
errs = []
for line in open(so, encoding="utf-8", errors="replace"):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if isinstance(o, dict) and "error" in o:
        errs.append(o["error"])
stderr = open(se, encoding="utf-8", errors="replace").read().strip().splitlines()
status = "OK" if rc == 0 else "TIMEOUT" if rc == 124 else "FAIL" if rc == 1 else "CRASH"
clean = lambda s: " ".join(str(s).split())
first = errs[0] if errs else {}
distinct = []
for e in errs:
    k = f"{e.get('number', '')}: {clean(e.get('text', ''))}"
    if k not in distinct:
        distinct.append(k)
print("\t".join([name, str(rc), status, str(len(errs)), str(first.get("number", "")),
                 clean(first.get("text", "")), clean(stderr[0] if stderr else "")[:300],
                 " || ".join(distinct[:20])]))
PY
    done
fi

python3 "$here/tally.py" "$out" "$corpus" | tee "$out/summary.txt"
