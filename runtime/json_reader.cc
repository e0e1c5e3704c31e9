// json_reader.cc - simdjson On-Demand adapter (see json_reader.h).
//
// C++ only here; everything crosses the boundary as C types. No exceptions:
// simdjson's error codes are turned into messages for the sink.
#include "json_reader.h"
#include "rs.h"

#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <utility>
#include <string>
#include <vector>

using namespace simdjson;

static_assert(SIMDJSON_PADDING <= SG_JSON_PADDING, "padding contract");

namespace {

struct tnode {
    std::vector<uint32_t> slots; // fields that end here (usually 0 or 1)
    std::vector<std::pair<std::string, uint32_t>> kids;
    std::vector<int32_t> table; // open addressing over kids; -1 = empty
    uint32_t star = UINT32_MAX; // the `*` child: any other key
};

uint64_t key_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull ^ n;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h ^ (h >> 31);
}

} // namespace

struct sg_jreader {
    const sigma_ruleset *rs = nullptr;
    std::vector<tnode> nodes;
    ondemand::parser main, elem, kw;
    size_t max_depth = 256; // limit.event-depth
    size_t max_size = 0;     // limit.event-size: bytes of a document; 0: none
    char depth_msg[96] = "";
    char kw_depth_msg[160] = "";
};

namespace {

const tnode *child(const sg_jreader *r, const tnode *n, const char *k, size_t len)
{
    const tnode *star = n->star != UINT32_MAX ? &r->nodes[n->star] : nullptr;
    if (n->table.empty())
        return star;
    size_t mask = n->table.size() - 1;
    for (size_t i = key_hash(k, len) & mask;; i = (i + 1) & mask) {
        int32_t e = n->table[i];
        if (e < 0)
            return star;
        const auto &kv = n->kids[(size_t)e];
        if (kv.first.size() == len && memcmp(kv.first.data(), k, len) == 0)
            return &r->nodes[kv.second];
    }
}

// A key that itself contains dots ("process.command_line" in flat ECS
// events) matches the path below n.
const tnode *dotted(const sg_jreader *r, const tnode *n, const char *k, size_t len)
{
    while (n && len) {
        const char *dot = (const char *)memchr(k, '.', len);
        size_t part = dot ? (size_t)(dot - k) : len;
        n = child(r, n, k, part);
        if (!dot)
            return n;
        k += part + 1;
        len -= part + 1;
    }
    return nullptr;
}

struct walker {
    sg_jreader *r;
    sigma_matcher *m;
    error_code err = SUCCESS;
};

bool fail(walker &w, error_code e)
{
    if (w.err == SUCCESS)
        w.err = e;
    return false;
}

// The key of a field, unescaped only when it has escapes. Stage 1 has
// checked that every string is closed, so the quote is there.
bool field_key(ondemand::field &f, std::string_view &key)
{
    const char *raw = f.key().raw();
    const char *q = raw;
    while (*q != '"')
        q++;
    if (!memchr(raw, '\\', (size_t)(q - raw))) {
        key = std::string_view(raw, (size_t)(q - raw));
        return true;
    }
    return f.unescaped_key().get(key) == SUCCESS;
}

bool record(walker &w, ondemand::value &v, const std::vector<uint32_t> &slots,
            ondemand::json_type t)
{
    sigma_value out{};
    switch (t) {
    case ondemand::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s))
            return fail(w, e);
        out.type = SIGMA_V_STRING;
        out.str = s.data();
        out.len = s.size();
        break;
    }
    case ondemand::json_type::number: {
        std::string_view tok = v.raw_json_token();
        while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t' || tok.back() == '\n' ||
                                tok.back() == '\r'))
            tok.remove_suffix(1);
        ondemand::number num;
        if (v.get_number().get(num) != SUCCESS) {
            // beyond 64 bits: keep it as text and as a double
            out.type = SIGMA_V_FLOAT;
            out.f = strtod(std::string(tok).c_str(), nullptr);
        } else if (num.is_int64()) {
            out.type = SIGMA_V_INT;
            out.i = num.get_int64();
            out.f = (double)out.i;
        } else if (num.is_uint64()) {
            out.type = SIGMA_V_FLOAT;
            out.f = (double)num.get_uint64();
        } else {
            out.type = SIGMA_V_FLOAT;
            out.f = num.get_double();
        }
        out.str = tok.data();
        out.len = tok.size();
        break;
    }
    case ondemand::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b))
            return fail(w, e);
        out.type = SIGMA_V_BOOL;
        out.i = b;
        out.str = b ? "true" : "false";
        out.len = b ? 4 : 5;
        break;
    }
    case ondemand::json_type::null: {
        bool is;
        if (auto e = v.is_null().get(is))
            return fail(w, e);
        out.type = SIGMA_V_NULL;
        break;
    }
    default:
        return true;
    }
    for (uint32_t slot : slots)
        sg_matcher_add(w.m, slot, &out);
    return true;
}

// Both walks recurse per level of the event (arrays nest without moving
// in the trie), so both count levels against limit.event-depth: simdjson's
// On-Demand API checks no depth in what it skips.
bool walk_value(walker &w, ondemand::value v, const tnode *n, size_t depth);

bool walk_object(walker &w, ondemand::object o, const tnode *n, size_t depth)
{
    if (depth > w.r->max_depth)
        return fail(w, DEPTH_ERROR);
    bool had_text = false;
    for (auto fr : o) {
        ondemand::field f;
        if (auto e = std::move(fr).get(f))
            return fail(w, e);
        std::string_view key;
        if (!field_key(f, key))
            return fail(w, STRING_ERROR);
        const tnode *c = child(w.r, n, key.data(), key.size());
        if (!n->slots.empty() && key == "#text" &&
            (!c || c == (n->star != UINT32_MAX ? &w.r->nodes[n->star] : nullptr))) {
            ondemand::json_type t;
            if (auto e = f.value().type().get(t))
                return fail(w, e);
            if (t != ondemand::json_type::object && t != ondemand::json_type::array) {
                if (!record(w, f.value(), n->slots, t))
                    return false;
                had_text = true;
            }
            continue;
        }
        if (!c && memchr(key.data(), '.', key.size()))
            c = dotted(w.r, n, key.data(), key.size());
        if (!c)
            continue; // simdjson skips the value
        if (!walk_value(w, f.value(), c, depth + 1))
            return false;
    }
    if (!n->slots.empty() && !had_text) {
        sigma_value out{};
        out.type = SIGMA_V_OBJECT;
        for (uint32_t slot : n->slots)
            sg_matcher_add(w.m, slot, &out);
    }
    return true;
}

bool walk_value(walker &w, ondemand::value v, const tnode *n, size_t depth)
{
    ondemand::json_type t;
    if (auto e = v.type().get(t))
        return fail(w, e);
    if (t == ondemand::json_type::object) {
        ondemand::object o;
        if (auto e = v.get_object().get(o))
            return fail(w, e);
        return walk_object(w, o, n, depth);
    }
    if (t == ondemand::json_type::array) {
        if (depth > w.r->max_depth)
            return fail(w, DEPTH_ERROR);
        ondemand::array a;
        if (auto e = v.get_array().get(a))
            return fail(w, e);
        for (auto er : a) {
            ondemand::value ev;
            if (auto e = er.get(ev))
                return fail(w, e);
            if (!walk_value(w, ev, n, depth + 1))
                return false;
        }
        return true;
    }
    if (!n->slots.empty())
        return record(w, v, n->slots, t);
    return true;
}

// ---- keywords: every string value of an event, in a second parse ----------------

struct each_ctx {
    sg_jreader *r;
    const char *p;
    size_t len, cap;
    bool too_deep; // the keyword walk stopped at limit.event-depth
};

struct kw_walker {
    int (*fn)(void *, const sigma_value *);
    void *c;
    size_t max_depth;
    bool stop = false;
    bool too_deep = false;
};

bool kw_value(kw_walker &k, ondemand::value v, size_t depth)
{
    ondemand::json_type t;
    if (v.type().get(t))
        return false;
    if ((t == ondemand::json_type::object || t == ondemand::json_type::array) &&
        depth > k.max_depth) {
        k.too_deep = true; // skipped (simdjson skips what is not read); the rest is searched
        return true;
    }
    if (t == ondemand::json_type::object) {
        ondemand::object o;
        if (v.get_object().get(o))
            return false;
        for (auto fr : o) {
            ondemand::field f;
            if (std::move(fr).get(f) || !kw_value(k, f.value(), depth + 1))
                return false;
            if (k.stop)
                return true;
        }
        return true;
    }
    if (t == ondemand::json_type::array) {
        ondemand::array a;
        if (v.get_array().get(a))
            return false;
        for (auto er : a) {
            ondemand::value ev;
            if (er.get(ev) || !kw_value(k, ev, depth + 1))
                return false;
            if (k.stop)
                return true;
        }
        return true;
    }
    if (t == ondemand::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s))
            return false;
        sigma_value out{};
        out.type = SIGMA_V_STRING;
        out.str = s.data();
        out.len = s.size();
        if (k.fn(k.c, &out))
            k.stop = true;
    }
    return true;
}

int each_string(void *ctx, int (*fn)(void *, const sigma_value *), void *c)
{
    each_ctx *x = (each_ctx *)ctx;
    ondemand::document d;
    if (x->r->kw.iterate(x->p, x->len, x->cap).get(d))
        return -1;
    kw_walker k{fn, c, x->r->max_depth};
    ondemand::object o;
    if (d.get_object().get(o))
        return -1;
    for (auto fr : o) {
        ondemand::field f;
        if (std::move(fr).get(f) || !kw_value(k, f.value(), 2))
            return -1;
        if (k.stop)
            break;
    }
    x->too_deep |= k.too_deep;
    return 0;
}

const char *message(const sg_jreader *r, error_code e)
{
    switch (e) {
    case DEPTH_ERROR:
        return r->depth_msg;
    case UTF8_ERROR:
        return "invalid event: not valid UTF-8";
    case CAPACITY:
        return "invalid event: too large";
    default:
        return error_message(e);
    }
}


// ---- the field trie -----------------------------------------------------------------
//
// A field name is a dotted path. Two extensions let one slot read several
// places without doubling the rule's tests: a component `*` is any key,
// and `{a|b.c}` is any of the alternatives (evtx-json reads a field from
// Event.EventData or from Event.UserData.<element>).

void expand_path(const std::string &name, std::vector<std::string> &out)
{
    size_t open = name.find('{');
    size_t close = open == std::string::npos ? open : name.find('}', open);
    if (close == std::string::npos) {
        out.push_back(name);
        return;
    }
    std::string head = name.substr(0, open), tail = name.substr(close + 1);
    std::string alts = name.substr(open + 1, close - open - 1);
    size_t from = 0;
    for (;;) {
        size_t bar = alts.find('|', from);
        expand_path(head + alts.substr(from, bar == std::string::npos ? bar : bar - from) + tail,
                    out);
        if (bar == std::string::npos)
            break;
        from = bar + 1;
    }
}

uint32_t kid_of(sg_jreader *r, uint32_t n, const std::string &part, bool create)
{
    if (part == "*") {
        if (r->nodes[n].star == UINT32_MAX && create) {
            uint32_t k = (uint32_t)r->nodes.size();
            r->nodes.emplace_back();
            r->nodes[n].star = k;
        }
        return r->nodes[n].star;
    }
    for (auto &kv : r->nodes[n].kids)
        if (kv.first == part)
            return kv.second;
    if (!create)
        return UINT32_MAX;
    uint32_t k = (uint32_t)r->nodes.size();
    r->nodes.emplace_back();
    r->nodes[n].kids.emplace_back(part, k);
    return k;
}

void insert_path(sg_jreader *r, const std::string &path, uint32_t slot)
{
    uint32_t n = 0;
    size_t from = 0;
    for (;;) {
        size_t dot = path.find('.', from);
        std::string part = path.substr(from, dot == std::string::npos ? dot : dot - from);
        n = kid_of(r, n, part, true);
        if (dot == std::string::npos)
            break;
        from = dot + 1;
    }
    auto &sl = r->nodes[n].slots;
    bool have = false;
    for (uint32_t x : sl)
        have |= x == slot;
    if (!have)
        sl.push_back(slot);
}

// Copy what `src` reads into `dst` (an exact key the star also matches).
void merge_into(sg_jreader *r, uint32_t dst, uint32_t src, unsigned depth)
{
    if (depth > 64)
        return;
    for (uint32_t x : std::vector<uint32_t>(r->nodes[src].slots)) {
        bool have = false;
        for (uint32_t y : r->nodes[dst].slots)
            have |= x == y;
        if (!have)
            r->nodes[dst].slots.push_back(x);
    }
    auto kids = r->nodes[src].kids; // copy: nodes may move
    for (auto &kv : kids)
        merge_into(r, kid_of(r, dst, kv.first, true), kv.second, depth + 1);
    if (r->nodes[src].star != UINT32_MAX)
        merge_into(r, kid_of(r, dst, "*", true), r->nodes[src].star, depth + 1);
}

void merge_stars(sg_jreader *r, uint32_t n)
{
    for (size_t i = 0; i < r->nodes[n].kids.size(); i++)
        if (r->nodes[n].star != UINT32_MAX)
            merge_into(r, r->nodes[n].kids[i].second, r->nodes[n].star, 0);
    for (size_t i = 0; i < r->nodes[n].kids.size(); i++)
        merge_stars(r, r->nodes[n].kids[i].second);
    if (r->nodes[n].star != UINT32_MAX)
        merge_stars(r, r->nodes[n].star);
}

void build_tables(sg_jreader *r)
{
    for (auto &n : r->nodes) {
        if (n.kids.empty())
            continue;
        size_t cap = 4;
        while (cap < n.kids.size() * 2)
            cap *= 2;
        n.table.assign(cap, -1);
        for (size_t i = 0; i < n.kids.size(); i++) {
            size_t j = key_hash(n.kids[i].first.data(), n.kids[i].first.size()) & (cap - 1);
            while (n.table[j] >= 0)
                j = (j + 1) & (cap - 1);
            n.table[j] = (int32_t)i;
        }
    }
}

// One event (an object) at p[0..len): fill the slots, hand it to the sink.
long parse_event(sg_jreader *r, ondemand::parser &parser, sigma_matcher *m, const char *p,
                 size_t len, size_t cap, const sg_jreader_sink *sink)
{
    ondemand::document d;
    error_code e = parser.iterate(p, len, cap).get(d);
    ondemand::object o;
    if (!e)
        e = d.get_object().get(o);
    if (e) {
        sink->error(sink->ctx, p, e == INCORRECT_TYPE ? "invalid event: not a JSON object"
                                                      : message(r, e));
        return 0;
    }
    sg_matcher_begin(m);
    walker w{r, m};
    if (!walk_object(w, o, &r->nodes[0], 1)) {
        sink->error(sink->ctx, p, message(r, w.err));
        return 0;
    }
    const char *loc;
    if (d.current_location().get(loc) == SUCCESS) {
        sink->error(sink->ctx, loc, "invalid event: trailing content after the JSON value");
        return 0;
    }
    each_ctx ec{r, p, len, cap, false};
    if (sink->event(sink->ctx, p, len, each_string, &ec) == SIGMA_ENOMEM)
        return -1;
    if (ec.too_deep && sink->warn) // matched, but not every keyword value was seen
        sink->warn(sink->ctx, p, r->kw_depth_msg);
    return 1;
}

} // namespace

extern "C" {

sg_jreader *sg_jreader_create(const sigma_ruleset *rs, size_t max_depth, size_t max_size)
{
    sg_jreader *r = new (std::nothrow) sg_jreader;
    if (!r)
        return nullptr;
    r->rs = rs;
    r->max_depth = max_depth ? max_depth : 256;
    r->max_size = max_size;
    snprintf(r->depth_msg, sizeof r->depth_msg,
             "invalid event: nested deeper than %zu levels (limit.event-depth)", r->max_depth);
    snprintf(r->kw_depth_msg, sizeof r->kw_depth_msg,
             "warning: event nested deeper than %zu levels (limit.event-depth): keywords were "
             "not searched below that depth",
             r->max_depth);
    // std::bad_alloc cannot cross into C: build the trie under a catch.
    try {
        r->nodes.emplace_back();
        for (size_t s = 0; s < sigma_ruleset_field_count(rs); s++) {
            const char *name = sigma_ruleset_field(rs, s);
            if (!name)
                continue; // the keyword slot
            std::vector<std::string> paths;
            expand_path(name, paths);
            for (const auto &path : paths)
                insert_path(r, path, (uint32_t)s);
        }
        merge_stars(r, 0);
        build_tables(r);
    } catch (...) {
        delete r;
        return nullptr;
    }
    if (r->main.allocate(64 * 1024, r->max_depth) || r->elem.allocate(64 * 1024, r->max_depth) ||
        r->kw.allocate(64 * 1024, r->max_depth)) {
        delete r;
        return nullptr;
    }
    return r;
}

void sg_jreader_destroy(sg_jreader *r)
{
    delete r;
}

long sg_jreader_doc(sg_jreader *r, sigma_matcher *m, const char *p, size_t len,
                    const sg_jreader_sink *sink)
{
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i == len)
        return 0;
    if (r->max_size && len > r->max_size) { // an array of events counts as a whole
        char msg[128];
        snprintf(msg, sizeof msg,
                 "invalid event: %zu bytes, over the limit of %zu (limit.event-size)", len,
                 r->max_size);
        sink->error(sink->ctx, p, msg);
        return 0;
    }
    if (p[i] != '[')
        return parse_event(r, r->main, m, p, len, len + SG_JSON_PADDING, sink);
    // A top-level array: each element is an event, re-parsed on its own so
    // it has its own text (for --format json) and keyword pass.
    ondemand::document d;
    ondemand::array a;
    error_code e = r->main.iterate(p, len, len + SG_JSON_PADDING).get(d);
    if (!e)
        e = d.get_array().get(a);
    if (e) {
        sink->error(sink->ctx, p, message(r, e));
        return 0;
    }
    long n = 0;
    const char *end = p + len + SG_JSON_PADDING;
    for (auto er : a) {
        ondemand::value v;
        ondemand::object o;
        std::string_view raw;
        if ((e = er.get(v)) || (e = v.get_object().get(o)) || (e = o.raw_json().get(raw))) {
            const char *loc = p;
            if (d.current_location().get(loc))
                loc = p;
            sink->error(sink->ctx, loc, e == INCORRECT_TYPE ? "invalid event: not a JSON object"
                                                            : message(r, e));
            if (e == INCORRECT_TYPE)
                continue;
            return n;
        }
        long k = parse_event(r, r->elem, m, raw.data(), raw.size(), (size_t)(end - raw.data()),
                             sink);
        if (k < 0)
            return -1;
        n += k;
    }
    return n;
}

} // extern "C"
