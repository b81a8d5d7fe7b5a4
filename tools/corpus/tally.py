#!/usr/bin/env python3
"""Summarize measure.sh results: rates and top failure causes.

Usage: tools/corpus/tally.py OUT_DIR [CORPUS_DIR]
(reads parse.tsv, parse.tsv.batches.tsv, run.tsv; CORPUS_DIR lets it tell
"object created by another script" apart from "creation failed earlier")

Runtime errors of each file are classified as
  parse        the CLI reported a syntax error (see the parse table)
  unsupported  the engine rejects a statement/feature (Msg 40000, 2211)
  system       a missing system view / procedure (sys.*, sp_*)
  external     the script uses a database/object it does not create itself
               (part of a multi-file project, or DROP without IF EXISTS)
  cascade      the object is created in the script, but that creation failed
  other        anything else (runtime semantics)
A file is "self-contained" when none of its errors is `external`.
"""
import collections
import os
import re
import sys


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    head = lines[0]
    return [dict(zip(head, l + [""] * (len(head) - len(l)))) for l in lines[1:]]


def parse_cause(err, line):
    """Groups a parse error into a cause an engineer can act on."""
    err = re.sub(r"^line \d+: ", "", err)
    u = line.upper()
    m = re.search(r"near (?:the keyword )?'([^']*)'", err)
    near = m.group(1) if m else ""
    if near.upper() == "WAITFOR":
        return "WAITFOR (RECEIVE ...) after a statement not ended by ';' (e.g. BEGIN TRANSACTION)"
    if near.upper() == "ASSEMBLY":
        return "CREATE/ALTER ASSEMBLY (SQLCLR) not parsed"
    if near.upper() == "EXTERNAL":
        return "CREATE PROCEDURE ... AS EXTERNAL NAME (SQLCLR) not parsed"
    if near.startswith("@") and re.search(r"MESSAGE\s+TYPE", u):
        return "SEND ... MESSAGE TYPE @variable not parsed"
    if near.startswith("@") and re.search(r"\bSERVICE\b|\bCONTRACT\b", u):
        return "BEGIN DIALOG FROM SERVICE @var / ON CONTRACT @var not parsed"
    if near.upper() == "VALID_XML":
        return "CREATE MESSAGE TYPE ... VALIDATION = VALID_XML WITH SCHEMA COLLECTION not parsed"
    if near.upper() in ("HTTP", "DATABASE_MIRRORING", "SERVICE_BROKER") or "ENDPOINT" in u:
        return "CREATE ENDPOINT ... AS HTTP / FOR DATABASE_MIRRORING not parsed"
    if near.upper() == "ADD" and "SIGNATURE" in u:
        return "ADD SIGNATURE TO ... BY CERTIFICATE not parsed"
    if near.upper() in ("LOG", "DATABASE") and "BACKUP" in u or "RESTORE" in u:
        return "BACKUP/RESTORE DATABASE|LOG not parsed"
    if "<" in near:
        return "SSMS template parameter <name, type, value> (not T-SQL; expected failure)"
    if "{" in line and "}" in line:
        return "String.Format placeholder {0} in script (not T-SQL; expected failure)"
    return f"{err} [{line[:60]}]"


def run_cause(row):
    if row["status"] == "TIMEOUT":
        return "timeout (script blocks, e.g. WAITFOR (RECEIVE) without TIMEOUT on an empty queue)"
    if row["status"] == "CRASH":
        return f"crash/exit {row['exit_code']}: {row['stderr'][:80]}"
    text = row["first_error_text"]
    num = row["first_error_number"]
    if not text:
        return f"exit {row['exit_code']} without error row: {row['stderr'][:80]}"
    # Keep the statement/feature words, blank out object names and numbers.
    t = re.sub(r"'[^']*'", "'…'", text)
    t = re.sub(r"\b\d+\b", "N", t)
    return f"Msg {num}: {t}"


def classify(err, text):
    """(class, cause) for one runtime error "NUM: text" of a file with source `text`."""
    num, _, msg = err.partition(": ")
    m = re.search(r"['\"]([^'\"]*)['\"]", msg)
    name = m.group(1) if m else ""
    if num == "40000" and re.search(r"CreateAssembly|AlterAssembly|CLR procedures", msg):
        if text and re.search(r"CREATE\s+ASSEMBLY\s+\S+\s+(AUTHORIZATION\s+\S+\s+)?FROM\s+'", text, re.I):
            return "external", "SQLCLR: the assembly is a .NET DLL built outside the script (and sbroker hosts no CLR)"
    if num == "137":
        var = re.search(r'"(@\w+)"', msg)
        # Declarations inside string literals (dynamic SQL) are another scope.
        code = re.sub(r"N?'(?:[^']|'')*'", "''", text or "")
        if var and code and not re.search(r"(DECLARE|,)\s*" + re.escape(var.group(1)) + r"\s+(AS\s+)?[A-Za-z]", code, re.I):
            return "external", "Msg 137: a parameter the calling program supplies (never declared in the script)"
    if num == "15208" and text:
        reads = {m.lower() for m in re.findall(r"FROM\s+FILE\s*=\s*N?'([^']*)'", text, re.I)}
        writes = {m.lower() for m in re.findall(r"TO\s+FILE\s*=\s*N?'([^']*)'", text, re.I)}
        if reads - writes:
            return "external", "Msg 15208: certificate file exported by another script or instance"
    if num == "2211" and name and text and not re.search(
            r"CREATE\s+XML\s+SCHEMA\s+COLLECTION\s+([\[\w\]]+\.)*\[?" + re.escape(name) + r"(?![\w])", text, re.I):
        return "external", "Msg 2211: XML schema collection created by another script"
    if num == "8197" and "%" in name:
        return "external", "template placeholder (%Name%) the generating program replaces"
    if num in ("102", "156", "105", "113"):
        return "parse", "syntax error: " + msg
    if num == "40000" or num == "2211":
        if num == "2211":
            return "unsupported", "CREATE MESSAGE TYPE ... VALIDATION = VALID_XML WITH SCHEMA COLLECTION"
        return "unsupported", msg.replace(" is not supported by this version of sbroker.", "")
    if num in ("208", "2812") and re.match(r"(\w+\.)?(sys|INFORMATION_SCHEMA)\.|sp_", name, re.I):
        return "system", f"Msg {num}: missing system object {name}"
    if num in ("911", "5011"):
        if text and re.search(r"CREATE\s+DATABASE\s+\[?" + re.escape(name) + r"(?![\w])", text, re.I):
            return "cascade", f"Msg {num}: database created in the script but USE failed"
        return "external", f"Msg {num}: database not created by this script"
    if num == "3701":
        return "external", "Msg 3701: DROP of an object the script never created (no IF EXISTS)"
    if num in ("208", "2812", "8428", "8423", "8425", "15151"):
        last = name.strip("[]").split(".")[-1].strip("[]")
        pat = (r"CREATE\s+(OR\s+ALTER\s+)?\w+(\s+(TYPE|KEY))?\s+([\[\w\]]+\.)*\[?"
               + re.escape(last) + r"(?![\w])")
        if text and re.search(pat, text, re.I):
            return "cascade", f"Msg {num}: object created in the script, but its creation failed"
        return "external", f"Msg {num}: object not created by this script"
    t = re.sub(r"\b\d+\b", "N", msg)
    return "other", f"Msg {num}: {t}"


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "n/a"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/corpus-results"
    corpus = sys.argv[2] if len(sys.argv) > 2 else ""
    parse = read_tsv(os.path.join(out, "parse.tsv"))
    batches = read_tsv(os.path.join(out, "parse.tsv.batches.tsv"))
    run = read_tsv(os.path.join(out, "run.tsv"))
    if parse:
        ok = sum(r["status"] == "OK" for r in parse)
        nb = sum(int(r["batches"] or 0) for r in parse)
        nbo = sum(int(r["batches_ok"] or 0) for r in parse)
        print(f"PARSE files {ok}/{len(parse)} ({pct(ok, len(parse))}); "
              f"batches {nbo}/{nb} ({pct(nbo, nb)})")
        by_file = collections.Counter()
        by_batch = collections.Counter()
        examples = {}
        for r in parse:
            if r["status"] != "OK":
                c = parse_cause(r["error"], r["error_line_text"])
                by_file[c] += 1
                examples.setdefault(c, f"{r['file']}: {r['error']}")
        for r in batches:
            c = parse_cause(r["error"], r["error_line_text"])
            by_batch[c] += 1
        print("\nParse failure causes (files whose FIRST error is this / failing batches):")
        for c, n in sorted(by_batch.items(), key=lambda x: (-by_file[x[0]], -x[1])):
            print(f"  {by_file[c]:4d} {n:4d}  {c}")
            if c in examples:
                print(f"             e.g. {examples[c][:160]}")
    if run:
        ok = sum(r["status"] == "OK" for r in run)
        print(f"\nRUN files {ok}/{len(run)} ({pct(ok, len(run))}) exit 0; "
              + ", ".join(f"{k} {v}" for k, v in
                          collections.Counter(r["status"] for r in run).most_common()))
        causes = collections.Counter()
        examples = {}
        for r in run:
            if r["status"] == "OK":
                continue
            c = run_cause(r)
            causes[c] += 1
            examples.setdefault(c, f"{r['file']}: {r['first_error_text'] or r['stderr']}")
        print("\nRun failure causes (first error of each failing file):")
        for c, n in causes.most_common():
            print(f"  {n:4d}  {c}")
            print(f"        e.g. {examples[c][:160]}")
        # All errors of each file, classified.
        files_by_cause = collections.Counter()
        class_of = {}
        self_contained = 0
        sc_ok = 0
        file_classes = collections.Counter()
        for r in run:
            text = ""
            if corpus:
                try:
                    with open(os.path.join(corpus, r["file"]), encoding="utf-8", errors="replace") as f:
                        text = f.read()
                except OSError:
                    pass
            errs = [e for e in r.get("all_errors", "").split(" || ") if e]
            seen = set()
            classes = set()
            for e in errs:
                k, c = classify(e, text)
                classes.add(k)
                if (k, c) not in seen:
                    seen.add((k, c))
                    files_by_cause[(k, c)] += 1
            if r["status"] == "TIMEOUT":
                classes.add("other")
                files_by_cause[("other", "timeout (blocking WAITFOR without TIMEOUT)")] += 1
            for k in classes:
                file_classes[k] += 1
            if "external" not in classes:
                self_contained += 1
                if r["status"] == "OK":
                    sc_ok += 1
        print(f"\nSELF-CONTAINED files (no `external` error): {self_contained}; "
              f"of these run without error: {sc_ok}/{self_contained} ({pct(sc_ok, self_contained)})")
        print("Files with at least one error of class: "
              + ", ".join(f"{k} {v}" for k, v in file_classes.most_common()))
        print("\nAll runtime errors, classified (number of files affected):")
        for (k, c), n in files_by_cause.most_common():
            print(f"  {n:4d}  [{k}] {c}")


if __name__ == "__main__":
    main()
