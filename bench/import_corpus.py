#!/usr/bin/env python3
"""For each corpus statement (tests/data/corpus), what `docseal import`
gives with one or two builds of docseal, against the statement's notes:
parties, date, numbered paragraphs, and whether the result validates.

    python3 bench/import_corpus.py target/release/docseal [BEFORE_BINARY]

Prints a Markdown table (✔ where the result is what the notes say)."""
import glob, json, os, subprocess, sys, tempfile

def numbered(statement):
    body = statement.get("body", [])
    return sum(1 for b in body if b.get("kind") == "paragraph" and "label" in b
               and not (isinstance(b.get("parent"), int) and body[b["parent"]].get("kind") == "annex"))

def run(binary, txt, meta):
    args = [binary, "import", txt]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode == 1:
        p = subprocess.run(args + ["--date", meta["date"]], capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["?"])[0][:60]}
    s = json.loads(p.stdout)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(s, f)
    v = subprocess.run([binary, "validate", f.name], capture_output=True, text=True)
    os.unlink(f.name)
    date = s.get("date") or {}
    occasion = s.get("occasion") or {}
    start = date.get("start", "—")
    return {
        "parties": len(s.get("parties", [])),
        "date": start,
        # As the corpus test: an inferred date may be any day of the dated
        # occasion that contains the notes' day.
        "span": (occasion.get("start", start), occasion.get("end", start)) if "inferred" in date else (start, start),
        "paragraphs": numbered(s),
        "valid": v.returncode == 0,
    }

def cell(r, meta):
    if "error" in r:
        return f"error: {r['error']}"
    want_p = len(meta["parties"])
    want_n = meta.get("paragraph_count")
    if want_n is None and meta.get("numbered_paragraphs") is False:
        want_n = 0
    ok = lambda good: "✔" if good else "✘"
    return (f"{r['parties']} {ok(r['parties'] == want_p)} · {r['date']} {ok(r['date'] == meta['date'] or r['span'][0] <= meta['date'] <= r['span'][1])}"
            f" · {r['paragraphs']} {ok(want_n is None or r['paragraphs'] == want_n)} · {'valid' if r['valid'] else 'INVALID'}")

binaries = sys.argv[1:]
root = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "corpus")
heads = ["statement", "notes: parties · date · paragraphs"] + [f"`{b}`" for b in binaries]
print("| " + " | ".join(heads) + " |")
print("|" + "---|" * len(heads))
for note in sorted(glob.glob(os.path.join(root, "*.meta.json"))):
    meta = json.load(open(note))
    txt = note.replace(".meta.json", ".txt")
    name = os.path.basename(txt)[:-4]
    cells = [cell(run(b, txt, meta), meta) for b in binaries]
    print(f"| {name} | {len(meta['parties'])} · {meta['date']} · {meta.get('paragraph_count', '—')} | " + " | ".join(cells) + " |")
