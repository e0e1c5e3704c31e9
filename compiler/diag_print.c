/* diag_print.c - text, JSON Lines and SARIF 2.1.0 printers (diag_print.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "diag_print.h"
#include "checks.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define TOOL_URI "https://github.com/SigmaHQ/sigma-specification"
#define MAX_SOURCE_FILE (16u * 1024u * 1024u)
#define MAX_SOURCE_LINE 512 /* bytes of a source line shown */

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t u8seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

/* ---- JSON strings ------------------------------------------------------------ */

static void json_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    putc('"', out);
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c == '"' || c == '\\') {
            putc('\\', out);
            putc((int)c, out);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u%04x", c);
            i++;
        } else {
            size_t k = u8seq(p + i, n - i);
            if (k == 0) {
                fputs("\xEF\xBF\xBD", out); /* U+FFFD */
                i++;
            } else {
                fwrite(p + i, 1, k, out);
                i += k;
            }
        }
    }
    putc('"', out);
}

/* A path as a URI reference: unreserved characters and '/' as they are,
 * everything else percent-encoded (spaces, '%', '#', '?', non-ASCII). */
static void json_uri(FILE *out, const char *s)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/:@!$&'()*+,;=", (int)c))
            putc((int)c, out);
        else
            fprintf(out, "%%%02X", c);
    }
    putc('"', out);
}

static const char *sev_name(sg_severity s)
{
    return s == SG_SEV_ERROR ? "error" : s == SG_SEV_WARNING ? "warning" : "note";
}

/* ---- text --------------------------------------------------------------------- */

/* User text for a terminal: control characters become \n, \t or \xNN and
 * invalid UTF-8 bytes \xNN, so nothing in a rule can drive the terminal. */
static void text_str(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7f)
            run++;
        if (run > i) {
            fwrite(p + i, 1, run - i, out);
            i = run;
            continue;
        }
        unsigned c = p[i];
        if (c == '\n') {
            fputs("\\n", out);
            i++;
        } else if (c == '\t') {
            fputs("\\t", out);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\x%02X", c);
            i++;
        } else {
            size_t k = u8seq(p + i, n - i);
            if (k == 0) {
                fprintf(out, "\\x%02X", c);
                i++;
            } else {
                fwrite(p + i, 1, k, out);
                i += k;
            }
        }
    }
}

/* One file's text and line starts, read on first use. */
typedef struct src_file {
    const char *path; /* borrowed from the diagnostic */
    char *text;       /* NULL: could not be read */
    size_t len;
    size_t *lines; /* byte offset of each line start */
    size_t nlines;
} src_file;

/* Files by path, open addressing; grows at half load. */
typedef struct src_cache {
    src_file *slots;
    size_t cap, n;
    bool oom;
} src_cache;

static size_t hash_path(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 32));
}

static src_file *cache_slot(src_file *slots, size_t cap, const char *path)
{
    size_t i = hash_path(path) & (cap - 1);
    while (slots[i].path && strcmp(slots[i].path, path) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void load_file(src_cache *c, src_file *f)
{
    FILE *fp = fopen(f->path, "rb");
    if (!fp)
        return;
    size_t cap = 4096, len = 0;
    char *buf = sg_malloc(cap);
    while (buf) {
        if (len == cap) {
            if (cap >= MAX_SOURCE_FILE) {
                sg_free(buf);
                buf = NULL;
                break;
            }
            char *p = sg_realloc(buf, cap * 2);
            if (!p) {
                c->oom = true;
                sg_free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
        size_t k = fread(buf + len, 1, cap - len, fp);
        len += k;
        if (k == 0)
            break;
    }
    if (buf && ferror(fp)) {
        sg_free(buf);
        buf = NULL;
    }
    fclose(fp);
    if (!buf)
        return;
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += buf[i] == '\n';
    size_t *lines = sg_malloc(nl * sizeof *lines);
    if (!lines) {
        c->oom = true;
        sg_free(buf);
        return;
    }
    size_t k = 0;
    lines[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n')
            lines[k++] = i + 1;
    f->text = buf;
    f->len = len;
    f->lines = lines;
    f->nlines = nl;
}

/* The cached file for path, read now if it is new; NULL when out of memory. */
static src_file *cache_get(src_cache *c, const char *path)
{
    if (2 * (c->n + 1) > c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        src_file *slots = sg_calloc(cap, sizeof *slots);
        if (!slots) {
            c->oom = true;
            return NULL;
        }
        for (size_t i = 0; i < c->cap; i++)
            if (c->slots[i].path)
                *cache_slot(slots, cap, c->slots[i].path) = c->slots[i];
        sg_free(c->slots);
        c->slots = slots;
        c->cap = cap;
    }
    src_file *f = cache_slot(c->slots, c->cap, path);
    if (!f->path) {
        f->path = path;
        c->n++;
        load_file(c, f);
    }
    return f;
}

static void cache_free(src_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        sg_free(c->slots[i].text);
        sg_free(c->slots[i].lines);
    }
    sg_free(c->slots);
}

/* Write bytes [from, to) of a line for display: tabs kept, other control
 * characters and invalid UTF-8 shown as '?'. With `caret`, write instead the
 * blank run that lines up under the same text (tabs kept, others spaces). */
static void put_line(FILE *out, const unsigned char *s, size_t from, size_t to, bool caret)
{
    for (size_t i = from; i < to;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : u8seq(s + i, to - i);
        if (k == 0)
            k = 1;
        if (c == '\t')
            putc('\t', out);
        else if (caret)
            putc(' ', out);
        else if (c < 0x20 || c == 0x7f || (c >= 0x80 && u8seq(s + i, to - i) == 0))
            putc('?', out);
        else
            fwrite(s + i, 1, k, out);
        i += k;
    }
}

/* Step back to the start of a UTF-8 sequence. */
static size_t char_start(const unsigned char *s, size_t from, size_t i)
{
    while (i > from && (s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* The source line under a diagnostic and a caret at its column (a
 * character column, counted from 1). Long lines show a window around the
 * column, cut with "...". */
static void show_source(FILE *out, const src_file *f, unsigned line, unsigned col)
{
    if (!f || !f->text || line == 0 || line > f->nlines)
        return;
    const unsigned char *s = (const unsigned char *)f->text;
    size_t start = f->lines[line - 1];
    size_t end = line < f->nlines ? f->lines[line] - 1 : f->len;
    if (end > start && s[end - 1] == '\r')
        end--;
    if (start > end)
        return;
    /* byte offset of the column */
    size_t at = start;
    for (unsigned k = 1; k < col && at < end; k++) {
        size_t n = u8seq(s + at, end - at);
        at += n ? n : 1;
    }
    size_t from = start, to = end;
    bool cut_left = false, cut_right = false;
    if (to - from > MAX_SOURCE_LINE) {
        if (at - start > MAX_SOURCE_LINE - 64) {
            from = char_start(s, start, at - (MAX_SOURCE_LINE / 2));
            cut_left = true;
        }
        if (to - from > MAX_SOURCE_LINE) {
            to = char_start(s, from, from + MAX_SOURCE_LINE);
            cut_right = true;
        }
    }
    fprintf(out, "%5u | %s", line, cut_left ? "..." : "");
    put_line(out, s, from, to, false);
    fprintf(out, "%s\n", cut_right ? "..." : "");
    if (col == 0)
        return;
    fprintf(out, "      | %s", cut_left ? "   " : "");
    put_line(out, s, from, at < to ? at : to, true);
    fputs("^\n", out);
}

static void print_text(const sg_diags *d, bool source, FILE *out, src_cache *cache)
{
    for (size_t i = 0; i < d->n; i++) {
        const sg_diag *g = &d->items[i];
        if (g->file) {
            text_str(out, g->file);
            if (g->line) {
                fprintf(out, ":%u", g->line);
                if (g->col)
                    fprintf(out, ":%u", g->col);
            }
            fputs(": ", out);
        } else {
            fputs("sigmacc: ", out);
        }
        fprintf(out, "%s: ", sev_name(g->sev));
        text_str(out, g->message ? g->message : "");
        if (g->check)
            fprintf(out, " [%s]", g->check);
        putc('\n', out);
        if (source && g->file && g->line && !cache->oom)
            show_source(out, cache_get(cache, g->file), g->line, g->col);
    }
}

/* ---- JSON Lines ---------------------------------------------------------------- */

static void print_json(const sg_diags *d, FILE *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const sg_diag *g = &d->items[i];
        fputs("{\"file\":", out);
        json_str(out, g->file);
        fprintf(out, ",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"check\":", g->line,
                g->col, sev_name(g->sev));
        json_str(out, g->check);
        fputs(",\"message\":", out);
        json_str(out, g->message ? g->message : "");
        fputs("}\n", out);
    }
}

/* ---- SARIF 2.1.0 ------------------------------------------------------------------ */

static size_t rule_index(const char *check)
{
    size_t n = sg_check_count();
    if (!check)
        return n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(sg_check_at(i)->name, check) == 0)
            return i;
    return n;
}

static void print_sarif(const sg_diags *d, FILE *out)
{
    fprintf(out, "{\n  \"$schema\": \"%s\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n",
            SARIF_SCHEMA);
    fputs("      \"tool\": {\n        \"driver\": {\n          \"name\": \"sigmacc\",\n", out);
#ifdef PACKAGE_VERSION
    fputs("          \"version\": ", out);
    json_str(out, PACKAGE_VERSION);
    fputs(",\n", out);
#endif
    fputs("          \"informationUri\": \"" TOOL_URI "\",\n          \"rules\": [", out);
    size_t n = sg_check_count();
    for (size_t i = 0; i < n; i++) {
        const sg_check_info *c = sg_check_at(i);
        fputs(i ? ",\n            {\"id\": " : "\n            {\"id\": ", out);
        json_str(out, c->name);
        fputs(", \"shortDescription\": {\"text\": ", out);
        json_str(out, c->description);
        fprintf(out, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}", sev_name(c->sev));
    }
    fputs("\n          ]\n        }\n      },\n", out);
    fputs("      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [", out);
    for (size_t i = 0; i < d->n; i++) {
        const sg_diag *g = &d->items[i];
        fputs(i ? ",\n        {" : "\n        {", out);
        size_t ri = rule_index(g->check);
        if (ri < n) {
            fputs("\"ruleId\": ", out);
            json_str(out, g->check);
            fprintf(out, ", \"ruleIndex\": %zu, ", ri);
        }
        fprintf(out, "\"level\": \"%s\", \"message\": {\"text\": ", sev_name(g->sev));
        json_str(out, g->message ? g->message : "");
        fputs("}", out);
        if (g->file) {
            fputs(", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ",
                  out);
            json_uri(out, g->file);
            fputs("}", out);
            if (g->line) {
                fprintf(out, ", \"region\": {\"startLine\": %u", g->line);
                if (g->col)
                    fprintf(out, ", \"startColumn\": %u", g->col);
                fputs("}", out);
            }
            fputs("}}]", out);
        }
        fputs("}", out);
    }
    fputs(d->n ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n", out);
}

/* ---- entry point ---------------------------------------------------------------------- */

static bool print_to(const sg_diags *d, sg_diag_fmt fmt, bool show_source_lines, FILE *out);


/* The report is formatted into memory and written with one fwrite: stderr
 * is unbuffered, and printing straight to it cost one write(2) per byte
 * (324,000 system calls, a quarter of a corpus compile's time). */
bool sg_diag_print(const sg_diags *d, sg_diag_fmt fmt, bool show_source_lines, FILE *out)
{
    if (!d || !out)
        return false;
    if (d->n == 0 && fmt != SG_FMT_SARIF)
        return fflush(out) == 0 && !ferror(out);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem) {
        bool ok = print_to(d, fmt, show_source_lines, mem);
        ok = fclose(mem) == 0 && ok;
        if (ok)
            ok = fwrite(buf, 1, len, out) == len;
        free(buf);
        return ok && fflush(out) == 0 && !ferror(out);
    }
    return print_to(d, fmt, show_source_lines, out) && fflush(out) == 0 && !ferror(out);
}

static bool print_to(const sg_diags *d, sg_diag_fmt fmt, bool show_source_lines, FILE *out)
{
    src_cache cache = {NULL, 0, 0, false};
    switch (fmt) {
    case SG_FMT_TEXT:
        print_text(d, show_source_lines, out, &cache);
        break;
    case SG_FMT_JSON:
        print_json(d, out);
        break;
    case SG_FMT_SARIF:
        print_sarif(d, out);
        break;
    default:
        return false;
    }
    cache_free(&cache);
    return !ferror(out);
}
