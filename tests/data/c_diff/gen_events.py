#!/usr/bin/env python3
"""gen_events.py - writes events.jsonl, and regex.yml with regex_events.jsonl,
for tests/c_diff.sh (run it here after changing it or rules.yml; the output
is committed so the test needs no Python).

Two parts: events aimed at each rule of rules.yml (a match and its near
misses), then every probe value in every field, so each modifier meets
every awkward value: case variants, non-ASCII letters, characters of every
UTF-8 length, numbers as numbers and as strings, nulls, arrays, objects."""
import base64
import json

ev = []


def e(**kw):
    ev.append(kw)


# aimed at rules
e(Name="cmd.EXE"); e(Name="Cmd.exe"); e(Name="cmd.ex"); e(Name=["x", "CMD.EXE"])
e(Name="xäöüy"); e(Name="XÄÖÜY"); e(Name="aou"); e(Name="łódź"); e(Name="ŁÓDŹ"); e(Name="őű")
e(Name="σίσυφος"); e(Name="ΣΊΣΥΦΟΣ"); e(Name="σίσυφοσ"); e(Name="привет ё"); e(Name="ПРИВЕТ Ё")
e(Name="աբգ")
e(Name="XK", Kind="fold"); e(Name="x\u212a", Kind="fold"); e(Name="ſtraße", Kind="fold")
e(Name="STRAẞE", Kind="fold"); e(Name="ẞTRAẞE", Kind="fold"); e(Name="10 μs", Kind="fold")
e(Name="10 µS", Kind="fold"); e(Name="ａｂｃ", Kind="fold"); e(Name="ＡＢＣ", Kind="fold")
e(Name="ſs-x", Kind="fold2"); e(Name="\u017f\u017f-x", Kind="fold2"); e(Name="SS-x", Kind="fold2")
e(Name="İstanbul"); e(Name="istanbul"); e(Name="i̇stanbul")
e(Name="Abc"); e(Name="abc"); e(Name="ABC"); e(Name="xÄÖy"); e(Name="xäöy")
e(Name="aéc"); e(Name="a€c"); e(Name="a😀c"); e(Name="ac"); e(Name="abbc"); e(Name="a\u212ac")
e(Name="xyz"); e(Name="x--y--z"); e(Name="xzy"); e(Name="ababababc"); e(Name="ab-ab-abc")
e(Name="ababab"); e(Name="abab"); e(Name="lit*star"); e(Name="litxstar"); e(Name="lit?q")
e(Name="litxq"); e(Name="back\\slash*"); e(Name="back\\slashx")
e(Name="..pxq..r.."); e(Name="pqr"); e(Name="p€q__r"); e(Name="start!"); e(Name="sTArt")
e(Name="the end"); e(Name="eNd"); e(Name="e😀d")
e(Num=42); e(Num="42"); e(Num=42.0); e(Num="42.0"); e(Num="4.2e1"); e(Num="+42"); e(Num=" 42")
e(Num="042"); e(Num=True); e(Num=None); e(Num=[1, 42]); e(Num="0x2a")
e(Num=11); e(Num="11"); e(Num=10); e(Num=10.5); e(Num=100.5); e(Num=100.6); e(Num="abc")
e(Num=9223372036854775807); e(Num=9223372036854775808); e(Num=-9223372036854775808)
e(Num="1e400"); e(Num=-1); e(Num="-1"); e(Num=1.5); e(Num="1.50"); e(Num=-1e13)
e(Num="-1000000000001"); e(Num=-1000000000000)
for v in [None, "", "x", [], [None, "x"], {}, {"a": 1}, [""], 0, False]:
    e(Opt=v, Kind="null"); e(Opt=v, Kind="exists")
e(Kind="null"); e(Kind="exists"); e(Kind="exists", Other=None)
for ip in ["10.1.2.3", "11.0.0.1", "::ffff:10.0.0.1", "::FFFF:10.0.0.1", "010.1.2.3",
           "10.1.2.3 ", "10.1.2", "10.1.2.3.4", "10.256.0.1", "192.168.1.128", "192.168.1.127",
           "192.168.1.255", "203.0.113.7", "203.0.113.8", "2001:db8::1",
           "2001:DB8:0:0:0:0:0:1", "2001:db9::1", "::1", "::2", "fe80::1", "febf::1", "fec0::1",
           "fe80::1%eth0", "::", "1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4",
           "2001:db8:::1", ":2001:db8::1", "2001:db8::1:", "2001:0db8:0000::1", "2001:db8::00001",
           "0.0.0.0", "255.255.255.255", "1.2.3.04", 10, "10.0.0.1\u0000junk", "10.0.0.1/8"]:
    e(Ip=ip); e(Ip=ip, Kind="anyv4")
e(Ip=["1.1.1.1", "10.9.9.9"])
for t in ["abc", "abc\n", "xabc", "ABC", "hello   WORLD", "Hello wor\u212ad", "hello world",
          "x\nmid\ny", "mid\n", "x\nmid", "\nmid", "start\nend", "startXend", "start\r\nend",
          "a word here", "awordb", "word", "123-45", "123-4567", "123-456789", "foobarx",
          "foofoox", "barfoobarx", "ABC-123", "abC", "a b", "axxb", "a\nb", "é", "e\u0301", "😀",
          "\u212aelvin", "KELVIN", "kelvın", "xABy", "xaby", "xAby", "xaBY", "the end", "the end\n",
          "the end\n\n", "\n", "", "amidb", "mid", "1 2", "x\u000b1 ", "ABC", "AB", "[x]",
          "anything", "\u212a", "k", "K", "\u017f", "s", "abc\u017f", "ab1", "\u212a\u212a"]:
    e(Text=t); e(Text=t, Kind="recls"); e(Text=t, Kind="reneg")
e(Num=45); e(Num="49"); e(Num=4)
for a, b in [("x", "X"), ("x", "y"), ("Hello", "HELLO"), ("abcdef", "CD"), ("abcdef", "ab"),
             ("abcdef", "EF"), ("aaaa", "aa"), ("aa", "aaaa"), ("", ""), ("x", ""),
             ("ſ", "S"), ("\u212a", "k"), (["1", "2"], ["3", "2"]), (5, "5"), (None, None),
             ("abc", None), ("éa", "ÉA"), ("xxabab", "abab")]:
    for kind in ["ref", "refs", "refe", "refc", "none"]:
        e(A=a, B=b, Kind=kind)
    e(A=a)
e(N1=[1, 2], N2=[3, 2]); e(N1=7, N2=7.0); e(N1="7", N2=7); e(N1=1.5, N2="1.5"); e(N1=True, N2="true")
for t in ["2024-01-02T13:04:05Z", "2024-01-02T14:04:05+01:00", "2024-01-02T12:04:05-01:00",
          "2024-01-02 13:00", "2024-01-02T13:04:05.123456Z", "2024-01-02T13:04:05,5+0000",
          "2024-01-02t13:04:05z", 1704200645, 1704200645.9, "1704200645", "yesterday",
          "2021-01-03", "2020-12-31T23:59:59Z", "2021-01-04T00:30:00+01:00", "2024-02-29",
          "2023-02-29", "1999-12-31T23:59:60Z", "2000-01-01T00:30:00+01:00", "2024-13-01",
          "2024-01-02T24:00:00Z", "2024-01-02T13:04", "2024-01-02T13", "2024-01-02T13:04:05+01",
          "2024-01-02T13:04:05+0130", -1, 0, "2024-01-02T13:04:05 ", "1999-06-15T10:59:00-05:00"]:
    e(Time=t)
for s in [b"xwhoami", b"xxwhoami", b"whoami", b"xxxwhoamiy", b"who ami"]:
    e(Data=base64.b64encode(s).decode())
for s in ["cmd", "ping", "pw", "xping", "xxping"]:
    e(Data=s.encode("utf-16le").decode("latin-1"))
    e(Data=base64.b64encode(s.encode("utf-16le")).decode())
    e(Data=base64.b64encode(b"x" + s.encode("utf-16le")).decode())
e(Data="c\u0000m\u0000d\u0000"); e(Data="\u0000p\u0000w"); e(Data="C\u0000M\u0000D\u0000")
for c in ["x -enc y", "x /enc y", "x \u2013enc y", "x \u2014enc y", "x \u2015enc y", "x -ENC y",
          "x \u2212enc y", "x enc y", "x —enc y"]:
    e(Cmd=c)
e(Msg="Failed password for root"); e(Deep={"x": ["FAILED PASSWORD"]}); e(Msg="evil-payload")
e(Msg="EVILpayload"); e(Msg="ärger"); e(Msg="onexchar"); e(Msg="one€char"); e(Msg="onechar")
e(Msg="nothing"); e(Num=1, Msg=["x", {"y": "evil payload"}])
e(Name="alpha beta"); e(Name="beta alpha gamma"); e(Name="alpha"); e(Name=["alpha", "beta"])
e(Event={"Data": {"Name": "DEEP"}}); e(**{"Event.Data.Name": "deep"})
e(Event={"Data.Name": "deep"}); e(Event={"Data": [{"Name": "x"}, {"Name": "deep"}]})
e(Event={"Data": {"Name": {"#text": "deep"}}}); e(Event=[{"Data": {"Name": "deep"}}])
e(Attr={"#text": "attrtext", "#attributes": {"a": "b"}}); e(Attr={"#attributes": {"a": "b"}})
e(Attr={"#text": ["attrtext"]}); e(Attr=[{"#text": "ATTRTEXT"}])
e(Flag=True); e(Flag="true"); e(Flag="True"); e(Flag=1); e(Flag=False)
for v in ['quote"and\\back', "tri??=graph??/", "comment*/close", "nul\u0000byte", "nul",
          "tab\tnewline\n", "tab\tnewline", "QUOTE\"AND\\BACK"]:
    e(Name=v)
for v in ["same", "SAME", "other", None, ["same", "x"]]:
    e(Kind="neq", Name=v)
e(Kind="neq")
e(Any=""); e(Any=None); e(Any=0); e(Any={}); e(Any=[])
e(Name="xx aab aab aab aac yy"); e(Name="aab aab aac"); e(Name="aab aab aab"); e(Name="xabababab")
e(Name="AB" * 2000 + "ABABAB"); e(Name="aab " * 500 + "aac")

# the prefilter (guards, 3-byte sequences): it may only skip rules that
# cannot match
for n in ["axKz", "axkz", "aXKz", "ayKz", "ayKz", "aykz", "aYkz", "ÄRGER!", "ärger", "arger"]:
    for k in ["pf1", "pf2", "pf3"]:
        e(Name=n, Kind=k)
e(Name=["x", "axKz"], Kind="pf1"); e(Name=["x", "yk"], Kind="pf2")
for chan in ["Security", "SECURITY", ["x", "security"], 12, "12", 12.0, None, ["12"], "Sec"]:
    for ev_id in [4688, "4688", 4688.0, "4688.0", [3, 1], "1", 1.5, None, "x", True]:
        e(Chan=chan, EvId=ev_id, Cmd="c:\\x\\WHOAMI.exe /all")
e(Chan="Security", EvId=1, Cmd=["x", "xwhoamix"]); e(Chan="Security", EvId=1)
e(Chan="Security", EvId=1, Cmd="who ami"); e(Chan="Security", EvId=1, Cmd="wHoAmI")
e(Chan="Security", EvId=1, Cmd="x" * 5000 + "whoami"); e(Chan="Security", EvId=1, Cmd="whoamé whoami")
e(Chan="Security", EvId=1, Cmd=42); e(Chan="Security", EvId=1, Cmd={"#text": "whoami"})
for k in range(1, 21):
    d = {"F%d" % i: "hay %d" % i for i in range(1, 21)}
    d["F%d" % k] = "hay needle" if k % 3 else "x" * 3000 + "NEEDLE"
    ev.append(d)
ev.append({"F%d" % i: "hay" for i in range(1, 21)})
for c in ["alpha omega", "OMEGA x ALPHA", "alpha", "alpha omega harmless", "xprexfixZed",
          "prefixed", "pre-fix-ed", "PREFIXED harmless", "pre", ["alpha", "omega"]]:
    for img in ["c:\\tool.exe", "c:\\TOOL.EXE", "tool.exe", None]:
        e(Cmd=c, Img=img)

# wide lists (tables in the generated code)
e(Msg="xx KW07X yy"); e(Msg=["a", "kw18x"]); e(Msg="kw19x"); e(Deep={"m": "kw01x"})
e(Name=" ".join("p%02d" % i for i in range(1, 18))); e(Name=" ".join("P%02d" % i for i in range(17, 0, -1)))
e(Name=" ".join("p%02d" % i for i in range(1, 17))); e(Name=["p01 p02", "p03"])
for v in [3, "5", 6, 5.0]:
    e(Num=v)
for v in ["10.1.1.1", "192.168.9.9", "::1", "11.0.0.1"]:
    e(Ip=v)
for v in ["wide1", "WIDE3", "wide3", "wide4"]:
    e(Text=v)
for v in ["ws3-x", "WS5", "w", "xws1"]:
    e(Name=v)
for v in ["2024-01-01T01:00:00Z", "2024-01-01T03:00:00Z"]:
    e(Time=v)

# every probe value in every field
probes = ["", "a", "A", "abc", "ABC", "Abc", "é", "É", "ß", "ẞ", "ſ", "\u212a", "k", "K", "µ",
          "μ", "Μ", "ς", "σ", "Σ", "ё", "Ё", "İ", "ı", "ＡＢＣ", "😀", "e\u0301", "\u0000",
          "a\u0000b", "\n", "x\ny", "*", "?", "\\", "\\\\", '"', "??=", "*/", "42", "42.0",
          "-0", "0", "1e3", "+1", "4.2e1", " 42", "10.0.0.1", "::1", "2001:db8::1",
          "2024-01-02T13:04:05Z", "1999-12-31", "whoami", "d2hvYW1p", "cmd", "Failed password",
          "evil payload", "deep", "same", "CMD.EXE", "xäöüy", "ПРИВЕТ Ё", "mid", "abc\n",
          42, -1, 0, 1.5, 10.5, 100.5, 9223372036854775807, 1e300, -0.0, True, False, None,
          [], ["abc", 42], [None], {}, {"#text": "abc"}, {"x": "abc"}]
fields = ["Name", "Text", "Num", "Opt", "Ip", "Time", "Data", "Cmd", "Msg", "A", "B", "Any",
          "Attr", "Flag", "N1", "N2"]
kinds = [None, "fold", "fold2", "null", "exists", "anyv4", "ref", "refc", "neq", "recls"]
for i, p in enumerate(probes):
    for j, f in enumerate(fields):
        d = {f: p}
        k = kinds[(i + j) % len(kinds)]
        if k:
            d["Kind"] = k
        ev.append(d)
    ev.append({"A": p, "B": probes[(i * 7 + 3) % len(probes)], "Kind": kinds[i % len(kinds)]})

with open("events.jsonl", "w", encoding="utf-8") as out:
    for d in ev:
        out.write(json.dumps(d, ensure_ascii=False) + "\n")
print(len(ev), "events")

# regex.yml: one rule per regex construct; regex_events.jsonl: subjects
pats = [
    r'^a', r'a$', r'^$', r'^', r'\Aa', r'a\z', r'a\Z', r'(?m)^b', r'(?m)b$', r'(?m)^$', r'(?s)a.b',
    r'a.b', r'a\nb', r'[abc]', r'[^abc]', r'^[a-c]+$', r'^[^\n]+$', r'\d+', r'^\D+$', r'^\w+$',
    r'\W', r'\s', r'^\S+$', r'\h', r'\v', r'[\d\s]', r'[^\w]', r'^a{2}$', r'^a{2,}$', r'^a{1,3}b',
    r'^(ab){2,3}$', r'a*?b', r'^(a|b)*c', r'^(a*)*b$', r'x(a|)y', r'^(|a)b$', r'(?i)abc',
    r'(?i)^[a-c]$', r'(?i)^[^k]$', r'(?i)^s$', r'(?i)^K$', r'^k$', r'^.$', r'^..$', r'é', r'^[é]$',
    r'^[^é]$', r'^[à-ÿ]+$', r'\x{e9}', r'^.{3}$', r'€', r'\bfoo\b', r'\Bo\B', r'o\b',
    r'^((a|b)c|d)+e$', r'\.', r'\\', r'\(x\)', r'\[x\]', r'\x41', r'\t', r'^a.?b$', r'a+?',
    r'(?i:a)B', r'^(?:ab|a)(?:bc|c)$', r'[-a]', r'[a-]', r'[]a]', r'[^]a]', r'^\w+\s\w+$',
    r'(a|ab)(c|bcd)(d*)', r'^(a+|b+)*$', r'(?m)\Z', r'a|^$', r'^\x{1F600}$', r'.b', r'\d{2,3}',
]
subjects = ["", "a", "b", "ab", "aab", "aaab", "abc", "ABC", "aBc", "a\nb", "a\n", "b\n", "\n",
            "\na", "x\nb\ny", "aXb", "a b", "123", "12a", "a1", " ", "\t", "\u000b", "\u0085", "é",
            "É", "e\u0301", "€", "à la", "ÿ", "ÿà", "k", "K", "\u212a", "s", "S", "\u017f", "foo",
            "foo bar", "xfoox", "abab", "ababab", "abcabc", "xy", "xay", "ccde", "de", "ce", "(x)",
            "[x]", "a.b", "a\\b", "A", "\tx", "aaaa", "bbbb", "éé", "😀", "a😀b", "\u00a0", "aa",
            "abcd", "x\n", "acd", "abd", "bc", "]", "-", "hello world", "\u2028"]
rules = []
for i, p in enumerate(pats):
    q = p.replace("'", "''")
    rules.append(f"""title: "regex {i}"
id: c0ffee00-0000-4000-8001-{i:012d}
status: test
logsource:
    product: test
detection:
    sel:
        Rx|re: '{q}'
    condition: sel
level: low
""")
with open("regex.yml", "w", encoding="utf-8") as out:
    out.write("---\n".join(rules))
with open("regex_events.jsonl", "w", encoding="utf-8") as out:
    for s in subjects:
        out.write(json.dumps({"Rx": s}, ensure_ascii=False) + "\n")
    out.write(json.dumps({"Rx": subjects}, ensure_ascii=False) + "\n")
print(len(pats), "regexes,", len(subjects), "subjects")
