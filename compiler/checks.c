/* checks.c - the check catalogue and the checks that run on the rule tree.
 *
 * Metadata checks follow the Sigma JSON schema (values, formats, lengths);
 * detection lint looks for rules that are valid but almost certainly not
 * what their author meant. Everything here is a pure function of the tree:
 * no state survives a call. Findings the SigmaHQ validators accept are
 * warnings, never errors, so a clean SigmaHQ checkout stays error-free. */
#include "checks.h"
#include "modifiers.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the catalogue -------------------------------------------------------- */

#define E SG_SEV_ERROR
#define W SG_SEV_WARNING

static const sg_check_info catalogue[] = {
    /* loader */
    {"yaml", E, "the file is not valid YAML (or uses aliases)"},
    {"encoding", E, "the file is not UTF-8 text"},
    {"schema", E, "a key or value has the wrong shape for a Sigma rule"},
    {"legacy-collection", E, "legacy rule collection (action: global/reset/repeat)"},
    {"limit", E, "a resource limit was reached"},
    {"io", E, "a file or directory cannot be read"},
    /* condition parser, IR builder */
    {"condition-syntax", E, "the condition cannot be parsed"},
    {"deprecated-aggregation", E, "Sigma 1.x aggregation (count(), near, timeframe)"},
    {"undefined-identifier", E, "the condition names a search identifier that does not exist"},
    {"modifier", E, "unknown value modifier or invalid modifier combination"},
    {"invalid-regex", E, "a |re value is not a valid regular expression"},
    {"invalid-cidr", E, "a |cidr value is not a valid network"},
    {"invalid-number", E, "a numeric modifier has a non-numeric value"},
    {"null-in-list", E, "null inside a list of values"},
    {"all-single-value", W, "|all on a single value has no effect"},
    {"placeholder", E, "unresolved %placeholder% in an |expand value"},
    {"expansion-limit", E, "value expansion (encodings, placeholders) grew too large"},
    /* backends, pipelines, correlation and filter documents */
    {"unsupported", E, "the target cannot express the rule"},
    {"pipeline", E, "error in a processing pipeline file"},
    {"correlation", E, "error in a correlation rule"},
    {"filter", E, "error in a filter rule"},
    /* rule checks (checks.c) */
    {"missing-key", E, "a required key (title, logsource, detection) is missing"},
    {"status-value", E, "status is not stable, test, experimental, deprecated or unsupported"},
    {"level-value", E, "level is not informational, low, medium, high or critical"},
    {"date-format", E, "date or modified is not a valid YYYY-MM-DD date"},
    {"date-order", W, "modified is earlier than date"},
    {"id-uuid", W, "id is not a UUID"},
    {"tag-format", E, "a tag is not namespace.name in lower case"},
    {"related-type", E, "related type is not derived, obsolete, merged, renamed or similar"},
    {"related-id", W, "related id is not a UUID"},
    {"title-length", E, "title is longer than 256 characters"},
    {"description-length", E, "description is longer than 65535 characters"},
    {"duplicate-id", E, "two rules have the same id"},
    {"duplicate-name", E, "two rules have the same name"},
    {"duplicate-title", W, "two rules have the same title"},
    {"unused-identifier", W, "a search identifier is not used by the condition"},
    {"match-everything", W, "a value that matches every event ('*')"},
    {"all-without-contains", W, "|all over exact values that can never all be equal"},
    {"wildcard-modifier", W, "a leading/trailing '*' where contains/startswith/endswith is meant"},
    {"control-characters", W, "a value contains control characters"},
    {"number-as-string", W, "a quoted number for a numeric field (EventID, ...Port)"},
    {"logsource-empty", E, "logsource has no category, product or service"},
    {"custom-attribute", W, "a top-level key Sigma does not define (--strict)"},
    {"empty-value", W, "'' with contains/startswith/endswith matches every value"},
    {"falsepositive-length", W, "a falsepositives item is shorter than 2 characters"},
    /* correlation and filter documents (correlation.c, filter.c, corrset.c) */
    {"correlation-lint", W, "a correlation that is valid but likely not what was meant"},
    {"filter-reference", W, "a filter names a rule that is not loaded"},
    {"filter-logsource", W, "a filter names a rule of a log source it does not cover"},
};

#undef E
#undef W

size_t sg_check_count(void)
{
    return sizeof catalogue / sizeof catalogue[0];
}

const sg_check_info *sg_check_at(size_t i)
{
    return i < sg_check_count() ? &catalogue[i] : NULL;
}

const sg_check_info *sg_check_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sg_check_count(); i++)
        if (strcmp(catalogue[i].name, name) == 0)
            return &catalogue[i];
    return NULL;
}

/* ---- small helpers ---------------------------------------------------------- */

typedef struct ctx {
    const sg_rule *r;
    const sg_check_opts *o;
    sg_diags *d;
} ctx;

/* A position to report at: p when known, else the fallback (the document). */
static sg_pos at(const ctx *c, sg_pos p)
{
    if (p.line == 0)
        p = c->r->pos;
    if (!p.file)
        p.file = c->r->path;
    return p;
}

/* Printable, bounded copy of user text for messages: control bytes become
 * \xNN, long text is cut (on a character boundary) with "...". */
#define SHOW_SIZE 200
#define SHOW_CHARS 60

static const char *show(char out[SHOW_SIZE], const char *s, size_t len)
{
    size_t o = 0, chars = 0, i = 0;
    while (i < len) {
        if (chars == SHOW_CHARS || o + 8 >= SHOW_SIZE - 4) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f) {
            o += (size_t)snprintf(out + o, SHOW_SIZE - o, "\\x%02X", ch);
            i++;
        } else {
            /* copy a whole UTF-8 sequence (input is valid UTF-8) */
            size_t n = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
            if (i + n > len)
                n = len - i;
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        }
        chars++;
    }
    out[o] = '\0';
    return out;
}

static const char *show0(char out[SHOW_SIZE], const char *s)
{
    return show(out, s, strlen(s));
}

/* Length in characters (UTF-8 code points), as the schema's maxLength. */
static size_t u8len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 8-4-4-4-12 hexadecimal digits (any version, either case). */
static bool is_uuid(const char *s)
{
    static const unsigned groups[] = {8, 4, 4, 4, 12};
    for (size_t g = 0; g < 5; g++) {
        for (unsigned k = 0; k < groups[g]; k++, s++)
            if (!is_hex(*s))
                return false;
        if (g < 4 && *s++ != '-')
            return false;
    }
    return *s == '\0';
}

static char lower(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static bool same_nocase(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

static bool one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* The list entry equal to s ignoring ASCII case, or NULL. */
static const char *one_of_nocase(const char *s, const char *const *list)
{
    for (; *list; list++) {
        const char *a = s, *b = *list;
        while (*a && *b && lower(*a) == *b)
            a++, b++;
        if (!*a && !*b)
            return *list;
    }
    return NULL;
}

static void join(char *out, size_t size, const char *const *list)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; list[i]; i++) {
        int k = snprintf(out + o, size - o, "%s%s", i ? (list[i + 1] ? ", " : " or ") : "",
                         list[i]);
        if (k < 0 || (size_t)k >= size - o)
            return;
        o += (size_t)k;
    }
}

/* A value from a closed set: error, with the right spelling when only the
 * case was wrong. */
static void check_enum(const ctx *c, const char *check, const char *what, sg_str v,
                       const char *const *allowed)
{
    if (!v.s || one_of(v.s, allowed))
        return;
    char b[SHOW_SIZE], all[160];
    const char *fix = one_of_nocase(v.s, allowed);
    if (fix) {
        SG_ERR(c->d, check, at(c, v.pos), "%s '%s' must be lower case (use '%s')", what,
               show0(b, v.s), fix);
        return;
    }
    join(all, sizeof all, allowed);
    SG_ERR(c->d, check, at(c, v.pos), "%s '%s' is not one of %s", what, show0(b, v.s), all);
}

/* ---- dates ---------------------------------------------------------------------- */

typedef struct ymd {
    int y, m, d;
} ymd;

static int days_in(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* Read 1..maxd digits. */
static const char *digits(const char *s, int maxd, int *out, int *nd)
{
    int v = 0, n = 0;
    while (n < maxd && *s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        s++, n++;
    }
    *out = v;
    *nd = n;
    return s;
}

/* Strictly YYYY-MM-DD (the schema pattern). */
static bool parse_iso(const char *s, ymd *out)
{
    int n;
    s = digits(s, 4, &out->y, &n);
    if (n != 4 || *s++ != '-')
        return false;
    s = digits(s, 2, &out->m, &n);
    if (n != 2 || *s++ != '-')
        return false;
    s = digits(s, 2, &out->d, &n);
    return n == 2 && *s == '\0';
}

/* Year-first with another separator or without zero padding
 * (2026/04/20, 2026.4.2, 2026-4-20): unambiguous, so a fix can be offered. */
static bool parse_loose(const char *s, ymd *out)
{
    int n;
    s = digits(s, 4, &out->y, &n);
    if (n != 4)
        return false;
    char sep = *s;
    if (sep != '-' && sep != '/' && sep != '.' && sep != '_')
        return false;
    s = digits(s + 1, 2, &out->m, &n);
    if (n < 1 || *s != sep)
        return false;
    s = digits(s + 1, 2, &out->d, &n);
    return n >= 1 && *s == '\0';
}

static bool valid_ymd(const ymd *v)
{
    return v->m >= 1 && v->m <= 12 && v->d >= 1 && v->d <= days_in(v->y, v->m);
}

/* Checks one date; true (and *out) when it is valid. */
static bool check_date(const ctx *c, const char *what, sg_str v, ymd *out)
{
    if (!v.s)
        return false;
    char b[SHOW_SIZE];
    if (parse_iso(v.s, out)) {
        if (valid_ymd(out))
            return true;
        if (out->m < 1 || out->m > 12)
            SG_ERR(c->d, "date-format", at(c, v.pos),
                   "%s '%s' is not a valid date: month %02d does not exist (expected YYYY-MM-DD)",
                   what, show0(b, v.s), out->m);
        else
            SG_ERR(c->d, "date-format", at(c, v.pos),
                   "%s '%s' is not a valid date: %04d-%02d has %d days (expected YYYY-MM-DD)",
                   what, show0(b, v.s), out->y, out->m, days_in(out->y, out->m));
        return false;
    }
    ymd l;
    if (parse_loose(v.s, &l) && valid_ymd(&l)) {
        SG_ERR(c->d, "date-format", at(c, v.pos),
               "%s '%s' is not in the YYYY-MM-DD format (use '%04d-%02d-%02d')", what,
               show0(b, v.s), l.y, l.m, l.d);
        return false;
    }
    SG_ERR(c->d, "date-format", at(c, v.pos),
           "%s '%s' is not in the YYYY-MM-DD format (e.g. '2024-01-31')", what, show0(b, v.s));
    return false;
}

static int ymd_cmp(const ymd *a, const ymd *b)
{
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    if (a->m != b->m)
        return a->m < b->m ? -1 : 1;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    return 0;
}

/* ---- metadata checks ------------------------------------------------------------ */

static const char *const statuses[] = {"stable", "test", "experimental", "deprecated",
                                       "unsupported", NULL};
static const char *const levels[] = {"informational", "low", "medium", "high", "critical",
                                     NULL};
static const char *const related_types[] = {"derived", "obsolete", "merged", "renamed",
                                            "similar", NULL};

static bool tag_char(char ch, bool dot_ok)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
           (dot_ok && ch == '.');
}

/* ^[a-z0-9_-]+\.[a-z0-9._-]+$ */
static bool tag_ok(const char *s)
{
    const char *p = s;
    while (tag_char(*p, false))
        p++;
    if (p == s || *p != '.')
        return false;
    const char *q = ++p;
    while (tag_char(*p, true))
        p++;
    return p > q && *p == '\0';
}

static void check_tag(const ctx *c, sg_str t)
{
    if (!t.s || tag_ok(t.s))
        return;
    char b[SHOW_SIZE];
    /* Suggest the fix when lower-casing and ' ' -> '_' make it valid. */
    char fix[SHOW_SIZE];
    size_t n = strlen(t.s);
    if (n < sizeof fix) {
        for (size_t i = 0; i <= n; i++) {
            char ch = t.s[i];
            fix[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch == ' ' ? '_' : ch;
        }
        if (tag_ok(fix)) {
            SG_ERR(c->d, "tag-format", at(c, t.pos),
                   "tag '%s' is not in the namespace.name format (use '%s')", show0(b, t.s), fix);
            return;
        }
    }
    SG_ERR(c->d, "tag-format", at(c, t.pos),
           "tag '%s' is not in the namespace.name format: lower-case letters, digits, "
           "'_', '-' and '.', with a '.' after the namespace",
           show0(b, t.s));
}

/* Bytes < 0x20 other than tab and newline, and DEL. */
static bool find_control(const char *s, size_t len, unsigned char *which)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7f) {
            *which = ch;
            return true;
        }
    }
    return false;
}

static void control_str(const ctx *c, const char *what, sg_str v)
{
    unsigned char ch;
    if (v.s && find_control(v.s, strlen(v.s), &ch))
        SG_WARN(c->d, "control-characters", at(c, v.pos),
                "%s contains the control character 0x%02X", what, ch);
}

static void control_list(const ctx *c, const char *what, const sg_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        control_str(c, what, l->v[i]);
}

/* Top-level keys a document may have beyond the ones the loader types. */
static bool known_custom(const sg_rule *r, const char *key)
{
    return r->kind == SG_DOC_CORRELATION && strcmp(key, "generate") == 0;
}

static void check_metadata(const ctx *c)
{
    const sg_rule *r = c->r;
    char b[SHOW_SIZE];

    if (!r->title.s)
        SG_ERR(c->d, "missing-key", at(c, r->pos), "missing required key 'title'");
    else if (u8len(r->title.s) > 256)
        SG_ERR(c->d, "title-length", at(c, r->title.pos),
               "title is %zu characters long, over the maximum of 256", u8len(r->title.s));
    if (r->description.s && u8len(r->description.s) > 65535)
        SG_ERR(c->d, "description-length", at(c, r->description.pos),
               "description is %zu characters long, over the maximum of 65535",
               u8len(r->description.s));

    check_enum(c, "status-value", "status", r->status, statuses);
    check_enum(c, "level-value", "level", r->level, levels);

    ymd date, mod;
    bool have_date = check_date(c, "date", r->date, &date);
    bool have_mod = check_date(c, "modified", r->modified, &mod);
    if (have_date && have_mod && ymd_cmp(&mod, &date) < 0)
        SG_WARN(c->d, "date-order", at(c, r->modified.pos),
                "modified date %s is earlier than the creation date %s", r->modified.s,
                r->date.s);

    if (r->id.s && !is_uuid(r->id.s))
        SG_WARN(c->d, "id-uuid", at(c, r->id.pos), "id '%s' is not a UUID", show0(b, r->id.s));

    for (size_t i = 0; i < r->nrelated; i++) {
        const sg_related *rel = &r->related[i];
        if (rel->id.s && !is_uuid(rel->id.s))
            SG_WARN(c->d, "related-id", at(c, rel->id.pos), "related id '%s' is not a UUID",
                    show0(b, rel->id.s));
        check_enum(c, "related-type", "related type", rel->type, related_types);
    }

    for (size_t i = 0; i < r->tags.n; i++)
        check_tag(c, r->tags.v[i]);

    for (size_t i = 0; i < r->falsepositives.n; i++) {
        sg_str fp = r->falsepositives.v[i];
        if (fp.s && u8len(fp.s) < 2)
            SG_WARN(c->d, "falsepositive-length", at(c, fp.pos),
                    "falsepositives item '%s' is shorter than 2 characters", show0(b, fp.s));
    }

    /* control characters in every metadata string */
    control_str(c, "title", r->title);
    control_str(c, "id", r->id);
    control_str(c, "name", r->name);
    control_str(c, "taxonomy", r->taxonomy);
    control_str(c, "description", r->description);
    control_str(c, "license", r->license);
    control_str(c, "author", r->author);
    control_list(c, "a reference", &r->references);
    control_list(c, "a field name", &r->fields);
    control_list(c, "a falsepositives item", &r->falsepositives);
    control_list(c, "a tag", &r->tags);
    control_list(c, "a scope item", &r->scope);
    control_str(c, "logsource category", r->logsource.category);
    control_str(c, "logsource product", r->logsource.product);
    control_str(c, "logsource service", r->logsource.service);
    control_str(c, "logsource definition", r->logsource.definition);

    if (c->o && c->o->strict)
        for (size_t i = 0; i < r->ncustom; i++) {
            const sg_custom *cu = &r->custom[i];
            if (cu->key.s && !known_custom(r, cu->key.s))
                SG_WARN(c->d, "custom-attribute", at(c, cu->key.pos),
                        "'%s' is not a Sigma attribute (custom attribute)", show0(b, cu->key.s));
        }
}

static void check_rule_keys(const ctx *c)
{
    const sg_rule *r = c->r;
    if (!r->logsource.present)
        SG_ERR(c->d, "missing-key", at(c, r->pos), "missing required key 'logsource'");
    else if (!r->logsource.category.s && !r->logsource.product.s && !r->logsource.service.s)
        SG_ERR(c->d, "logsource-empty", at(c, r->logsource.pos),
               "logsource has none of 'category', 'product' or 'service'");
    if (!r->has_detection)
        SG_ERR(c->d, "missing-key", at(c, r->pos), "missing required key 'detection'");
}

/* ---- detection lint ----------------------------------------------------------------- */

/* Modifier summary of one item. */
typedef struct mods {
    unsigned long long set; /* bit per sg_modifier */
    bool unknown;           /* a name the table does not know */
    sg_pos all_pos;
} mods;

#define BIT(m) (1ull << (m))

static mods item_mods(const sg_item *it)
{
    mods m = {0, false, it->pos};
    for (size_t i = 0; i < it->nmods; i++) {
        int id = it->mods[i].id >= 0 ? it->mods[i].id : sg_modifier_lookup(it->mods[i].name);
        if (id < 0 || id >= SG_MOD__COUNT) {
            m.unknown = true;
            continue;
        }
        m.set |= BIT(id);
        if (id == SG_MOD_ALL)
            m.all_pos = it->mods[i].pos;
    }
    return m;
}

#define MATCH_MODS (BIT(SG_MOD_CONTAINS) | BIT(SG_MOD_STARTSWITH) | BIT(SG_MOD_ENDSWITH))

/* Wildcards of a Sigma string: `*` and `?` unless escaped by a backslash
 * (`\*`, `\?`, `\\`). */
typedef struct wild {
    bool lead, trail; /* unescaped '*' first / last */
    size_t stars, others; /* unescaped '*' count; unescaped '?' count */
} wild;

static wild scan_wild(const char *s, size_t len)
{
    wild w = {false, false, 0, 0};
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < len && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
            i++;
            continue;
        }
        if (ch == '*') {
            w.stars++;
            if (i == 0)
                w.lead = true;
            if (i == len - 1)
                w.trail = true;
        } else if (ch == '?') {
            w.others++;
        }
    }
    return w;
}

static bool is_string(const sg_value *v)
{
    return v->type == SG_V_STRING && v->str;
}

/* The value is nothing but '*' (one or more). */
static bool all_stars(const sg_value *v)
{
    if (!is_string(v) || v->len == 0)
        return false;
    for (size_t i = 0; i < v->len; i++)
        if (v->str[i] != '*')
            return false;
    return true;
}

static void lint_match_everything(const ctx *c, const sg_item *it, const mods *m,
                                  const sg_map *alt)
{
    if (m->unknown || (m->set & ~BIT(SG_MOD_CASED) & ~BIT(SG_MOD_ALL)))
        return;
    size_t nstar = 0;
    for (size_t i = 0; i < it->values.n; i++)
        if (all_stars(&it->values.v[i]))
            nstar++;
    if (nstar == 0)
        return;
    /* OR of values: one '*' is enough; AND (|all): every value must be '*'. */
    if ((m->set & BIT(SG_MOD_ALL)) && nstar != it->values.n)
        return;
    char b[SHOW_SIZE];
    if (!it->field)
        SG_WARN(c->d, "match-everything", at(c, it->pos),
                "keyword '*' matches every event: the selection does not restrict anything");
    else if (alt->n == 1)
        SG_WARN(c->d, "match-everything", at(c, it->pos),
                "'%s: *' matches every event: the selection does not restrict anything",
                show0(b, it->field));
    else
        SG_WARN(c->d, "match-everything", at(c, it->pos),
                "'%s: *' matches any value: it does not restrict the selection "
                "(to require the field, use '%s|exists: true')",
                show0(b, it->field), it->field);
}

/* Equality compares of one field to two different values, ANDed: never true.
 * Only for modifiers that keep the test an exact comparison. */
static void lint_all(const ctx *c, const sg_item *it, const mods *m)
{
    const unsigned long long exact =
        BIT(SG_MOD_ALL) | BIT(SG_MOD_CASED) | BIT(SG_MOD_BASE64) | BIT(SG_MOD_UTF16LE) |
        BIT(SG_MOD_UTF16BE) | BIT(SG_MOD_UTF16) | BIT(SG_MOD_WIDE) | BIT(SG_MOD_WINDASH);
    if (!it->field || m->unknown || !(m->set & BIT(SG_MOD_ALL)) || (m->set & ~exact))
        return;
    if (it->values.n < 2)
        return;
    bool cased = m->set & BIT(SG_MOD_CASED);
    const sg_value *first = NULL;
    bool differ = false;
    for (size_t i = 0; i < it->values.n; i++) {
        const sg_value *v = &it->values.v[i];
        if (v->type == SG_V_NULL)
            return;
        if (is_string(v)) {
            wild w = scan_wild(v->str, v->len);
            if (w.stars || w.others)
                return;
        }
        if (!first) {
            first = v;
            continue;
        }
        bool same = v->len == first->len &&
                    (cased ? memcmp(v->str, first->str, v->len) == 0
                           : same_nocase(v->str, first->str, v->len));
        if (!same)
            differ = true;
    }
    if (!differ)
        return;
    char b[SHOW_SIZE];
    SG_WARN(c->d, "all-without-contains", at(c, m->all_pos),
            "'%s|all' requires the field to equal %zu different values at once, which never "
            "matches: did you mean '%s|contains|all'?",
            show0(b, it->field), it->values.n, it->field);
}

static void lint_values(const ctx *c, const sg_item *it, const mods *m)
{
    char b[SHOW_SIZE], f[SHOW_SIZE];
    const char *field = it->field ? show0(f, it->field) : NULL;
    bool numeric_field =
        field && (!strcmp(it->field, "EventID") || !strcmp(it->field, "EventCode") ||
                  !strcmp(it->field, "event_id") ||
                  (strlen(it->field) > 4 &&
                   !strcmp(it->field + strlen(it->field) - 4, "Port")));
    for (size_t i = 0; i < it->values.n; i++) {
        const sg_value *v = &it->values.v[i];
        if (!is_string(v))
            continue;
        unsigned char ch;
        if (find_control(v->str, v->len, &ch))
            SG_WARN(c->d, "control-characters", at(c, v->pos),
                    "value '%s' contains the control character 0x%02X", show(b, v->str, v->len),
                    ch);
        if (v->len == 0 && !m->unknown && (m->set & MATCH_MODS) && field)
            SG_WARN(c->d, "empty-value", at(c, v->pos),
                    "'' with a contains/startswith/endswith modifier matches every value of "
                    "'%s'",
                    field);
        if (field && it->nmods == 0 && v->len > 1 && strlen(v->str) == v->len) {
            wild w = scan_wild(v->str, v->len);
            const char *mod = NULL, *where = NULL;
            size_t from = 0, n = v->len;
            if (w.lead && w.trail && w.stars == 2 && !w.others && v->len > 2)
                mod = "contains", where = "wildcards only at the start and end", from = 1,
                n = v->len - 2;
            else if (w.lead && !w.trail && w.stars == 1 && !w.others)
                mod = "endswith", where = "a wildcard only at the start", from = 1,
                n = v->len - 1;
            else if (w.trail && !w.lead && w.stars == 1 && !w.others)
                mod = "startswith", where = "a wildcard only at the end", n = v->len - 1;
            char rest[SHOW_SIZE];
            if (mod)
                SG_WARN(c->d, "wildcard-modifier", at(c, v->pos),
                        "'%s' has %s: use '%s|%s' with '%s'", show(b, v->str, v->len), where,
                        field, mod, show(rest, v->str + from, n));
        }
        if (numeric_field && it->nmods == 0 && v->quoted && v->len > 0) {
            size_t k = 0;
            while (k < v->len && v->str[k] >= '0' && v->str[k] <= '9')
                k++;
            if (k == v->len)
                SG_WARN(c->d, "number-as-string", at(c, v->pos),
                        "'%s' is quoted, so '%s' is compared as a string: write %s without "
                        "quotes",
                        show(b, v->str, v->len), field, v->str);
        }
    }
}

/* ---- unused identifiers -------------------------------------------------------------- */

typedef struct name_ix {
    const char *name;
    size_t i;
} name_ix;

static int name_ix_cmp(const void *a, const void *b)
{
    return strcmp(((const name_ix *)a)->name, ((const name_ix *)b)->name);
}

typedef struct use_state {
    const sg_rule *r;
    bool *used;
    size_t nused;
    name_ix *sorted; /* may be NULL (allocation failed): linear lookups */
    size_t budget;   /* pattern matches left; 0 = gave up (hostile input) */
} use_state;

/* `1 of P` against every identifier is patterns x identifiers: enough for
 * any real rule, bounded for a hostile one (which then gets no finding). */
#define MATCH_BUDGET (1u << 24)

static void mark(use_state *u, size_t i)
{
    if (!u->used[i]) {
        u->used[i] = true;
        u->nused++;
    }
}

static void mark_ref(use_state *u, const sg_cond *c)
{
    const sg_rule *r = u->r;
    if (c->kind == SG_C_ID) {
        if (!c->name)
            return;
        if (u->sorted) {
            name_ix key = {c->name, 0};
            const name_ix *hit =
                bsearch(&key, u->sorted, r->nsearches, sizeof *u->sorted, name_ix_cmp);
            if (hit)
                mark(u, hit->i);
            return;
        }
        for (size_t i = 0; i < r->nsearches; i++)
            if (!strcmp(r->searches[i].name, c->name))
                mark(u, i);
        return;
    }
    /* 1 of / all of: `them` (all but _names) or a pattern */
    for (size_t i = 0; i < r->nsearches && u->budget; i++) {
        if (u->used[i])
            continue;
        u->budget--;
        const char *n = r->searches[i].name;
        if (c->name ? sg_pattern_match(c->name, n) : n[0] != '_')
            mark(u, i);
    }
}

/* Walk every condition AST without recursion: chains of `or` can be long. */
static bool collect_refs(use_state *u)
{
    const sg_rule *r = u->r;
    size_t cap = 64, n = 0;
    const sg_cond **stack = sg_malloc(cap * sizeof *stack);
    if (!stack)
        return false;
    for (size_t k = 0; k < r->nconditions; k++) {
        if (r->conditions[k])
            stack[n++] = r->conditions[k];
        while (n > 0 && u->nused < r->nsearches && u->budget) {
            const sg_cond *c = stack[--n];
            switch (c->kind) {
            case SG_C_AND:
            case SG_C_OR:
            case SG_C_NOT:
                if (n + 2 > cap) {
                    const sg_cond **p = sg_realloc(stack, 2 * cap * sizeof *stack);
                    if (!p) {
                        sg_free(stack);
                        return false;
                    }
                    stack = p;
                    cap *= 2;
                }
                if (c->a)
                    stack[n++] = c->a;
                if (c->b)
                    stack[n++] = c->b;
                break;
            case SG_C_ID:
            case SG_C_ONE_OF:
            case SG_C_ALL_OF:
                mark_ref(u, c);
                break;
            }
        }
        n = 0;
    }
    sg_free(stack);
    return true;
}

static void lint_unused(const ctx *c)
{
    const sg_rule *r = c->r;
    if (r->nsearches == 0 || r->nconditions == 0)
        return;
    use_state u = {r, sg_calloc(r->nsearches, sizeof(bool)), 0, NULL, MATCH_BUDGET};
    if (!u.used) {
        c->d->oom = true;
        return;
    }
    u.sorted = sg_malloc(r->nsearches * sizeof *u.sorted);
    if (u.sorted) {
        for (size_t i = 0; i < r->nsearches; i++)
            u.sorted[i] = (name_ix){r->searches[i].name, i};
        qsort(u.sorted, r->nsearches, sizeof *u.sorted, name_ix_cmp);
    }
    if (!collect_refs(&u)) {
        c->d->oom = true;
    } else if (u.budget) {
        char b[SHOW_SIZE];
        for (size_t i = 0; i < r->nsearches; i++)
            if (!u.used[i])
                SG_WARN(c->d, "unused-identifier", at(c, r->searches[i].pos),
                        "search identifier '%s' is not used by the condition",
                        show0(b, r->searches[i].name));
    }
    sg_free(u.sorted);
    sg_free(u.used);
}

static void check_detection(const ctx *c)
{
    const sg_rule *r = c->r;
    for (size_t s = 0; s < r->nsearches; s++) {
        const sg_search *se = &r->searches[s];
        for (size_t a = 0; a < se->nalts; a++) {
            const sg_map *alt = &se->alts[a];
            for (size_t i = 0; i < alt->n; i++) {
                const sg_item *it = &alt->items[i];
                mods m = item_mods(it);
                lint_match_everything(c, it, &m, alt);
                lint_all(c, it, &m);
                lint_values(c, it, &m);
            }
        }
    }
    lint_unused(c);
}

/* ---- entry points ----------------------------------------------------------------------- */

/* A document with nothing in it (not a map, empty): the loader said so. */
static bool nothing_read(const sg_rule *r)
{
    return r->broken && !r->title.s && !r->id.s && !r->logsource.present && !r->has_detection &&
           !r->correlation && !r->filter && r->ncustom == 0;
}

void sg_check_rule(const sg_rule *r, const sg_check_opts *o, sg_diags *d)
{
    if (!r || !d || r->legacy || nothing_read(r))
        return;
    ctx c = {r, o, d};
    check_metadata(&c);
    if (r->kind != SG_DOC_RULE)
        return;
    check_rule_keys(&c);
    if (!r->broken)
        check_detection(&c);
}

/* ---- checks across documents ----------------------------------------------------------- */

/* A tiny open-addressing set of strings, remembering where each was first
 * seen. Sized once for all n documents, so it never grows. */
typedef struct seen {
    const char *key; /* NULL = empty slot */
    sg_pos pos;
} seen;

typedef struct seen_set {
    seen *slots;
    size_t mask;
} seen_set;

static bool seen_init(seen_set *t, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    t->slots = sg_calloc(cap, sizeof *t->slots);
    t->mask = cap - 1;
    return t->slots != NULL;
}

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 32));
}

/* The slot of key: the existing one (key set) or the empty one to fill. */
static seen *seen_slot(seen_set *t, const char *key)
{
    size_t i = hash_str(key) & t->mask;
    while (t->slots[i].key && strcmp(t->slots[i].key, key) != 0)
        i = (i + 1) & t->mask;
    return &t->slots[i];
}

typedef struct dup_kind {
    const char *check;
    const char *what;
    sg_severity sev;
    size_t offset; /* of the sg_str in sg_rule */
} dup_kind;

static void find_dups(sg_rule *const *rules, size_t n, const dup_kind *k, sg_diags *d)
{
    seen_set t;
    if (!seen_init(&t, n)) {
        d->oom = true;
        return;
    }
    char b[SHOW_SIZE];
    for (size_t i = 0; i < n; i++) {
        const sg_rule *r = rules[i];
        if (!r || r->legacy)
            continue;
        const sg_str *v = (const sg_str *)(const void *)((const char *)r + k->offset);
        if (!v->s || !v->s[0])
            continue;
        sg_pos p = v->pos.line ? v->pos : r->pos;
        if (!p.file)
            p.file = r->path;
        seen *s = seen_slot(&t, v->s);
        if (!s->key) {
            s->key = v->s;
            s->pos = p;
            continue;
        }
        sg_diag_add(d, k->sev, k->check, p, "%s '%s' is already used by another rule", k->what,
                    show0(b, v->s));
        sg_diag_add(d, SG_SEV_NOTE, k->check, s->pos, "first defined here");
    }
    sg_free(t.slots);
}

void sg_check_set(sg_rule *const *rules, size_t n, const sg_check_opts *o, sg_diags *d)
{
    (void)o;
    if (!rules || !d)
        return;
    static const dup_kind kinds[] = {
        {"duplicate-id", "id", SG_SEV_ERROR, offsetof(sg_rule, id)},
        {"duplicate-name", "name", SG_SEV_ERROR, offsetof(sg_rule, name)},
        {"duplicate-title", "title", SG_SEV_WARNING, offsetof(sg_rule, title)},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        find_dups(rules, n, &kinds[k], d);
}
