#!/usr/bin/env python3
"""Prints the README's table: each case as the spec says, as docseal judges
it and as bagit.py does. Usage: python3 table.py DOCSEAL BAGIT_PY [OLD_DOCSEAL]"""
import csv, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def docseal(binary, path):
    out = subprocess.run([binary, "verify", "--format", "json", path], capture_output=True, text=True)
    try:
        r = json.loads(out.stdout)["reports"][0]
    except Exception:
        return "error", ""
    warn = sorted({c["code"] for c in r["checks"] if c["status"] == "warn"})
    fail = sorted({c["code"] for c in r["checks"] if c["status"] == "fail"})
    v = "valid" if r["verdict"] == "valid-bag" else "invalid"
    if v == "valid" and warn:
        v = "valid, warns"
    return v, ", ".join(fail if fail else warn)


def bagit_py(binary, path):
    out = subprocess.run([binary, "--validate", path], capture_output=True, text=True)
    v = "valid" if out.returncode == 0 else "invalid"
    if v == "valid" and " - WARNING - " in out.stderr:
        v = "valid, warns"
    return v


rows = list(csv.DictReader(open(os.path.join(HERE, "cases.tsv")), delimiter="\t"))
old = sys.argv[3] if len(sys.argv) > 3 else None
print("| case | spec | expected | docseal | bagit.py |" + (" docseal before |" if old else ""))
print("| --- | --- | --- | --- | --- |" + (" --- |" if old else ""))
score = {"docseal": 0, "bagit.py": 0, "before": 0}
for r in rows:
    path = os.path.join(HERE, r["category"], r["case"])
    expected = {"valid": "valid", "invalid": "invalid", "warning": "valid, warns"}[r["category"]]
    d, codes = docseal(sys.argv[1], path)
    b = bagit_py(sys.argv[2], path)
    ok = lambda got: got == expected or (r["category"] == "valid" and got.startswith("valid"))
    score["docseal"] += not ok(d)
    score["bagit.py"] += not ok(b) and not (r["category"] == "warning" and b.startswith("valid"))
    line = f"| {r['category']}/{r['case']} | {r['spec']} | {expected}" + (f" ({r['code']})" if r["code"] else "")
    line += f" | {d}" + (f" ({codes})" if codes else "") + f" | {b}" + (" |" if not old else "")
    if old:
        o, _ = docseal(old, path)
        score["before"] += not ok(o)
        line += f" | {o} |"
    else:
        pass
    print(line)
print()
print(f"Judged against the spec (a warning case counts as right when the bag is accepted): "
      f"docseal wrong on {score['docseal']}, bagit.py on {score['bagit.py']}"
      + (f", docseal before this work on {score['before']}" if old else "") + f", of {len(rows)} cases.")
