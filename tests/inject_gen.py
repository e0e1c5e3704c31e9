#!/usr/bin/env python3
"""inject_gen.py - values that try to escape their literal, as Sigma rules,
and the checks that they did not (tests/inject.sh runs it).

  inject_gen.py gen OUTDIR            rules, expectations and C events
  inject_gen.py spl OUTDIR TOKENS     check spl_lint --tokens output
  inject_gen.py kql OUTDIR LITERALS   check inject_kql.js output
  inject_gen.py suricata OUTDIR RULES check the content/pcre of every rule
  inject_gen.py refused TARGET OUTDIR OUT ERR   every bad file refused

Values are generated from a fixed seed: every byte 0x00-0x7F and every code
point U+0080-U+00FF alone, at the start, in the middle and at the end of a
value; quotes, backslashes, target syntax (KQL, SPL, Suricata, C), regex
metacharacters, wildcards and their escapes, line separators, BOM, 2-, 3-
and 4-byte UTF-8; random mixes of all of these; long values. Each value gets
one form per target (equality, contains, startswith, endswith, each plain
or |cased, |re of the escaped value, a keyword, a wildcard pattern made of
it), several values per rule ANDed, one field each.

What each check proves, per value: the literal the target reads (decoded
by the target's own rules: KQL by Microsoft's parser, SPL strings, Suricata
content |hex| and escapes, regex escapes) has exactly the value's bytes,
with the value's anchoring and case; every other literal of the rule is a
looser form of one of its values; nothing else is a literal. Files the
frontend must refuse (invalid UTF-8, NUL, surrogate escapes) are refused
with a diagnostic and emit nothing. Only the standard library is used."""
import json
import os
import random
import re
import sys

SEED = 7  # issue 7
TARGETS = ("spl", "kql", "suricata", "c")
FORMS = ("eq", "contains", "startswith", "endswith", "eq_c", "contains_c", "startswith_c",
         "endswith_c", "re", "keyword", "wild", "wild_c")
ANCHORS = {"eq": (True, True), "contains": (False, False), "startswith": (True, False),
           "endswith": (False, True), "re": (False, False), "keyword": (False, False),
           "wild": (True, True)}
MODIFIER = {"eq": "", "contains": "|contains", "startswith": "|startswith",
            "endswith": "|endswith", "re": "|re", "wild": ""}
# Suricata: each http buffer the 'suricata' pipeline maps a proxy field to
SURICATA_FIELDS = ("c-uri", "c-useragent", "cs-referrer", "cs-cookie", "cs-method")
# Values per rule: one per buffer (and a keyword) for Suricata, whose rule
# is one line of at most 8191 bytes; many elsewhere (the Kusto parser's
# cost is mostly per query).
ITEMS_DEFAULT = 32
RULE_BUDGET = 6000  # bytes of emitted Suricata text per rule, worst case
LONG_LENGTHS = (255, 256, 1024, 2000, 3999, 4000, 4001, 5000, 8191, 8192, 10000, 65536)

SPECIALS = [
    # quotes and backslashes
    "'", '"', "`", "\\", "\\\\", "\\\\\\", "''", '""', "``", '\\"', '"\\', "\\'", "'\\",
    '\\\\"', '@"', "@'", '$"', "$'", "h'", 'h"', "H@'", '"""', "'''", "```",
    # wildcards and their escapes
    "*", "?", "**", "??", "\\*", "\\?", "\\\\*", "\\\\?", "*\\", "?\\", "\\**", "*?*", "\\\\\\*",
    # separators and SPL/KQL/Suricata syntax
    "|", "||", ";", ";;", "]]", "[[", "]]>", "[[x]]", "@", "$", "$$", "${x}", "$(x)", "%",
    "%%", "%x%", "%1", "#", "//", "/*", "*/", "--", "<!--", "-->", "::", ",", "=", "==",
    "!=", "=~", "(", ")", "[", "]", "{", "}", "<", ">", "&", "&&", "~", "^", "+", ".",
    # regex metacharacters and constructs
    ".*", ".+", "(?i)", "(?s)", "(?-i)", "(?#c)", "(?x)", "\\d", "\\w", "\\s", "\\b", "\\Q",
    "\\E", "\\Qa\\E", "\\x41", "\\x{41}", "\\u0041", "\\0", "\\n", "\\r", "\\t", "\\z", "\\Z",
    "\\A", "[^a]", "a{2}", "(a|b)", "\\1", "$1", "\\k<n>", "(?P<n>a)", "(?=a)", "(?<=a)",
    "\\c;", "\\cA", "\\p{L}", "\\N", "$0", "[[:alpha:]]", "\\/", "/", "/i", "/si", "\\;",
    # control characters
    "\n", "\r", "\r\n", "\n\r", "\t", "\x0b", "\x0c", "\x00", "\x00\x00", "\x1b[31m", "\x7f",
    "\x08", "\\\n", "\\\r\n", "a\nb\nc",
    # KQL
    '" or 1==1 or "', "' or 1==1 //", '@"x" or true', '"\n| take 1', "\n| where true //",
    '")\n| take 1 //', "'); drop table x", '@"\\"', '\\"@', 'h@"x"', '"; print 1; "',
    "let x = 1;", "\u2028| take 1", "\u2029//",
    # SPL
    '" OR * | delete', '\\" OR 1=1', "| eval x=1", "[search *]", "`macro`", "``` x ```",
    " NOT ", " OR ", " AND ", "x=*", '"|regex x="', "\\\\\"", 'match(_raw, "x")',
    # Suricata
    '"; sid:1;)', "|41|", "|0", "|41 42", "\\|", "content:\"x\";", ")", "msg:\"x\";",
    '\\"; pcre:"/x/";', "; ", "\\\\;", "/x/si", "(?-is:", "\\x00",
    # C
    '"); system("id"); ("', "??/", "??=", "??(", "??)", "??<", "??>", "??'", "??!", "??-",
    "\\\\\n", '"\\0"', "\\U0001F600", "%s%n", "\\\\x41", "\\1234", "\\x414243", "\\u00e9",
    "\\e", "\\a", "'\\0'", "#define x", "\\\"\\\"",
    # JSON / YAML-ish
    '{"a":"b"}', "\\u0022", "&quot;", "- x", ": x", "? x", "! x", "&a", "*a",
]

# Titles end with one of these: every target writes the title into a
# comment (and Suricata into msg, C into a string), which must hold it.
TITLE_TAILS = ["", "\u2028let SigmaEvents = datatable(Event:dynamic, RawEvent:string)[];//",
               "\u2029//", "\u0085x", "\n| take 1", "\r\nx", "*/ int x; /*", "``` x ```", "`",
               '"; sid:1; msg:"', "\\", "??/", "\\\nx", "|;", "#", "/*", "//", "\x00", "\x7f",
               "\t\v\f", "\ufeff", "\U0001F600", "'", "@\"", "$(x)"]

UNICODE = [
    0x100, 0x17F, 0x212A, 0x130, 0x131, 0x3A3, 0x3C2, 0x1E9E, 0xDF, 0x7FF, 0x800, 0xFFF, 0x1000,
    0x2028, 0x2029, 0x85, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0xD7FF, 0xE000, 0x10000, 0x1F600,
    0x10FFFF, 0x200B, 0x200D, 0x202E, 0x2066, 0x301, 0xA0, 0x3000, 0xFF02, 0xFF07, 0xFF3C,
    0x2018, 0x2019, 0x201C, 0x201D, 0x37E, 0x2215, 0x29F8, 0xFE68, 0x2044, 0x1D7CE, 0xE0041,
    0x0410, 0x0430, 0x03A9, 0x2126, 0x1F4A9, 0xF8FF, 0x1100, 0x0600, 0x0E3F, 0x20AC,
]

# Random values are drawn from these alphabets (weights in rand_char).
ASCII_PRINT = [chr(c) for c in range(0x20, 0x7F)]
ASCII_SPECIAL = list("'\"`\\|;]@$*?.^()[]{}+/#%&=~!<>,:-")
CONTROLS = [chr(c) for c in range(0x00, 0x20)] + ["\x7f"]
LATIN1 = [chr(c) for c in range(0x80, 0x100)]
SEPARATORS = ["\u2028", "\u2029", "\u0085", "\ufeff", "\n", "\r", "\t"]


def rand_char(rng):
    r = rng.random()
    if r < 0.30:
        return rng.choice(ASCII_PRINT)
    if r < 0.55:
        return rng.choice(ASCII_SPECIAL)
    if r < 0.63:
        return rng.choice(CONTROLS)
    if r < 0.73:
        return rng.choice(LATIN1)
    if r < 0.80:
        return rng.choice(SEPARATORS)
    if r < 0.90:
        return chr(rng.choice(UNICODE))
    if r < 0.95:
        return chr(rng.randrange(0x800, 0xD800))
    return chr(rng.randrange(0x10000, 0x110000))


def rand_value(rng, lo, hi):
    return "".join(rand_char(rng) for _ in range(rng.randint(lo, hi)))


def four_places(s):
    """s alone, at the start, in the middle, at the end of a value."""
    return [s, s + "tail", "ab" + s + "cd", "head" + s]


def values(rng):
    out = []
    for b in range(0x80):
        out += four_places(chr(b))
    for c in range(0x80, 0x100):
        out += four_places(chr(c))
    for s in SPECIALS:
        out += four_places(s)
    for cp in UNICODE:
        out += four_places(chr(cp))
    # pairs of specials, then random mixes up to the total
    for _ in range(600):
        out.append(rng.choice(SPECIALS) + rand_value(rng, 0, 3) + rng.choice(SPECIALS))
    while len(out) < 10600:
        out.append(rand_value(rng, 1, 24) if rng.random() < 0.9 else rand_value(rng, 25, 64))
    return out


def long_values(rng):
    return [rand_value(rng, n, n)[:n] for n in LONG_LENGTHS]


# ---- Sigma/YAML text --------------------------------------------------------------------------

YAML_NAMED = {0: ["\\0", "\\x00"], 7: ["\\a"], 8: ["\\b"], 9: ["\\t", "\\x09"], 10: ["\\n"],
              11: ["\\v"], 12: ["\\f"], 13: ["\\r"], 27: ["\\e"], 0x85: ["\\N"],
              0xA0: ["\\_"], 0x2028: ["\\L"], 0x2029: ["\\P"]}


def yaml_must_escape(o):
    return (o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0 or o in (0x2028, 0x2029, 0xFEFF)
            or 0xD800 <= o < 0xE000 or o in (0xFFFE, 0xFFFF))


def yaml_escape_char(o, rng):
    choices = list(YAML_NAMED.get(o, []))
    if o < 0x100:
        choices.append("\\x%02x" % o if rng.random() < 0.5 else "\\x%02X" % o)
    if o < 0x10000:
        choices.append("\\u%04x" % o)
    choices.append("\\U%08X" % o)
    return rng.choice(choices)


def yaml_scalar(s, rng):
    """s as a YAML scalar: single-quoted when it can be, else double-quoted
    with escapes for every character YAML does not allow raw (and a few
    random others, to exercise the loader's escapes)."""
    if s and all(not yaml_must_escape(ord(ch)) for ch in s) and rng.random() < 0.3:
        return "'" + s.replace("'", "''") + "'"
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif yaml_must_escape(o) or rng.random() < 0.04:
            out.append(yaml_escape_char(o, rng))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def sigma_literal(s, rng, wild_next=False):
    """Literal text as a Sigma string value: `\\`, `*` and `?` escaped with a
    backslash; a backslash before any other character (or at the very end)
    may also stay alone, as Sigma keeps it, which is tried on half of them.
    wild_next: a wildcard follows the text."""
    out = []
    for i, ch in enumerate(s):
        if ch in "*?":
            out.append("\\" + ch)
        elif ch == "\\":
            nxt = s[i + 1] if i + 1 < len(s) else ("*" if wild_next else "")
            lone_ok = nxt not in ("*", "?", "\\")
            out.append("\\" if lone_ok and rng.random() < 0.5 else "\\\\")
        else:
            out.append(ch)
    return "".join(out)


def regex_escape(s):
    """A PCRE pattern that matches s literally: metacharacters escaped with
    a backslash, everything else raw (control bytes and quotes included)."""
    return "".join("\\" + ch if ch in "\\^$.|?*+()[]{}" else ch for ch in s)


def wild_segments(v, rng):
    """A wildcard pattern made of v: v cut at one or two points, `*` or `?`
    put into each cut (or before/after v when it is one character)."""
    n = len(v)
    cuts = sorted(set(rng.randint(0, n) for _ in range(rng.randint(1, 2))))
    segs, prev = [], 0
    for c in cuts:
        if c > prev:
            segs.append(["L", v[prev:c]])
        segs.append(["S"] if rng.random() < 0.5 else ["Q"])
        prev = c
    if prev < n:
        segs.append(["L", v[prev:]])
    return segs


def sigma_wild(segs, rng):
    return "".join(sigma_literal(s[1], rng, i + 1 < len(segs)) if s[0] == "L"
                   else "*" if s[0] == "S" else "?" for i, s in enumerate(segs))


# ---- patterns: what a literal means -----------------------------------------------------------
# A pattern is a list of tokens over the whole subject: ("c", char, ci) one
# character (ci: compared case-insensitively), ("S",) any run, ("Q",) one
# character, ("N",) an optional final newline (PCRE's `$`).

def spec_pattern(spec, unit="char"):
    """The pattern a spec (segs, start, end, ci) means; unit "byte" spells
    each literal character as its UTF-8 bytes (Suricata)."""
    toks = [] if spec["start"] else [("S",)]
    for s in spec["segs"]:
        if s[0] == "L":
            toks += lit_tokens(bytes.fromhex(s[1]).decode("utf-8"), spec["ci"], unit)
        else:
            toks.append((s[0],))
    if not spec["end"]:
        toks.append(("S",))
    return canon(toks)


def lit_tokens(text, ci, unit):
    if unit == "byte":
        return [("c", bytes([b]), ci and chr(b).isascii() and chr(b).isalpha())
                for b in text.encode("utf-8")]
    return [("c", ch.encode("utf-8"), ci and cased(ch)) for ch in text]


def cased(ch):
    return ch.lower() != ch or ch.upper() != ch


def canon(toks):
    """Runs of S and Q in one order (Q first, one S); ci only where the
    character has a case."""
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        if t[0] in "SQ":
            j, q, star = i, 0, False
            while j < len(toks) and toks[j][0] in "SQ":
                q += toks[j][0] == "Q"
                star |= toks[j][0] == "S"
                j += 1
            out += [("Q",)] * q + ([("S",)] if star else [])
            i = j
            continue
        if t[0] == "c":
            t = ("c", t[1], bool(t[2]) and has_case(t[1]))
        out.append(t)
        i += 1
    return out


def has_case(b):
    try:
        ch = b.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return cased(ch)


def fold(b):
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        return b
    return s.lower().encode("utf-8")


def chars_of(data, unit):
    if unit == "byte":
        return [bytes([b]) for b in data]
    return [ch.encode("utf-8") for ch in data.decode("utf-8")]


def pattern_matches(pat, data, unit="char"):
    """Does pattern pat match all of data (bytes)? A glob match (one
    backtrack point, no blow-up on many stars); N only ends a pattern."""
    try:
        subj = chars_of(data, unit)
    except UnicodeDecodeError:
        return False
    if pat and pat[-1][0] == "N":
        return glob(pat[:-1], subj) or (bool(subj) and subj[-1] == b"\n" and
                                         glob(pat[:-1], subj[:-1]))
    return glob(pat, subj)


def glob(pat, subj):
    def same(t, ch):
        return t[0] == "Q" or (t[0] == "c" and (t[1] == ch or (t[2] and fold(t[1]) == fold(ch))))

    i = j = 0
    star, mark = -1, 0
    while j < len(subj):
        if i < len(pat) and pat[i][0] == "S":
            star, mark = i, j
            i += 1
        elif i < len(pat) and same(pat[i], subj[j]):
            i += 1
            j += 1
        elif star >= 0:
            i, mark = star + 1, mark + 1
            j = mark
        else:
            return False
    while i < len(pat) and pat[i][0] == "S":
        i += 1
    return i == len(pat)


def fmt_pattern(pat):
    out = []
    for t in pat:
        if t[0] == "c":
            s = t[1].decode("utf-8", "backslashreplace")
            out.append(("~" if t[2] else "") + json.dumps(s)[1:-1])
        else:
            out.append({"S": "<*>", "Q": "<?>", "N": "<\\n?>"}[t[0]])
    return "".join(out)


# ---- regex decoding: the escaped-literal subset backends write -------------------------------

# What the Suricata backend writes for Sigma's `?` in a byte buffer: a
# UTF-8 lead byte and its continuation bytes, or one other byte of the
# field's region (backends/suricata_match.c).
SURICATA_ONE_CHAR = re.compile(rb"\(\?:\[\\xc0-\\xff\]\[\\x80-\\xbf\]\*\+\|\[[^\]]*\]\)")


class NotLiteral(Exception):
    pass


def decode_regex(text, dialect):
    """A regex as a pattern, when it is only literal characters, `.`, `.*`,
    anchors and flag groups. dialect: "pcre" (UTF-8 subject, SPL), "re2"
    (KQL) or "pcre-bytes" (Suricata: \\xHH and `.` are bytes)."""
    unit = "byte" if dialect == "pcre-bytes" else "char"
    data = text.encode("utf-8") if isinstance(text, str) else text
    pos = [0]
    n = len(data)

    def peek(k=0):
        return data[pos[0] + k:pos[0] + k + 1]

    def read_char():
        """One raw character (UTF-8 sequence, or a byte in byte mode)."""
        b = data[pos[0]]
        ln = 1 if unit == "byte" or b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4
        ch = data[pos[0]:pos[0] + ln]
        pos[0] += ln
        return ch

    def hexval(h):
        try:
            return int(h, 16)
        except ValueError:
            raise NotLiteral("bad hex escape %r" % h)

    def code(v):
        if unit == "byte":
            if v > 0xFF:
                raise NotLiteral("\\x{%X} in byte mode" % v)
            return bytes([v])
        return chr(v).encode("utf-8")

    def flags_apply(fl, spec):
        on = True
        fl = dict(fl)
        for ch in spec:
            if ch == "-":
                on = False
            elif ch in "is":
                fl[ch] = on
            else:
                raise NotLiteral("flag %r" % ch)
        return fl

    def seq(fl, depth):
        toks = []
        while pos[0] < n:
            c = peek()
            if c == b")":
                if depth == 0:
                    raise NotLiteral("unbalanced )")
                return toks
            m = SURICATA_ONE_CHAR.match(data, pos[0])
            if m and dialect == "pcre-bytes":  # Suricata's `?`: one UTF-8 character
                pos[0] = m.end()
                toks.append(("Q",))
                continue
            if c == b"(":
                if data[pos[0]:pos[0] + 2] != b"(?":
                    raise NotLiteral("capturing group")
                m = re.match(rb"\(\?([a-z-]*)(:|\))", data[pos[0]:])
                if not m:
                    raise NotLiteral("group %r" % data[pos[0]:pos[0] + 6])
                pos[0] += m.end()
                inner = flags_apply(fl, m.group(1).decode())
                if m.group(2) == b")":
                    fl = inner
                    continue
                toks += seq(inner, depth + 1)
                if peek() != b")":
                    raise NotLiteral("unclosed group")
                pos[0] += 1
                continue
            if c == b"^":
                if toks or pos[0] != start_at[0]:
                    raise NotLiteral("^ not at the start")
                pos[0] += 1
                toks.append(("A",))
                continue
            if c == b"$":
                pos[0] += 1
                toks.append(("Z",) if dialect == "re2" else ("Zn",))
                continue
            if c == b".":
                pos[0] += 1
                star = peek() == b"*"
                if star:
                    pos[0] += 1
                    if peek() == b"?":
                        pos[0] += 1
                if not fl.get("s"):
                    raise NotLiteral("`.` without the s flag (misses a newline)")
                toks.append(("S",) if star else ("Q",))
                continue
            if c in (b"|", b"[", b"*", b"+", b"?", b"{", b"}", b"]"):
                raise NotLiteral("metacharacter %r" % c.decode())
            if c == b"\\":
                pos[0] += 1
                if pos[0] >= n:
                    raise NotLiteral("trailing backslash")
                e = peek()
                if e == b"x":
                    pos[0] += 1
                    if peek() == b"{":
                        end = data.find(b"}", pos[0])
                        if end < 0:
                            raise NotLiteral("unclosed \\x{")
                        v = hexval(data[pos[0] + 1:end].decode("ascii", "replace"))
                        pos[0] = end + 1
                    else:
                        h = data[pos[0]:pos[0] + 2].decode("ascii", "replace")
                        if len(h) != 2 or not re.fullmatch("[0-9A-Fa-f]{2}", h):
                            raise NotLiteral("\\x needs two hex digits")
                        v = hexval(h)
                        pos[0] += 2
                    toks.append(("c", code(v), fl.get("i", False)))
                    continue
                if e == b"Q":  # \Q…\E: PCRE and RE2
                    pos[0] += 1
                    end = data.find(b"\\E", pos[0])
                    end = n if end < 0 else end
                    body = data[pos[0]:end]
                    pos[0] = min(n, end + 2)
                    for ch in chars_of(body, unit):
                        toks.append(("c", ch, fl.get("i", False)))
                    continue
                if e == b"z":
                    pos[0] += 1
                    toks.append(("Z",))
                    continue
                if e == b"A":
                    pos[0] += 1
                    if toks:
                        raise NotLiteral("\\A not at the start")
                    toks.append(("A",))
                    continue
                named = {b"n": 10, b"r": 13, b"t": 9, b"f": 12, b"a": 7, b"e": 27}
                if e in named and not (dialect == "re2" and e == b"e"):
                    pos[0] += 1
                    toks.append(("c", bytes([named[e]]), False))
                    continue
                if re.fullmatch(rb"[A-Za-z0-9]", e):
                    raise NotLiteral("escape \\%s is not a literal" % e.decode())
                ch = read_char()
                if dialect == "re2" and ch[0] >= 0x80:
                    raise NotLiteral("RE2 refuses a backslash before a non-ASCII character")
                toks.append(("c", ch, fl.get("i", False)))
                continue
            ch = read_char()
            toks.append(("c", ch, fl.get("i", False)))
        if depth:
            raise NotLiteral("unclosed group")
        return toks

    start_at = [0]
    # leading flag groups before ^ are allowed
    m = re.match(rb"(\(\?[a-z]*\))*", data)
    fl0 = {}
    for g in re.findall(rb"\(\?([a-z]*)\)", m.group(0)):
        fl0 = flags_apply(fl0, g.decode())
    pos[0] = start_at[0] = m.end()
    toks = seq(fl0, 0)
    # anchors: A only first, Z/Zn only last
    out = []
    if toks and toks[0] == ("A",):
        toks = toks[1:]
    else:
        out.append(("S",))
    tail = []
    if toks and toks[-1][0] in ("Z", "Zn"):
        if toks[-1][0] == "Zn":
            tail = [("N",)]
        toks = toks[:-1]
    else:
        tail = [("S",)]
    for t in toks:
        if t[0] in ("A", "Z", "Zn"):
            raise NotLiteral("anchor inside the pattern")
    return canon(out + toks + tail)


def glob_pattern(text, ci):
    """A Splunk search value: `*` is any run, the rest literal."""
    toks = [("S",) if ch == "*" else ("c", ch.encode("utf-8"), ci) for ch in text]
    return canon(toks)


def exact_pattern(text, ci, start, end):
    """A whole-value KQL operator's literal."""
    toks = [] if start else [("S",)]
    toks += [("c", ch.encode("utf-8"), ci) for ch in text]
    if not end:
        toks.append(("S",))
    return canon(toks)


# ---- generation -------------------------------------------------------------------------------

def spec_of(form, v, rng):
    base = form[:-2] if form.endswith("_c") else form
    ci = not form.endswith("_c") and form != "re"
    if base == "wild":
        segs = wild_segments(v, rng)
        start, end = True, True
    else:
        segs = [["L", v]]
        start, end = ANCHORS[base]
    hsegs = [[s[0], s[1].encode("utf-8").hex()] if s[0] == "L" else s for s in segs]
    return {"segs": hsegs, "start": start, "end": end, "ci": ci}


def sigma_text(form, v, spec, rng):
    base = form[:-2] if form.endswith("_c") else form
    if base == "re":
        return regex_escape(v)
    if base == "wild":
        segs = [[s[0], bytes.fromhex(s[1]).decode("utf-8")] if s[0] == "L" else s
                for s in spec["segs"]]
        return sigma_wild(segs, rng)
    return sigma_literal(v, rng)


def witness(spec):
    """A subject the spec matches: stars empty (or around), `?` as x."""
    parts = [] if spec["start"] else ["<"]
    for s in spec["segs"]:
        parts.append(bytes.fromhex(s[1]).decode("utf-8") if s[0] == "L"
                     else "x" if s[0] == "Q" else "")
    if not spec["end"]:
        parts.append(">")
    return "".join(parts)


def near_miss(spec, w):
    """w with one literal character changed, unless the spec, read
    case-insensitively, still matches it (then None)."""
    text = None
    for s in spec["segs"]:
        if s[0] == "L":
            text = bytes.fromhex(s[1]).decode("utf-8")
            break
    k = w.find(text) if text else -1
    if k < 0:
        return None
    i = k + len(text) // 2
    w2 = w[:i] + ("#" if w[i] != "#" else "%") + w[i + 1:]
    if pattern_matches(spec_pattern(dict(spec, ci=True)), w2.encode("utf-8")):
        return None
    return w2


def rule_yaml(target, rid, title, items, rng):
    lines = ["title: %s" % yaml_scalar(title, rng), "id: %s" % rid, "status: test",
             "description: injection test values (tests/inject_gen.py)",
             "logsource:", "    category: proxy", "detection:"]
    for k, it in enumerate(items):
        base = it["form"][:-2] if it["form"].endswith("_c") else it["form"]
        name = "s%02d" % k
        lines.append("    %s:" % name)
        text = yaml_scalar(it["sigma"], rng)
        if base == "keyword":
            lines.append("        - %s" % text)
            continue
        mod = MODIFIER[base] + ("|cased" if it["form"].endswith("_c") else "")
        lines.append("        %s%s: %s" % (it["field"], mod, text))
    lines += ["    condition: all of them", "level: low", ""]
    return "\n".join(lines)


def suricata_cost(v):
    return 4 * len(v.encode("utf-8")) + 120


def gen(outdir):
    rng = random.Random(SEED)
    vals = values(rng)
    longs = long_values(rng)
    os.makedirs(outdir, exist_ok=True)
    for ti, target in enumerate(TARGETS):
        trng = random.Random("%d-%s" % (SEED, target))
        rules, cur, cost = [], [], 0
        for i, v in enumerate(vals):
            form = FORMS[(i + 5 * ti) % len(FORMS)]
            kw = form == "keyword"
            if target == "suricata":
                # one test per buffer: two on one buffer can contradict each
                # other (an exact value and a longer one), which is no
                # injection but stops Suricata's whole detection engine
                used = [f for _, _, f in cur]
                free = [f for f in SURICATA_FIELDS if f not in used]
                c = suricata_cost(v)
                full = (None in used) if kw else not free
                full = full or cost + c > RULE_BUDGET
            else:
                c = 0
                full = len(cur) == ITEMS_DEFAULT
            if cur and full:
                rules.append(cur)
                cur, cost = [], 0
            if target == "suricata":
                used = [f for _, _, f in cur]
                field = None if kw else [f for f in SURICATA_FIELDS if f not in used][0]
            else:
                field = None if kw else "f%d" % len(cur)
            cur.append((v, form, field))
            cost += c
        if cur:
            rules.append(cur)
        rules += [[(v, "eq" if k % 2 else "contains_c", SURICATA_FIELDS[0] if target == "suricata"
                    else "f0")] for k, v in enumerate(longs)]
        nlong = len(longs)
        exp, docs, events = [], [], []
        for r, group in enumerate(rules):
            rid = "%08x-0000-4000-8000-%012x" % (0x1a7ec700 + ti, r)
            is_long = r >= len(rules) - nlong
            items = []
            for v, form, field in group:
                spec = spec_of(form, v, trng)
                it = {"rule": rid, "field": field, "form": form, "value": v.encode("utf-8").hex(),
                      "spec": spec, "long": is_long}
                it["sigma"] = sigma_text(form, v, spec, trng)
                items.append(it)
            title = "Inject %s %d %s" % (target, r, TITLE_TAILS[r % len(TITLE_TAILS)])
            docs.append(rule_yaml(target, rid, title, items, trng))
            for it in items:
                exp.append({k: it[k] for k in ("rule", "field", "form", "value", "spec", "long")})
            if target == "c":
                events += c_events(rid, items)
        with open(os.path.join(outdir, "%s.yml" % target), "w", encoding="utf-8",
                  newline="\n") as f:
            f.write("---\n".join(docs))
        with open(os.path.join(outdir, "%s.expect.jsonl" % target), "w") as f:
            for e in exp:
                f.write(json.dumps(e) + "\n")
        if target == "c":
            with open(os.path.join(outdir, "c.events"), "w") as f:
                f.writelines(events)
    gen_refused(os.path.join(outdir, "refused"))
    print("inject_gen: %d values + %d long per target, %d refused files" %
          (len(vals), len(longs), len(os.listdir(os.path.join(outdir, "refused")))))


def c_events(rid, items):
    """The rule's event (every item's witness) must match; the same event
    with one item's witness changed must not."""
    fields, raws = [], []
    for it in items:
        w = witness(it["spec"])
        if it["field"] is None:
            raws.append(w)
        else:
            fields.append([it["field"], w])

    def line(want, flds, raw):
        parts = ["E", rid, str(want)]
        allf = flds + ([["_raw", "\x1e".join(raw)]] if raw else [])
        parts.append(str(len(allf)))
        parts += ["%s=%s" % (f, w.encode("utf-8").hex()) for f, w in allf]
        return " ".join(parts) + "\n"

    out = [line(1, fields, raws)]
    fi = ri = 0
    for it in items:
        kw = it["field"] is None
        idx = ri if kw else fi
        if kw:
            ri += 1
        else:
            fi += 1
        ascii_only = all(ord(ch) < 0x80 for ch in bytes.fromhex(it["value"]).decode("utf-8"))
        if not (it["form"].endswith("_c") or it["form"] == "re" or ascii_only):
            continue
        w2 = near_miss(it["spec"], witness(it["spec"]))
        if w2 is None:
            continue
        if kw:
            raw2 = list(raws)
            raw2[idx] = w2
            pat = spec_pattern(dict(it["spec"], ci=True))
            joined = "\x1e".join(raw2)
            if pattern_matches(pat, joined.encode("utf-8")) or \
                    pattern_matches(pat, joined.lower().encode("utf-8")):
                continue
            out.append(line(0, fields, raw2))
        else:
            f2 = [list(x) for x in fields]
            f2[idx][1] = w2
            out.append(line(0, f2, raws))
    return out


REFUSED_HEAD = """title: Refused %d
id: 5eef0000-0000-4000-8000-%012x
status: test
logsource:
    category: proxy
detection:
    sel:
        c-uri|contains: """
REFUSED_TAIL = """
    condition: sel
level: low
"""


def gen_refused(d):
    """Files the frontend must refuse: every byte that cannot be UTF-8 by
    itself (0x80-0xFF) and NUL, raw, in four places; overlong forms, UTF-16
    surrogates, code points past U+10FFFF, truncated sequences; YAML escapes
    of lone or reversed surrogates and past U+10FFFF (a pair is one code
    point, as in JSON)."""
    os.makedirs(d, exist_ok=True)
    bodies = []
    for b in [0x00] + list(range(0x80, 0x100)):
        c = bytes([b])
        bodies += [b'"' + c + b'"', b'"' + c + b'tail"', b'"ab' + c + b'cd"', b'"head' + c + b'"']
    for seq in (b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80", b"\xe0\x9f\xbf", b"\xf0\x80\x80\x80",
                b"\xf0\x8f\xbf\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xa0\xbd\xed\xb8\x80",
                b"\xf4\x90\x80\x80", b"\xf7\xbf\xbf\xbf", b"\xf8\x88\x80\x80\x80", b"\xe2\x80",
                b"\xe2", b"\xf0\x9f\x98", b"\xc3", b"\x80\x80", b"\xfe\xff", b"\xff\xfe"):
        bodies += [b'"a' + seq + b'b"', b"'a" + seq + b"b'", b'"a' + seq + b'"']
    for esc in (b"\\ud800", b"\\udfff", b"\\uDC00", b"\\ude00\\ud83d", b"\\U0000D800",
                b"\\U00110000", b"\\UFFFFFFFF"):
        bodies.append(b'"a' + esc + b'b"')
    for k, body in enumerate(bodies):
        with open(os.path.join(d, "r%04d.yml" % k), "wb") as f:
            f.write((REFUSED_HEAD % (k, k)).encode() + body + REFUSED_TAIL.encode())


# ---- checks -----------------------------------------------------------------------------------

class Report:
    def __init__(self, target, noun="values"):
        self.target, self.noun, self.bad, self.checked, self.shown = target, noun, 0, 0, 0

    def fail(self, msg):
        self.bad += 1
        if self.shown < 30:
            print("FAIL %s: %s" % (self.target, msg))
            self.shown += 1

    def done(self, extra=""):
        print("%s: %d %s checked, %d failures%s" % (self.target, self.checked, self.noun, self.bad,
                                                   extra))
        return 1 if self.bad or self.checked == 0 else 0


def load_expect(outdir, target):
    rules = {}
    with open(os.path.join(outdir, "%s.expect.jsonl" % target)) as f:
        for line in f:
            e = json.loads(line)
            rules.setdefault(e["rule"], []).append(e)
    return rules


def show_value(e):
    v = bytes.fromhex(e["value"]).decode("utf-8")
    return "%s %s %s" % (e["form"], e["field"] or "(keyword)", json.dumps(v)[:120])


def check_rule(rep, rid, items, records, unit, exact_count):
    """records: [(field, pattern, what)] read from the target's output.
    Each item needs a record on its field with exactly its pattern; each
    record must match the witness of some item on its field (a looser
    form of a value), else it is a literal no value explains.
    exact_count: the target writes exactly one literal per item."""
    used = [False] * len(records)
    for it in items:
        want = spec_pattern(it["spec"], unit)
        hit = None
        for k, (field, pat, _) in enumerate(records):
            if not used[k] and field == it["field"] and pat == want:
                hit = k
                break
        rep.checked += 1
        if hit is None:
            near = [fmt_pattern(p) + " (" + w + ")" for f, p, w in records if f == it["field"]]
            rep.fail("rule %s: %s: no literal reads %s; on that field: %s" %
                     (rid, show_value(it), fmt_pattern(want), "; ".join(near)[:600] or "none"))
        else:
            used[hit] = True
    for k, (field, pat, what) in enumerate(records):
        if used[k]:
            continue
        if exact_count:
            rep.fail("rule %s: extra literal %s %s" % (rid, what, fmt_pattern(pat)[:200]))
            continue
        ok = False
        for it in items:
            if it["field"] != field:
                continue
            w = witness(it["spec"]).encode("utf-8")
            if pattern_matches(pat, w, unit) or pattern_matches(pat, fold(w), unit):
                ok = True
                break
        if not ok:
            rep.fail("rule %s: literal %s %s is no form of a value of field %s" %
                     (rid, what, fmt_pattern(pat)[:200], field))


def spl_unquote(b, q):
    out, i = bytearray(), 1
    while i < len(b) - 1:
        if b[i] == 0x5C and i + 1 < len(b) - 1 and b[i + 1] in (0x5C, q):
            out.append(b[i + 1])
            i += 2
        else:
            out.append(b[i])
            i += 1
    return bytes(out)


def check_spl(outdir, tokpath):
    """spl_lint --tokens: `Q HEADERHEX` per query, then `T KIND GLUED HEX`
    per token (HEX the token's text as written)."""
    rep = Report("spl")
    expect = load_expect(outdir, "spl")
    queries = []
    with open(tokpath) as f:
        for line in f:
            p = line.split()
            if p[0] == "Q":
                queries.append((bytes.fromhex(p[1]).decode("utf-8", "replace"), []))
            elif p[0] == "T":
                queries[-1][1].append((p[1], p[2] == "1", bytes.fromhex(p[3]) if len(p) > 3 else b""))
    seen = set()
    for header, toks in queries:
        m = re.search(r"\| id ([0-9a-f-]+) \|", header)
        rid = m.group(1) if m else None
        if rid not in expect:
            rep.fail("query without a known rule id: %s" % header)
            continue
        seen.add(rid)
        records = []
        cmd = "search"
        for i, (kind, glued, text) in enumerate(toks):
            if kind == "|":
                cmd = toks[i + 1][2].decode() if i + 1 < len(toks) else ""
                continue
            if kind != "S":
                continue
            val = spl_unquote(text, 0x22)
            prev = toks[i - 1] if i else None
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt and nxt[0] == "W" and nxt[1] and nxt[2] == b"=":
                continue  # "field"= : a field name
            try:
                if cmd == "search" and prev and prev[0] == "W" and prev[2].endswith(b"=") \
                        and glued:
                    fieldtxt = prev[2][:-1]
                    if not fieldtxt and i >= 2 and toks[i - 2][0] == "S":
                        fieldtxt = spl_unquote(toks[i - 2][2], 0x22)
                    records.append((fieldtxt.decode(), glob_pattern(val.decode("utf-8"), True),
                                    "search"))
                elif cmd == "where" and prev and prev[0] == "," and i >= 4 and \
                        toks[i - 3][0] == "(" and toks[i - 4][2] == b"match":
                    ftok = toks[i - 2]
                    fld = spl_unquote(ftok[2], 0x27).decode() if ftok[0] == "N" \
                        else ftok[2].decode()
                    records.append((None if fld == "_raw" else fld,
                                    decode_regex(val, "pcre"), "match()"))
                elif cmd == "regex" and prev and prev[0] == "W" and prev[2].endswith(b"=") and glued:
                    records.append((prev[2][:-1].decode(), decode_regex(val, "pcre"), "| regex"))
                else:
                    ctx = b" ".join(t[2] for t in toks[max(0, i - 4):i]).decode("utf-8", "replace")
                    rep.fail("rule %s: string in an unexpected place (%s ... %s)" %
                             (rid, ctx, val[:80]))
            except (NotLiteral, UnicodeDecodeError) as e:
                rep.fail("rule %s: %s literal %r is not a plain pattern: %s" % (rid, cmd, val[:120], e))
        check_rule(rep, rid, expect[rid], records, "char", False)
    missing = [r for r in expect if r not in seen]
    for r in missing:
        rep.fail("rule %s: no query (first value %s)" % (r, show_value(expect[r][0])))
    return rep.done()


KQL_OPS = {"=~": (False, True, True), "==": (True, True, True),
           "contains": (False, False, False), "contains_cs": (True, False, False),
           "startswith": (False, True, False), "startswith_cs": (True, True, False),
           "endswith": (False, False, True), "endswith_cs": (True, False, True)}


def check_kql(outdir, litpath):
    """inject_kql.js: one JSON object per query: id, diagnostics, and its
    string literals (decoded by Kusto) with the operator and field each."""
    rep = Report("kql")
    expect = load_expect(outdir, "kql")
    seen = set()
    with open(litpath) as f:
        for line in f:
            q = json.loads(line)
            rid = q["id"]
            if rid not in expect:
                rep.fail("query without a known rule id: %s" % rid)
                continue
            seen.add(rid)
            for d in q["diagnostics"]:
                rep.fail("rule %s: Kusto: %s" % (rid, d))
            records = []
            for lit in q["literals"]:
                val = bytes.fromhex(lit["hex"]).decode("utf-8")
                op, fld = lit["op"], lit["field"]
                if fld == "RawEvent":
                    fld = None
                elif fld is not None:
                    fld = fld[len("Event."):] if fld.startswith("Event.") else fld
                try:
                    if op == "matches regex":
                        records.append((fld, decode_regex(val, "re2"), "matches regex"))
                    elif op in KQL_OPS:
                        cs, st, en = KQL_OPS[op]
                        records.append((fld, exact_pattern(val, not cs, st, en), op))
                    else:
                        rep.fail("rule %s: literal %s after %r" % (rid, json.dumps(val)[:80], op))
                except NotLiteral as e:
                    rep.fail("rule %s: regex %r is not a plain pattern: %s" % (rid, val[:120], e))
            check_rule(rep, rid, expect[rid], records, "char", True)
    for r in expect:
        if r not in seen:
            rep.fail("rule %s: no query (first value %s)" % (r, show_value(expect[r][0])))
    return rep.done()


SC_BUFFERS = {"http.uri.raw": "c-uri", "http.user_agent": "c-useragent",
              "http.referer": "cs-referrer", "http.cookie": "cs-cookie",
              "http.method": "cs-method"}


def sc_options(body):
    """The options of a rule (text inside the outer parentheses) as
    (keyword, value) pairs, split at `;` not escaped by a backslash."""
    opts, cur, i = [], bytearray(), 0
    inq = False
    while i < len(body):
        c = body[i]
        if c == 0x5C and i + 1 < len(body):
            cur += body[i:i + 2]
            i += 2
            continue
        if c == 0x22:
            inq = not inq
        if c == 0x3B and not inq:
            opts.append(bytes(cur).strip())
            cur = bytearray()
        else:
            cur.append(c)
        i += 1
    if bytes(cur).strip():
        opts.append(bytes(cur).strip())
    out = []
    for o in opts:
        k, _, v = o.partition(b":")
        out.append((k.strip().decode(), v.strip()))
    return out


def sc_content(v):
    """Suricata's content syntax: "…" with |hex| runs and \\ escapes."""
    if len(v) < 2 or v[:1] != b'"' or v[-1:] != b'"':
        raise NotLiteral("content not in quotes: %r" % v[:40])
    v = v[1:-1]
    out, i, hexmode = bytearray(), 0, False
    while i < len(v):
        c = v[i]
        if hexmode:
            if c == 0x7C:
                hexmode = False
                i += 1
            elif c == 0x20:
                i += 1
            else:
                h = v[i:i + 2].decode("ascii", "replace")
                if not re.fullmatch("[0-9A-Fa-f]{2}", h):
                    raise NotLiteral("bad hex %r in content" % h)
                out.append(int(h, 16))
                i += 2
        elif c == 0x7C:
            hexmode = True
            i += 1
        elif c == 0x5C:
            if i + 1 >= len(v) or v[i + 1] not in b'\\";:|':
                raise NotLiteral("bad escape in content")
            out.append(v[i + 1])
            i += 2
        elif c in b'";':
            raise NotLiteral("raw %r in content" % chr(c))
        else:
            out.append(c)
            i += 1
    if hexmode:
        raise NotLiteral("unterminated |hex|")
    return bytes(out)


def sc_pcre(v):
    if len(v) < 2 or v[:1] != b'"' or v[-1:] != b'"':
        raise NotLiteral("pcre not in quotes")
    v = v[1:-1]
    m = re.fullmatch(rb"/(.*)/([a-zA-Z]*)", v, re.S)
    if not m:
        raise NotLiteral("pcre not /re/flags")
    flags = m.group(2).decode()
    prefix = "(?" + "".join(f for f in flags if f in "is") + ")" if set(flags) & set("is") else ""
    if set(flags) - set("is"):
        raise NotLiteral("pcre flags %r" % flags)
    return decode_regex(prefix.encode() + m.group(1), "pcre-bytes")


def check_suricata(outdir, rulespath, errpath):
    rep = Report("suricata")
    expect = load_expect(outdir, "suricata")
    seen = set()
    with open(rulespath, "rb") as f:
        lines = f.read().split(b"\n")
    for ln in lines:
        if not ln.startswith(b"alert "):
            if ln and not ln.startswith(b"#"):
                rep.fail("a line that is neither a rule nor a comment: %r" % ln[:120])
            continue
        if len(ln) > 8191:
            rep.fail("rule line of %d bytes: Suricata reads at most 8191" % len(ln))
        m = re.search(rb"sigma_id ([0-9a-f-]+)", ln)
        rid = m.group(1).decode() if m else None
        if rid not in expect:
            rep.fail("rule without a known sigma_id: %r" % ln[:200])
            continue
        seen.add(rid)
        body = ln[ln.index(b"(") + 1:ln.rindex(b")")]
        records, buf, last = [], None, None
        try:
            for k, v in sc_options(body):
                if k in SC_BUFFERS or k.startswith("http.") or k.startswith("dns.") \
                        or k.startswith("tls."):
                    if k not in SC_BUFFERS:
                        raise NotLiteral("unexpected buffer %s" % k)
                    buf = SC_BUFFERS[k]
                elif k == "content":
                    last = {"field": buf, "bytes": sc_content(v), "ci": False,
                            "start": False, "end": False}
                    records.append(last)
                elif k in ("nocase", "startswith", "endswith"):
                    if last is None:
                        raise NotLiteral("%s without a content" % k)
                    last[{"nocase": "ci", "startswith": "start", "endswith": "end"}[k]] = True
                elif k == "pcre":
                    records.append({"field": buf, "pattern": sc_pcre(v)})
                    last = None
                elif k in ("msg", "flow", "classtype", "priority", "sid", "rev", "metadata"):
                    pass
                else:
                    raise NotLiteral("unexpected option %s" % k)
        except NotLiteral as e:
            rep.fail("rule %s: %s" % (rid, e))
            continue
        recs = []
        for r in records:
            if "pattern" in r:
                recs.append((r["field"], r["pattern"], "pcre"))
                continue
            toks = [] if r["start"] else [("S",)]
            toks += [("c", bytes([b]), r["ci"]) for b in r["bytes"]]
            if not r["end"]:
                toks.append(("S",))
            recs.append((r["field"], canon([t if t[0] != "c" or not t[2] or
                                            chr(t[1][0]).isascii() and chr(t[1][0]).isalpha()
                                            else ("c", t[1], False) for t in toks]), "content"))
        check_rule(rep, rid, expect[rid], recs, "byte", False)
    # refused rules: only long ones, each with its reason
    with open(errpath, encoding="utf-8", errors="replace") as f:
        reasons = len(re.findall(r"error: suricata: .* longer than the 8191 bytes", f.read()))
    refused = 0
    for rid, items in expect.items():
        if rid in seen:
            continue
        if not items[0]["long"]:
            rep.fail("rule %s: no rule (first value %s)" % (rid, show_value(items[0])))
            continue
        refused += 1
        if len(bytes.fromhex(items[0]["value"])) <= 2000:
            rep.fail("rule %s: a %d-byte value refused" % (rid, len(items[0]["value"]) // 2))
    if reasons != refused:
        rep.fail("%d long rules refused, %d errors saying why" % (refused, reasons))
    return rep.done(", %d long values refused with the reason" % refused)


def check_refused(target, outdir, outpath, errpath):
    rep = Report("%s refused" % target, "files")
    d = os.path.join(outdir, "refused")
    with open(outpath, "rb") as f:
        out = f.read()
    with open(errpath, encoding="utf-8", errors="replace") as f:
        err = f.read()
    for name in sorted(os.listdir(d)):
        rep.checked += 1
        if not re.search(r"(^|/)%s:\d+:\d+: error: " % re.escape(name), err, re.M):
            rep.fail("%s: no error diagnostic with a position" % name)
        if name.encode() in out:
            rep.fail("%s: emitted" % name)
    if re.search(rb"Refused \d+", out):
        rep.fail("a refused rule was emitted")
    return rep.done()


def main(argv):
    if len(argv) >= 3 and argv[1] == "gen":
        gen(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "spl":
        return check_spl(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "kql":
        return check_kql(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == "suricata":
        return check_suricata(argv[2], argv[3], argv[4])
    if len(argv) == 6 and argv[1] == "refused":
        return check_refused(argv[2], argv[3], argv[4], argv[5])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
