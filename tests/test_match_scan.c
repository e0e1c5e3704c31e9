/* test_match_scan.c - the matcher's literal scanners against a naive search:
 * the automaton (one chain and interleaved chains), its skip scan, the
 * anchor prefilter, and sg_aho_find's positions, over random texts from a
 * small alphabet (so literals occur often, overlapping, at both ends, in
 * both cases); and the memo of repeated values. */
#include "test_match.h"

#include "aho.h"
#include "anchor.h"
#include "fold.h"
#include "memo.h"
#include "re_jitsafe.h"
#include "xalloc.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPAT_MAX 80
#define TEXT_MAX 400

/* xorshift: reproducible, no global state */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

typedef struct seen {
    unsigned char found[NPAT_MAX];
} seen;

static void on_hit(void *ctx, uint32_t id)
{
    ((seen *)ctx)->found[id] = 1;
}

/* Which of the folded patterns occur in text (naive). */
static void naive(char pats[][40], const size_t *lens, size_t np, const char *text, size_t n,
                  seen *out)
{
    char folded[TEXT_MAX];
    size_t fn = sg_fold(text, n, folded);
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < np; i++)
        for (size_t at = 0; at + lens[i] <= fn && !out->found[i]; at++)
            out->found[i] = memcmp(folded + at, pats[i], lens[i]) == 0;
}

/* Texts of a few letters (some upper case), '\\' and ':'. */
static void random_text(uint32_t *s, char *t, size_t n)
{
    static const char abc[] = "abcAB\\:";
    for (size_t i = 0; i < n; i++)
        t[i] = abc[rnd(s) % (sizeof abc - 1)];
}

static void random_pattern(uint32_t *s, char *p, size_t len)
{
    static const char abc[] = "abc\\:";
    for (size_t i = 0; i < len; i++)
        p[i] = abc[rnd(s) % (sizeof abc - 1)];
}

/* One trial: np patterns of lengths [minlen, maxlen], texts of every
 * length up to TEXT_MAX; the automaton (whichever way it scans) and the
 * anchor prefilter (when it is built and usable) find the same patterns
 * as the naive search. */
static int trial(uint32_t seed, size_t np, size_t minlen, size_t maxlen, bool anchors)
{
    uint32_t s = seed;
    char pats[NPAT_MAX][40];
    size_t lens[NPAT_MAX];
    const char *pp[NPAT_MAX];
    uint32_t ul[NPAT_MAX], ids[NPAT_MAX];
    sg_aho_builder *b = sg_aho_builder_new();
    if (!b)
        return 1;
    if (anchors)
        sg_aho_builder_want_anchor(b);
    for (size_t i = 0; i < np; i++) {
        lens[i] = minlen + rnd(&s) % (maxlen - minlen + 1);
        random_pattern(&s, pats[i], lens[i]);
        sg_aho_add(b, pats[i], lens[i], (uint32_t)i);
        pp[i] = pats[i];
        ul[i] = (uint32_t)lens[i];
        ids[i] = (uint32_t)i;
    }
    sg_aho *a = sg_aho_build(b);
    sg_aho_builder_free(b);
    bool oom;
    sg_anchor *an = anchors ? sg_anchor_build(pp, ul, ids, np, &oom) : NULL;
    int bad = 0;
    char text[TEXT_MAX];
    for (size_t n = 0; n < TEXT_MAX && a; n += 1 + n / 8) {
        random_text(&s, text, n);
        seen want, got;
        naive(pats, lens, np, text, n, &want);
        memset(&got, 0, sizeof got);
        sg_aho_scan(a, text, n, on_hit, &got);
        bad += memcmp(&want, &got, sizeof want) != 0;
        if (an && sg_anchor_usable()) {
            memset(&got, 0, sizeof got);
            sg_anchor_scan(an, text, n, on_hit, &got);
            bad += memcmp(&want, &got, sizeof want) != 0;
        }
    }
    sg_anchor_free(an);
    sg_aho_free(a);
    return a ? bad : 1;
}

static void test_scanners(void)
{
    int bad = 0;
    for (uint32_t seed = 1; seed <= 40; seed++) {
        bad += trial(seed * 7919, 1 + seed % 6, 1, 4, false);   /* short: the DFA */
        bad += trial(seed * 104729, 3 + seed % 9, 5, 12, false); /* long, few: skip scan */
        bad += trial(seed * 15485863, 70, 2, 9, false);          /* many: DFA chains */
        bad += trial(seed * 32452843, 1 + seed % 12, 1, 10, true); /* anchors */
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* What a JSON scan must doubt in t[from..to) (of t[0..n)): a byte >= 0x80,
 * a backslash before 'u' or '/'. */
static bool naive_doubt(const unsigned char *t, size_t from, size_t to, size_t n)
{
    for (size_t i = from; i < to; i++)
        if (t[i] >= 0x80 || (t[i] == '\\' && i + 1 < n && (t[i + 1] == 'u' || t[i + 1] == '/')))
            return true;
    return false;
}

typedef struct doubts {
    size_t calls;
    bool wrong; /* a range outside the text */
} doubts;

static bool on_doubt(void *ctx, const char *s, size_t from, size_t to, size_t n)
{
    doubts *d = ctx;
    d->calls++;
    d->wrong |= from >= to || to > n;
    return naive_doubt((const unsigned char *)s, from, to, n);
}

/* sg_anchor_scan_json over texts with escapes, near-escapes ("\\%",
 * "\\U") and non-ASCII bytes: it stops exactly when the text has
 * something to doubt (having reported only real occurrences), finds what
 * the naive search finds otherwise, and asks about nothing in text that
 * has nothing to doubt. Patterns with few anchors (doubtful bytes found by
 * buckets of their own) and with eight, often and seldom in the text. */
static int json_trial(uint32_t seed, int mode)
{
    static const char abc[] = "abcAB\\:u/%U";
    uint32_t s = seed;
    char pats[NPAT_MAX][40];
    size_t lens[NPAT_MAX], np = mode == 1 ? 8 : 1 + seed % 6;
    const char *pp[NPAT_MAX];
    uint32_t ul[NPAT_MAX], ids[NPAT_MAX];
    for (size_t i = 0; i < np; i++) {
        if (mode) {
            /* letters the text seldom has: few or (mode 1) eight anchors */
            pats[i][0] = (char)('d' + 2 * i);
            pats[i][1] = (char)('e' + 2 * i);
            lens[i] = 2;
        } else {
            lens[i] = 1 + rnd(&s) % 6;
            random_pattern(&s, pats[i], lens[i]);
        }
        pp[i] = pats[i];
        ul[i] = (uint32_t)lens[i];
        ids[i] = (uint32_t)i;
    }
    bool oom;
    sg_anchor *an = sg_anchor_build(pp, ul, ids, np, &oom);
    if (!an)
        return oom;
    int bad = 0;
    char text[TEXT_MAX];
    for (size_t n = 0; n < TEXT_MAX; n += 1 + n / 6) {
        /* half the texts have nothing to doubt, a quarter escapes, a
         * quarter one non-ASCII byte (often the last) */
        unsigned kind = rnd(&s) % 4;
        for (size_t i = 0; i < n; i++) {
            unsigned r = rnd(&s) % 64;
            text[i] = mode && r < 3 ? pats[rnd(&s) % np][0] : abc[r % (sizeof abc - 1)];
        }
        if (kind != 2)
            for (size_t i = 0; i + 1 < n; i++)
                if (text[i] == '\\' && (text[i + 1] == 'u' || text[i + 1] == '/'))
                    text[i] = 'a';
        if (kind == 3 && n)
            text[rnd(&s) % 4 ? rnd(&s) % n : n - 1] = (char)(0x80 + rnd(&s) % 128);
        seen want, got;
        naive(pats, lens, np, text, n, &want);
        memset(&got, 0, sizeof got);
        doubts d = {0, false};
        /* a copy of exactly n bytes: a read past the end shows under
         * valgrind or ASan */
        char *copy = malloc(n ? n : 1);
        if (!copy)
            return 1;
        memcpy(copy, text, n);
        bool ok = sg_anchor_scan_json(an, copy, n, on_hit, &got, on_doubt, &d);
        free(copy);
        bool clean = !naive_doubt((const unsigned char *)text, 0, n, n);
        bad += ok != clean || d.wrong || (clean && d.calls);
        for (size_t i = 0; i < np; i++)
            bad += got.found[i] && !want.found[i];
        if (ok)
            bad += memcmp(&want, &got, sizeof want) != 0;
    }
    sg_anchor_free(an);
    return bad;
}

static void test_json_scan(void)
{
    if (!sg_anchor_usable())
        return;
    int bad = 0;
    for (uint32_t seed = 1; seed <= 60; seed++)
        bad += json_trial(seed * 2654435761u, (int)(seed % 3));
    CU_ASSERT_EQUAL(bad, 0);
}

/* sg_aho_find reports where an occurrence starts. */
typedef struct firsts {
    size_t start[4];
    unsigned n;
} firsts;

static bool on_found(void *ctx, uint32_t id, size_t start)
{
    firsts *f = ctx;
    if (id == 1 && f->n < 4)
        f->start[f->n++] = start;
    return false;
}

static void test_find_positions(void)
{
    static const char *pats[] = {"xyz", "\\cmd.exe", "abcdefghij"};
    for (int skip = 0; skip < 2; skip++) {
        sg_aho_builder *b = sg_aho_builder_new();
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        /* with "xyz" (shorter than the skip scan's minimum) the DFA runs */
        for (uint32_t i = skip; i < 3; i++)
            CU_ASSERT(sg_aho_add(b, pats[i], strlen(pats[i]), i));
        sg_aho *a = sg_aho_build(b);
        sg_aho_builder_free(b);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        /* long enough for interleaved chains, an occurrence at each end */
        const char *t = "\\CMD.EXE and some more text to make it long: c:\\x\\cmd.exe";
        firsts f = {{0}, 0};
        CU_ASSERT_FALSE(sg_aho_find(a, t, strlen(t), on_found, &f));
        CU_ASSERT_EQUAL(f.n, 2);
        CU_ASSERT(f.n == 2 && ((f.start[0] == 0 && f.start[1] == strlen(t) - 8) ||
                               (f.start[1] == 0 && f.start[0] == strlen(t) - 8)));
        sg_aho_free(a);
    }
}

/* The memo gives a repeated value the hits a scan gives, including a
 * value with more hits than it keeps, and a field it has paused. */
static void test_memo(void)
{
    static const char *pats[] = {"ab", "bc", "cd", "de", "ef", "fg", "gh", "hi"};
    sg_aho_builder *b = sg_aho_builder_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    for (uint32_t i = 0; i < 8; i++)
        sg_aho_add(b, pats[i], 2, i);
    sg_aho *a = sg_aho_build(b);
    sg_aho_builder_free(b);
    sg_memo *mm = sg_memo_create(2);
    CU_ASSERT_FATAL(a && mm);
    static const char *texts[] = {"xxabxx", "abcdefghi", "zzz", "xxabxx", "abcdefghi", "zzz"};
    int bad = 0;
    /* key 1 sees only new values: it stops using the memo, and still
     * reports every hit */
    for (int round = 0; round < 3000; round++) {
        for (size_t t = 0; t < 6; t++) {
            seen want, got;
            memset(&want, 0, sizeof want);
            memset(&got, 0, sizeof got);
            sg_aho_scan(a, texts[t], strlen(texts[t]), on_hit, &want);
            sg_memo_scan(mm, 0, a, texts[t], strlen(texts[t]), on_hit, &got);
            bad += memcmp(&want, &got, sizeof want) != 0;
        }
        char fresh[32];
        int len = snprintf(fresh, sizeof fresh, "ab%dgh", round);
        seen want, got;
        memset(&want, 0, sizeof want);
        memset(&got, 0, sizeof got);
        sg_aho_scan(a, fresh, (size_t)len, on_hit, &want);
        sg_memo_scan(mm, 1, a, fresh, (size_t)len, on_hit, &got);
        bad += memcmp(&want, &got, sizeof want) != 0;
    }
    CU_ASSERT_EQUAL(bad, 0);
    sg_memo_free(mm);
    sg_aho_free(a);
}

/* The JIT workaround: \D \W \S outside classes go into a class of their
 * own; escaped backslashes, classes, [:name:] and \Q...\E are left alone;
 * and the rewritten patterns match non-ASCII text as the interpreter does
 * (checked by the regex rules of tests/c_diff.sh). */
static void test_re_jitsafe(void)
{
    static const struct {
        const char *in, *out; /* out NULL: unchanged */
    } t[] = {
        {"abc", NULL},
        {"\\d\\w\\s", NULL},
        {"[\\D]", NULL},
        {"[^\\W\\S]x", NULL},
        {"[]\\D]", NULL},
        {"[^]\\D]", NULL},
        {"[[:alpha:]\\S]", NULL},
        {"\\Q\\D\\E", NULL},
        {"\\\\D", NULL},
        {"\\D", "[\\D]"},
        {"\\D+", "[\\D]+"},
        {"a\\Wb\\S{2}", "a[\\W]b[\\S]{2}"},
        {"\\\\\\D", "\\\\[\\D]"},
        {"[a]\\D", "[a][\\D]"},
        {"[[:digit:]]\\S", "[[:digit:]][\\S]"},
        {"\\Q[\\E\\D", "\\Q[\\E[\\D]"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char *out;
        size_t len;
        CU_ASSERT_FATAL(sg_re_jitsafe(t[i].in, strlen(t[i].in), &out, &len));
        if (!t[i].out) {
            CU_ASSERT_PTR_NULL(out);
        } else {
            CU_ASSERT_PTR_NOT_NULL_FATAL(out);
            CU_ASSERT_EQUAL(len, strlen(t[i].out));
            CU_ASSERT_STRING_EQUAL(out, t[i].out);
        }
        sg_free(out);
    }
}

void test_match_scan_register(void)
{
    CU_pSuite s = CU_add_suite("match-scan", NULL, NULL);
    CU_add_test(s, "scanners agree with a naive search", test_scanners);
    CU_add_test(s, "anchor scan of JSON text, with doubts", test_json_scan);
    CU_add_test(s, "positions of sg_aho_find", test_find_positions);
    CU_add_test(s, "memo of repeated values", test_memo);
    CU_add_test(s, "regexes rewritten around the PCRE2 10.42 JIT bug", test_re_jitsafe);
}
