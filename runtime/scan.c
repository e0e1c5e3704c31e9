/* scan.c - buffers of events (JSON values or text lines) through a matcher.
 *
 * Splits a buffer into events at boundaries that need no parsing (see
 * json_boundary), so a caller can cut a stream into chunks for threads and
 * every chunk parses exactly as the whole stream would. Positions (event
 * number, line) are relative to the buffer; the caller adds its offsets. */
#include "config.h"

#include "json_reader.h"
#include "line_fields.h"
#include "match.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Is the newline at buf[nl] the end of a JSON value? `first_line` says
 * whether it ends the value's first line.
 * - Strong rule: the last non-blank byte before is '}' or ']' and the next
 *   is '{' or '['. Valid JSON never has that inside a value (a comma would
 *   sit between), and a raw newline cannot be inside a string.
 * - Weak rule, for JSON lines with a broken or odd line: the value's first
 *   line does not end like an open value ('{' '[' ',' ':') and the next
 *   line starts at column 0 with something that cannot continue a value
 *   (not blank, not '}' ']' ',' ':'). Then one bad line costs one event.
 * Chunks are only cut at strong boundaries (sigma_input_split), where a
 * whole-stream scan ends a value too, so chunking never changes results. */
static bool json_boundary(const char *buf, size_t len, size_t nl, bool first_line, bool *strong)
{
    size_t a = nl;
    while (a > 0 && is_ws(buf[a - 1]) && buf[a - 1] != '\n')
        a--;
    char before = a > 0 ? buf[a - 1] : '\0';
    size_t b = nl + 1;
    while (b < len && is_ws(buf[b]))
        b++;
    char after = b < len ? buf[b] : '\0';
    *strong = false;
    if (b == len)
        return false; /* cannot tell yet (or the end of the buffer) */
    if ((before == '}' || before == ']') && (after == '{' || after == '['))
        return *strong = true;
    char col0 = buf[nl + 1];
    if (first_line && before != '{' && before != '[' && before != ',' && before != ':' &&
        !is_ws(col0) && col0 != '}' && col0 != ']' && col0 != ',' && col0 != ':')
        return true;
    return false;
}

size_t sigma_input_split(sigma_input kind, const char *buf, size_t len)
{
    if (!buf || !len)
        return 0;
    size_t i = len;
    while (i > 0) {
        size_t p = i - 1;
        while (p > 0 && buf[p] != '\n')
            p--;
        if (buf[p] != '\n')
            return 0;
        bool strong;
        if (kind == SIGMA_INPUT_LINES)
            return p + 1;
        if (json_boundary(buf, len, p, false, &strong) && strong)
            return p + 1;
        i = p;
    }
    return 0;
}

/* ---- scanning ----------------------------------------------------------------------------- */

typedef struct scan {
    sigma_matcher *m;
    sigma_scan_match_fn on_match;
    sigma_scan_error_fn on_error;
    void *user;
    const char *buf;     /* the caller's buffer */
    const char *cur;     /* event text as the reader sees it (maybe a copy) */
    const char *orig;    /* where that text is in buf */
    size_t event;        /* index of the current event in buf */
    const char *line_ptr; /* line counting cursor */
    size_t line;
    const char *ev_raw;
    size_t ev_len;
    size_t nmatch;
    bool stop;
} scan;

static size_t line_of(scan *s, const char *p)
{
    if (p < s->line_ptr) {
        s->line_ptr = s->buf;
        s->line = 1;
    }
    const char *q = s->line_ptr;
    while ((q = memchr(q, '\n', (size_t)(p - q))) != NULL) {
        s->line++;
        q++;
    }
    s->line_ptr = p;
    return s->line;
}

/* Map a pointer into the reader's text back into the caller's buffer. */
static const char *in_buf(const scan *s, const char *p)
{
    return s->orig + (p - s->cur);
}

static int match_cb(void *user, const sigma_rule_info *rule)
{
    scan *s = user;
    s->nmatch++;
    if (!s->on_match)
        return 0;
    const char *raw = in_buf(s, s->ev_raw);
    if (s->on_match(s->user, s->event, line_of(s, raw), raw, s->ev_len, rule)) {
        s->stop = true;
        return 1;
    }
    return 0;
}

/* After an event was matched: a regex that hit a limit there is reported
 * (once per rule; the event was matched, not skipped). */
static void limit_notice(scan *s)
{
    const char *msg = sg_matcher_limit_notice(s->m);
    if (msg && s->on_error)
        s->on_error(s->user, s->event, line_of(s, in_buf(s, s->ev_raw)), msg);
}

static sigma_status json_event(void *ctx, const char *raw, size_t len, sg_each_fn each,
                               void *each_ctx)
{
    scan *s = ctx;
    s->ev_raw = raw;
    s->ev_len = len;
    sigma_status st =
        s->stop ? SIGMA_OK : sg_matcher_finish(s->m, raw, len, each, each_ctx, match_cb, s);
    limit_notice(s);
    s->event++;
    return st;
}

static void json_error(void *ctx, const char *at, const char *msg)
{
    scan *s = ctx;
    if (s->on_error)
        s->on_error(s->user, s->event, line_of(s, in_buf(s, at)), msg);
    s->event++;
}

/* About the event json_event just finished (s->event has moved past it). */
static void json_warn(void *ctx, const char *at, const char *msg)
{
    scan *s = ctx;
    if (s->on_error)
        s->on_error(s->user, s->event - 1, line_of(s, in_buf(s, at)), msg);
}

#ifdef HAVE_SIMDJSON
static void free_reader(void *r)
{
    sg_jreader_destroy(r);
}
#endif

typedef struct line_ev {
    const char *s;
    size_t n;
} line_ev;

static int line_each(void *ctx, int (*fn)(void *c, const sigma_value *v), void *c)
{
    const line_ev *l = ctx;
    sigma_value v = {SIGMA_V_STRING, l->s, l->n, 0, 0};
    return fn(c, &v);
}

static sigma_status scan_lines(scan *s, const char *buf, size_t len)
{
    uint32_t raw = sg_ruleset_raw_slot(sg_matcher_ruleset(s->m));
    sg_line_slots ls; /* @timestamp and host, when rules read them */
    sg_line_slots_init(sg_matcher_ruleset(s->m), &ls);
    size_t max_size, max_depth;
    sg_matcher_event_limits(s->m, &max_size, &max_depth);
    size_t i = 0;
    while (i < len && !s->stop) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        size_t e = end;
        if (e > i && buf[e - 1] == '\r')
            e--;
        if (e - i > max_size) {
            s->cur = s->orig = buf;
            if (s->on_error) {
                char msg[128];
                snprintf(msg, sizeof msg,
                         "invalid event: %zu bytes, over the limit of %zu (limit.event-size)",
                         e - i, max_size);
                s->on_error(s->user, s->event, line_of(s, buf + i), msg);
            }
            s->event++;
        } else if (e > i) {
            line_ev l = {buf + i, e - i};
            sg_matcher_begin(s->m);
            if (raw != UINT32_MAX) {
                sigma_value v = {SIGMA_V_STRING, l.s, l.n, 0, 0};
                sg_matcher_add(s->m, raw, &v);
            }
            sg_line_fields(s->m, &ls, l.s, l.n);
            s->ev_raw = l.s;
            s->ev_len = l.n;
            s->cur = s->orig = buf;
            sigma_status st = sg_matcher_finish(s->m, NULL, 0, line_each, &l, match_cb, s);
            if (st != SIGMA_OK)
                return st;
            limit_notice(s);
            s->event++;
        }
        i = end + 1;
    }
    return SIGMA_OK;
}

sigma_status sigma_matcher_scan(sigma_matcher *m, sigma_input kind, const char *buf, size_t len,
                                size_t readable, sigma_scan_match_fn on_match,
                                sigma_scan_error_fn on_error, void *user, size_t *nevents,
                                size_t *nmatches)
{
    if (!m || (!buf && len))
        return SIGMA_EINVAL;
    scan s = {m, on_match, on_error, user, buf, buf, buf, 0, buf, 1, NULL, 0, 0, false};
    sigma_status st = SIGMA_OK;
    if (kind == SIGMA_INPUT_LINES) {
        st = scan_lines(&s, buf, len);
        goto done;
    }
#ifndef HAVE_SIMDJSON
    (void)readable;
    st = SIGMA_ENOTSUP;
    goto done;
#else
    sg_jreader *r = sg_matcher_reader(m);
    if (!r) {
        size_t max_size, max_depth;
        sg_matcher_event_limits(m, &max_size, &max_depth);
        r = sg_jreader_create(sg_matcher_ruleset(m), max_depth, max_size);
        if (!r)
            return SIGMA_ENOMEM;
        sg_matcher_set_reader(m, r, free_reader);
    }
    sg_jreader_sink sink = {&s, json_event, json_error, json_warn};
    char *copy = NULL;
    size_t i = 0;
    while (i < len && !s.stop) {
        while (i < len && is_ws(buf[i]))
            i++;
        if (i == len)
            break;
        /* the value ends at the first boundary after it */
        size_t end = len, from = i;
        bool first = true;
        if (buf[i] != '{' && buf[i] != '[') {
            /* not an object or array: it can only be a bad line */
            const char *nl = memchr(buf + i, '\n', len - i);
            end = nl ? (size_t)(nl - buf) : len;
            from = len;
        }
        while (from < len) {
            const char *nl = memchr(buf + from, '\n', len - from);
            if (!nl)
                break;
            size_t p = (size_t)(nl - buf);
            bool strong;
            if (json_boundary(buf, len, p, first, &strong)) {
                end = p;
                break;
            }
            first = false;
            from = p + 1;
        }
        const char *doc = buf + i;
        size_t n = end - i;
        s.cur = s.orig = doc;
        if (end + SG_JSON_PADDING > readable) {
            /* too close to the end of the caller's memory: pad a copy */
            char *c = sg_realloc(copy, n + SG_JSON_PADDING);
            if (!c) {
                st = SIGMA_ENOMEM;
                break;
            }
            copy = c;
            memcpy(copy, doc, n);
            memset(copy + n, 0, SG_JSON_PADDING);
            s.cur = copy;
        }
        if (sg_jreader_doc(r, m, s.cur, n, &sink) < 0) {
            st = SIGMA_ENOMEM;
            break;
        }
        i = end;
    }
    sg_free(copy);
#endif
done:
    if (nevents)
        *nevents = s.event;
    if (nmatches)
        *nmatches = s.nmatch;
    return st;
}
