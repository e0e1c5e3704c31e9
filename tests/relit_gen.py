#!/usr/bin/env python3
"""relit_gen.py - are the prefilter's regex literals sound? (tests/relit.sh)

usage: relit_gen.py RELIT_LITS CORPUS_DIR

Every `|re` value of the corpus's rules goes through RELIT_LITS (the
literals backends/c_relit.c finds). For each regex with literals, strings
are generated from its syntax tree (Python's parser of the same
dialect), padded with noise; each one the regex matches (Python's re), if
ASCII, must contain one of the literals, ASCII lower-cased, or the
generated matcher's prefilter would skip a rule that matches: a missed
detection. Prints a summary; exit 1 on any such string, or when too few
strings were checked for the test to mean anything.
"""
import glob
import random
import re
import subprocess
import sys

try:
    import re._constants as C
    import re._parser as sp
except ImportError:  # Python < 3.11
    import sre_constants as C
    import sre_parse as sp

MIN_CHECKED = 10000
TRIES = 200

SAMPLE = {C.CATEGORY_DIGIT: "0123456789", C.CATEGORY_WORD: "abcXYZ_019",
          C.CATEGORY_SPACE: " \t\n", C.CATEGORY_NOT_DIGIT: "aZ_ -",
          C.CATEGORY_NOT_WORD: " -.\\/", C.CATEGORY_NOT_SPACE: "aZ09-_"}
NOISE = "aZ09 -_/.\\:"


def corpus_regexes(root):
    """(flags, pattern) of every `FIELD|re...: value` (and list items)."""
    out = []
    key = re.compile(r"\s*-?\s*[\w.-]+\|re((?:\|\w+)*):\s*(.*)$")
    for path in sorted(glob.glob(root + "/rules*/**/*.yml", recursive=True)):
        lines = open(path, encoding="utf-8").read().split("\n")
        for i, line in enumerate(lines):
            m = key.match(line)
            if not m:
                continue
            flags = "i" if "|i" in m.group(1) else "-"
            vals = [m.group(2).strip()] if m.group(2).strip() else []
            j = i + 1
            while not m.group(2).strip() and j < len(lines) and re.match(r"\s+- ", lines[j]):
                vals.append(lines[j].strip()[2:])
                j += 1
            for v in vals:
                if len(v) >= 2 and v[0] == v[-1] == "'":
                    out.append((flags, v[1:-1].replace("''", "'")))
                elif v and v[0] not in "\"'|>":
                    out.append((flags, v))
    return list(dict.fromkeys(out))


def gen(tree):
    """A random string the tree matches (most of the time)."""
    s = ""
    for op, av in tree:
        if op == C.LITERAL:
            s += chr(av)
        elif op == C.NOT_LITERAL:
            s += random.choice([c for c in NOISE if ord(c) != av])
        elif op == C.ANY:
            s += random.choice(NOISE)
        elif op == C.IN:
            cands, neg = [], False
            for o, a in av:
                if o == C.NEGATE:
                    neg = True
                elif o == C.LITERAL:
                    cands.append(chr(a))
                elif o == C.RANGE:
                    cands.append(chr(random.randint(a[0], min(a[1], a[0] + 50))))
                elif o == C.CATEGORY:
                    cands += list(SAMPLE.get(a, "a"))
            pool = [c for c in NOISE if c not in cands] if neg else cands
            s += random.choice(pool) if pool else "q"
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            lo, hi, sub = av
            for _ in range(random.randint(lo, min(hi, lo + 3))):
                s += gen(sub)
        elif op == C.SUBPATTERN:
            s += gen(av[-1])
        elif op == C.BRANCH:
            s += gen(random.choice(av[1]))
        elif op != C.AT:
            raise ValueError(op)  # lookaround, backreferences: not generated
    return s


def main():
    lits_prog, root = sys.argv[1], sys.argv[2]
    random.seed(20261126)
    rx = corpus_regexes(root)
    text = "".join("%s %s\n" % (f, p) for f, p in rx)
    run = subprocess.run([lits_prog], input=text.encode(), capture_output=True)
    if run.returncode != 0:
        print("relit_lits failed: exit %d" % run.returncode)
        return 1
    found = run.stdout.decode().split("\n")
    with_lits = checked = bad = 0
    for (flags, pat), line in zip(rx, found):
        lits = [x for x in line.split("\x1f") if x]
        if not lits:
            continue
        with_lits += 1
        try:
            tree = sp.parse(pat, re.I if flags == "i" else 0)
            regex = re.compile(pat, re.I if flags == "i" else 0)
        except Exception:
            continue  # a construct Python's re lacks
        for _ in range(TRIES):
            try:
                s = "Xx " + gen(tree) + " yY"
            except ValueError:
                break
            if not s.isascii() or not regex.search(s):
                continue
            checked += 1
            if not any(lit in s.lower() for lit in lits):
                bad += 1
                if bad <= 10:
                    print("UNSOUND: %r (%s) literals %r, yet it matches %r" % (pat, flags, lits, s))
    print("%d corpus regexes, %d with literals; %d matching strings checked, %d without a literal"
          % (len(rx), with_lits, checked, bad))
    if checked < MIN_CHECKED:
        print("too few strings checked (at least %d wanted)" % MIN_CHECKED)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
