/* suricata.c - target "suricata": network Sigma rules as Suricata 7 rules.
 *
 * One Sigma rule becomes one Suricata rule per term of its condition's
 * disjunctive normal form (suricata_dnf.c): the header carries protocol,
 * addresses and ports (suricata_net.c), the options carry flow, the buffer
 * tests (suricata_match.c) and the metadata. Fields come from the built-in
 * `suricata` pipeline (suricata_fields.c lists them); anything Suricata
 * cannot see or say is a per-rule error, never a dropped condition. */
#include "suricata.h"
#include "suricata_content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- one term -> one rule body ---------------------------------------------------- */

typedef struct rulebuild {
    sc_addrset addr[2];
    sc_portset port[2];
    const char *app;         /* http, dns, tls, tftp, or NULL */
    const sc_field *app_by;  /* the field that set it (for messages) */
    int dir;                 /* SC_DIR_* */
    const sc_field *dir_by;
    const char *proto;       /* a positive protocol test */
    const char *proto_not[8];
    size_t nproto_not;
    int tftp_write;          /* -1: read or write */
    bool header_only;        /* nothing but header tests */
    sg_strbuf explain;
} rulebuild;

static const struct {
    const char *name;
    int number;
} protos[] = {{"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"ip", 0}};

static int proto_number(const char *p)
{
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
        if (!strcmp(protos[i].name, p))
            return protos[i].number;
    return -1;
}

/* The protocol a proto test names: "tcp", "udp", "icmp"; NULL when unknown. */
static const char *proto_value(sc_ctx *cx, const ir_test *t)
{
    const char *s;
    size_t n;
    char buf[8];
    if (t->kind == IR_T_NUM && t->num.is_int && t->op == IR_NUM_EQ) {
        for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
            if (protos[i].number && protos[i].number == t->num.i)
                return protos[i].name;
    } else if (t->kind == IR_T_STR && t->mode == IR_STR_EXACT &&
               ir_segs_literal(t->segs, t->nsegs, &s, &n) && n && n < sizeof buf) {
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        buf[n] = 0;
        for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
            if (!strcmp(protos[i].name, buf) || (protos[i].number && atoi(buf) == protos[i].number &&
                                                 buf[0] >= '1' && buf[0] <= '9'))
                return protos[i].name;
    }
    sc_fail(cx, t->pos, "%s: Suricata headers know the protocols tcp, udp and icmp, not this value",
            sc_name(cx, t->field));
    return NULL;
}

/* true / false of a boolean-ish test value; -1 when it is neither. */
static int bool_value(const ir_test *t)
{
    const char *s;
    size_t n;
    if (t->kind == IR_T_NUM && t->num.is_int && (t->num.i == 0 || t->num.i == 1))
        return (int)t->num.i;
    if (t->kind == IR_T_STR && t->mode == IR_STR_EXACT &&
        ir_segs_literal(t->segs, t->nsegs, &s, &n)) {
        if ((n == 4 && !strncasecmp(s, "true", 4)) || (n == 1 && s[0] == 'T'))
            return 1;
        if ((n == 5 && !strncasecmp(s, "false", 5)) || (n == 1 && s[0] == 'F'))
            return 0;
    }
    return -1;
}

/* The rule's app-layer protocol, from its fields; conflicts are errors. */
static bool set_app(sc_ctx *cx, rulebuild *b, const sc_field *f)
{
    if (f->app) {
        if (b->app && strcmp(b->app, f->app)) {
            sc_fail(cx, (sg_pos){0},
                    "one alternative of the condition tests both %s (%s) and %s (%s): no "
                    "packet is both",
                    sc_name(cx, b->app_by->name), b->app, sc_name(cx, f->name), f->app);
            return false;
        }
        b->app = f->app;
        b->app_by = f;
    }
    if (f->dir != SC_DIR_ANY) {
        if (b->dir != SC_DIR_ANY && b->dir != f->dir) {
            sc_fail(cx, (sg_pos){0},
                    "one alternative of the condition tests %s (in the %s) and %s (in the %s): "
                    "a Suricata 7 rule inspects one direction",
                    sc_name(cx, b->dir_by->name), b->dir == SC_DIR_SERVER ? "request" : "response",
                    sc_name(cx, f->name), f->dir == SC_DIR_SERVER ? "request" : "response");
            return false;
        }
        b->dir = f->dir;
        b->dir_by = f;
    }
    return true;
}

static void describe_tree(const sc_node *n, sg_strbuf *out)
{
    if (n->kind == SC_N_LEAF) {
        sc_describe(n, out);
        return;
    }
    sg_sb_putc(out, '(');
    for (size_t i = 0; i < n->nkids; i++) {
        if (i)
            sg_sb_puts(out, n->kind == SC_N_AND ? " and " : " or ");
        describe_tree(n->kids[i], out);
    }
    sg_sb_putc(out, ')');
}

static void explain_atom(rulebuild *b, const sc_atom *at, const char *what, size_t from,
                         const sg_strbuf *opts)
{
    sg_sb_puts(&b->explain, "#   ");
    if (at->tree)
        describe_tree(at->tree, &b->explain);
    else
        sg_sb_printf(&b->explain, "%s %s", at->field->name, at->neg ? "is absent" : "is present");
    sg_sb_printf(&b->explain, " -> %s", what);
    if (opts && opts->len > from) /* without the trailing space */
        sg_sb_put(&b->explain, opts->data + from, opts->len - from - 1);
    sg_sb_putc(&b->explain, '\n');
}

static bool at_is_header(const sc_atom *at)
{
    sc_fkind k = at->field->kind;
    return k == SC_F_ADDR || k == SC_F_PORT || k == SC_F_PROTO || k == SC_F_TFTP_WRITE ||
           k == SC_F_INITIATED;
}

static sg_pos at_pos(const sc_atom *at)
{
    const sc_node *n = at->tree;
    while (n && n->kind != SC_N_LEAF && n->nkids)
        n = n->kids[0];
    return n && n->kind == SC_N_LEAF ? n->test->pos : (sg_pos){0};
}

static void msg_title(const ir_rule *r, sg_strbuf *out)
{
    sg_sc_msg(out, r->title && *r->title ? r->title : r->id ? r->id : "Sigma rule");
}

/* App-layer protocols over TCP: their rules inspect established flows. */
static bool tcp_app(const char *p)
{
    return !strcmp(p, "http") || !strcmp(p, "tls") || !strcmp(p, "rdp");
}

/* The sticky buffer an atom's keywords go in; NULL: the payload. */
static const char *atom_keyword(const sc_atom *at)
{
    return at->kind == SC_A_PRESENT ? sc_presence_keyword(at) : at->field->keyword;
}

/* Payload first (a sticky buffer cannot be left), then buffers by name. */
static int cmp_keywords(const sc_atom *a, const sc_atom *b)
{
    const char *ka = atom_keyword(a), *kb = atom_keyword(b);
    return !ka || !kb ? (ka != NULL) - (kb != NULL) : strcmp(ka, kb);
}

/* Stable: the condition's order within one buffer. */
static void sort_atoms(const sc_atom **v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const sc_atom *x = v[i];
        size_t j = i;
        for (; j > 0 && cmp_keywords(v[j - 1], x) > 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Build one rule's header and detection options into `out`. Returns 1 when
 * built, 0 when the term can never be true (dropped), -1 on error. */
static int build_term(sc_ctx *cx, const sc_term *t, sg_strbuf *out, sg_strbuf *explain,
                      const char **app)
{
    rulebuild b;
    memset(&b, 0, sizeof b);
    b.tftp_write = -1;
    b.header_only = true;
    b.addr[0].any = b.addr[1].any = true;
    if (!sc_port_all(cx, &b.port[0]) || !sc_port_all(cx, &b.port[1]))
        return -1;
    sg_sb_init(&b.explain);
    int rc = -1;

    /* header atoms, flags and protocol, and contradictions */
    for (size_t i = 0; i < t->n; i++) {
        const sc_atom *at = t->atoms[i];
        const sc_field *f = at->field;
        if (at->kind == SC_A_GROUP && f->kind == SC_F_ADDR) {
            sc_addrset s;
            bool ok = true;
            if (!sc_addr_eval(cx, at->tree, &s, &ok) || !sc_addr_and(cx, &b.addr[f->side], &s))
                goto out;
            explain_atom(&b, at, f->side == SC_SRC ? "header source address" :
                                                     "header destination address", 0, NULL);
        } else if (at->kind == SC_A_GROUP && f->kind == SC_F_PORT) {
            sc_portset s;
            if (!sc_port_eval(cx, at->tree, &s) || !sc_port_and(cx, &b.port[f->side], &s))
                goto out;
            explain_atom(&b, at, f->side == SC_SRC ? "header source port" :
                                                     "header destination port", 0, NULL);
        } else if (at->kind == SC_A_PROTO) {
            const char *p = proto_value(cx, at->tree->test);
            if (!p)
                goto out;
            if (at->tree->neg) {
                if (b.nproto_not < sizeof b.proto_not / sizeof b.proto_not[0])
                    b.proto_not[b.nproto_not++] = p;
            } else if (b.proto && strcmp(b.proto, p)) {
                rc = 0; /* tcp and udp at once */
                goto out;
            } else {
                b.proto = p;
            }
            explain_atom(&b, at, "header protocol", 0, NULL);
        } else if (at->kind == SC_A_FLAG && f->kind == SC_F_TFTP_WRITE) {
            int v = bool_value(at->tree->test);
            if (v < 0) {
                sc_fail(cx, at->tree->test->pos, "%s is true or false",
                        sc_name(cx, at->tree->test->field));
                goto out;
            }
            v ^= at->tree->neg;
            if (b.tftp_write >= 0 && b.tftp_write != v) {
                rc = 0;
                goto out;
            }
            b.tftp_write = v;
            b.header_only = false;
            if (!set_app(cx, &b, f))
                goto out;
            explain_atom(&b, at, v ? "TFTP write request (opcode 2)" : "TFTP read request (opcode 1)",
                         0, NULL);
        } else if (at->kind == SC_A_FLAG) { /* initiated */
            if (bool_value(at->tree->test) != !at->tree->neg) {
                sc_fail(cx, at->tree->test->pos,
                        "%s: only connections the source initiated can be told apart "
                        "(Suricata rules read source -> destination)",
                        sc_name(cx, at->tree->test->field));
                goto out;
            }
            explain_atom(&b, at, "the source initiated it: flow:to_server", 0, NULL);
        } else {
            b.header_only = false;
            if (!set_app(cx, &b, f))
                goto out;
            if (at->kind == SC_A_PRESENT && (f->flags & SC_ALWAYS) && at->neg) {
                rc = 0; /* never absent */
                goto out;
            }
            /* absent and tested in the same alternative: never true */
            for (size_t j = 0; j < t->n; j++)
                if (j != i && t->atoms[j]->field == f && at->kind == SC_A_PRESENT && at->neg &&
                    !(t->atoms[j]->kind == SC_A_PRESENT && t->atoms[j]->neg)) {
                    rc = 0;
                    goto out;
                }
        }
    }
    /* keywords need a cleartext protocol */
    const char *state_app = ir_state_get(cx->r, "suricata_app");
    for (size_t i = 0; i < t->n; i++)
        if (t->atoms[i]->field->kind == SC_F_PAYLOAD) {
            const char *kw_app = b.app ? b.app : state_app;
            if (!kw_app || strcmp(kw_app, "http")) {
                sc_fail(cx, at_pos(t->atoms[i]),
                        "keywords (values without a field) can only be matched in a cleartext "
                        "payload, and %s%s is not one",
                        kw_app ? "the protocol " : "this log source",
                        kw_app ? kw_app : " (the pipeline did not name its protocol)");
                goto out;
            }
            b.app = kw_app;
            if (b.dir == SC_DIR_ANY)
                b.dir = SC_DIR_SERVER;
        }
    if (!b.app && state_app && strcmp(state_app, "tftp") && proto_number(state_app) < 0)
        b.app = state_app; /* e.g. a proxy rule on addresses only: still an HTTP request */

    /* protocol and header */
    const char *hproto = b.app ? b.app : b.proto ? b.proto : "ip";
    if (b.app && !strcmp(b.app, "tftp")) {
        hproto = "udp";
        sc_portset p69;
        if (!sc_port_all(cx, &p69))
            goto out;
        p69.iv[0][0] = p69.iv[0][1] = 69;
        if (!sc_port_and(cx, &b.port[SC_DST], &p69))
            goto out;
    }
    bool need_ip_proto = false;
    if (b.proto && b.app) {
        if ((tcp_app(hproto) && strcmp(b.proto, "tcp")) || (!strcmp(hproto, "udp") && strcmp(b.proto, "udp")) ||
            (!strcmp(hproto, "dns") && !strcmp(b.proto, "icmp"))) {
            rc = 0;
            goto out;
        }
        need_ip_proto = !strcmp(hproto, "dns");
    }
    for (size_t i = 0; i < b.nproto_not; i++) {
        if (!strcmp(b.proto_not[i], hproto) || (b.proto && !strcmp(b.proto_not[i], b.proto)) ||
            (tcp_app(hproto) && !strcmp(b.proto_not[i], "tcp"))) {
            rc = 0;
            goto out;
        }
    }
    if (!sc_addr_normalise(&b.addr[0]) || !sc_addr_normalise(&b.addr[1]) || !b.port[0].n ||
        !b.port[1].n) {
        rc = 0; /* no address or port left */
        goto out;
    }
    if (!strcmp(hproto, "icmp") && (!sc_port_is_all(&b.port[0]) || !sc_port_is_all(&b.port[1]))) {
        rc = 0; /* icmp has no ports */
        goto out;
    }
    if (b.header_only && !b.proto && !b.nproto_not && !b.app && b.addr[0].any && !b.addr[0].nneg &&
        b.addr[1].any && !b.addr[1].nneg && sc_port_is_all(&b.port[0]) &&
        sc_port_is_all(&b.port[1])) {
        sc_fail(cx, (sg_pos){0}, "one alternative of the condition would match every packet");
        goto out;
    }

    sg_sb_printf(out, "alert %s ", hproto);
    sc_addr_print(&b.addr[SC_SRC], out);
    sg_sb_putc(out, ' ');
    sc_port_print(&b.port[SC_SRC], out);
    sg_sb_puts(out, " -> ");
    sc_addr_print(&b.addr[SC_DST], out);
    sg_sb_putc(out, ' ');
    sc_port_print(&b.port[SC_DST], out);
    sg_sb_puts(out, " (msg:\"");
    msg_title(cx->r, out);
    sg_sb_puts(out, "\"; ");

    /* flow: requests to the server; a bare TCP connection alerts on its SYN */
    const char *dirs = b.dir == SC_DIR_CLIENT ? "to_client" : "to_server";
    size_t from = out->len;
    if (tcp_app(hproto))
        sg_sb_printf(out, "flow:%s,established; ", dirs);
    else if (!strcmp(hproto, "tcp"))
        sg_sb_puts(out, "flow:to_server; flags:S,12; ");
    else
        sg_sb_printf(out, "flow:%s; ", dirs);
    if (need_ip_proto)
        sg_sb_printf(out, "ip_proto:%d; ", proto_number(b.proto));
    for (size_t i = 0; i < b.nproto_not; i++)
        if (!strcmp(hproto, "ip"))
            sg_sb_printf(out, "ip_proto:!%d; ", proto_number(b.proto_not[i]));
    sg_sb_printf(&b.explain, "#   direction and protocol -> %.*s\n",
                 (int)(out->len - from ? out->len - from - 1 : 0), out->data + from);

    /* detection keywords: payload first, then header names, then buffers */
    if (b.app && !strcmp(b.app, "tftp")) {
        from = out->len;
        sc_match_tftp_opcode(b.tftp_write, out);
    }
    /* Each sticky buffer once (Suricata warns about a second instance), in
     * a stable order: payload keywords, then the buffers by name. */
    const sc_atom **order = sg_arena_alloc(cx->a, (t->n + 1) * sizeof *order);
    size_t norder = 0;
    if (!order) {
        sc_oom(cx);
        goto out;
    }
    for (size_t i = 0; i < t->n; i++) {
        const sc_atom *at = t->atoms[i];
        if (at_is_header(at) ||
            (at->kind == SC_A_PRESENT && (at->field->flags & SC_ALWAYS)) ||
            (at->kind != SC_A_PRESENT && at->kind != SC_A_GROUP))
            continue;
        bool dup = false; /* the same atom twice, or two identical presence tests */
        for (size_t j = 0; j < norder && !dup; j++)
            dup = order[j] == at || (at->kind == SC_A_PRESENT && order[j]->kind == SC_A_PRESENT &&
                                     order[j]->field == at->field && order[j]->neg == at->neg);
        if (!dup)
            order[norder++] = at;
    }
    sort_atoms(order, norder);
    /* contents of one buffer that cannot all hold: the term is never true */
    for (size_t i = 0, j; i < norder; i = j) {
        for (j = i + 1; j < norder && !cmp_keywords(order[i], order[j]); j++)
            ;
        if (sc_group_contradicts(order + i, j - i)) {
            rc = 0;
            goto out;
        }
    }
    const char *open = NULL; /* the sticky buffer in use */
    for (size_t i = 0; i < norder; i++) {
        const sc_atom *at = order[i];
        const char *kw = atom_keyword(at);
        if (kw && (!open || strcmp(open, kw)))
            sg_sb_printf(out, "%s; ", kw);
        open = kw;
        from = out->len;
        if (at->kind == SC_A_PRESENT ? !sc_match_presence(cx, at, out)
                                     : !sc_match_group(cx, at, out))
            goto out;
        explain_atom(&b, at, "", from, out);
    }
    /* Header tests alone would alert on every packet of the flow: tie the
     * rule to the request the log line describes. */
    const char *anchor = norder || !b.app         ? NULL
                         : !strcmp(b.app, "http") ? "http.method; bsize:>0; "
                         : !strcmp(b.app, "dns")  ? "dns.query; bsize:>0; "
                         : !strcmp(b.app, "tls")  ? "ssl_state:client_hello; "
                                                  : NULL;
    if (anchor) {
        sg_sb_puts(out, anchor);
        sg_sb_printf(&b.explain, "#   one alert per %s -> %.*s\n",
                     !strcmp(b.app, "tls") ? "handshake" : "request", (int)strlen(anchor) - 1,
                     anchor);
    }
    if (out->failed || b.explain.failed) {
        sc_oom(cx);
        goto out;
    }
    sg_sb_put(explain, b.explain.data ? b.explain.data : "", b.explain.len);
    *app = b.app;
    rc = 1;
out:
    sg_sb_free(&b.explain);
    return rc;
}

/* ---- metadata ------------------------------------------------------------------------------ */

static bool tag_is(const char *tag, const char *what)
{
    return !strcasecmp(tag, what);
}

static bool tag_starts(const char *tag, const char *prefix)
{
    return !strncasecmp(tag, prefix, strlen(prefix));
}

/* Techniques that are command and control over the network. */
static const char *const c2_techniques[] = {"attack.t1071", "attack.t1090", "attack.t1095",
                                            "attack.t1102", "attack.t1105", "attack.t1219",
                                            "attack.t1571", "attack.t1572", "attack.t1573"};

/* A classtype of Suricata's own classification.config, from tags, then level. */
static const char *classtype(const ir_rule *r, const char *app)
{
    for (size_t i = 0; i < r->ntags; i++)
        if (tag_starts(r->tags[i], "attack.t1190") || tag_starts(r->tags[i], "cve."))
            return app && !strcmp(app, "http") ? "web-application-attack" : "attempted-admin";
    for (size_t i = 0; i < r->ntags; i++) {
        if (tag_is(r->tags[i], "attack.command-and-control") ||
            tag_is(r->tags[i], "attack.command_and_control"))
            return "command-and-control";
        for (size_t k = 0; k < sizeof c2_techniques / sizeof c2_techniques[0]; k++)
            if (tag_starts(r->tags[i], c2_techniques[k]))
                return "command-and-control";
    }
    for (size_t i = 0; i < r->ntags; i++) {
        if (tag_starts(r->tags[i], "attack.t1496"))
            return "coin-mining";
        if (tag_is(r->tags[i], "attack.reconnaissance") || tag_is(r->tags[i], "attack.discovery") ||
            tag_starts(r->tags[i], "attack.t1595") || tag_starts(r->tags[i], "attack.t1046"))
            return "attempted-recon";
    }
    const char *lv = r->level ? r->level : "";
    if (!strcmp(lv, "critical"))
        return "targeted-activity";
    if (!strcmp(lv, "high"))
        return "misc-attack";
    if (!strcmp(lv, "medium"))
        return "bad-unknown";
    if (!strcmp(lv, "low"))
        return "misc-activity";
    if (!strcmp(lv, "informational"))
        return "not-suspicious";
    return "unknown";
}

static int priority(const ir_rule *r)
{
    const char *lv = r->level ? r->level : "";
    return !strcmp(lv, "critical") || !strcmp(lv, "high") ? 1
           : !strcmp(lv, "medium")                        ? 2
           : !strcmp(lv, "low")                           ? 3
           : !strcmp(lv, "informational")                 ? 4
                                                          : 0;
}

static void meta_item(sg_strbuf *out, bool *first, const char *key, const char *value)
{
    sg_sb_puts(out, *first ? "metadata:" : ", ");
    *first = false;
    sg_sb_printf(out, "%s ", key);
    sg_sc_token(out, value);
}

static void meta(const ir_rule *r, const char *app, uint32_t sid, sg_strbuf *out)
{
    for (size_t i = 0; i < r->nreferences; i++) {
        const char *u = r->references[i];
        size_t skip = !strncasecmp(u, "https://", 8) ? 8 : !strncasecmp(u, "http://", 7) ? 7 : 0;
        if (!skip || !u[skip])
            continue; /* reference:url takes web addresses only */
        sg_sb_puts(out, "reference:url,");
        sg_sc_url(out, u + skip, strlen(u + skip));
        sg_sb_puts(out, "; ");
    }
    for (size_t i = 0; i < r->ntags; i++)
        if (tag_starts(r->tags[i], "cve.") && r->tags[i][4]) {
            sg_sb_puts(out, "reference:cve,");
            sg_sc_token(out, r->tags[i] + 4);
            sg_sb_puts(out, "; ");
        }
    sg_sb_printf(out, "classtype:%s; ", classtype(r, app));
    if (priority(r))
        sg_sb_printf(out, "priority:%d; ", priority(r));
    sg_sb_printf(out, "sid:%u; rev:1; ", sid);
    bool first = true;
    if (r->id && *r->id)
        meta_item(out, &first, "sigma_id", r->id);
    if (r->level && *r->level)
        meta_item(out, &first, "sigma_level", r->level);
    if (r->status && *r->status)
        meta_item(out, &first, "sigma_status", r->status);
    for (size_t i = 0; i < r->ntags; i++) {
        const char *tg = r->tags[i];
        if (tag_starts(tg, "attack.t") && tg[8] >= '0' && tg[8] <= '9') {
            char id[32];
            snprintf(id, sizeof id, "T%s", tg + 8);
            meta_item(out, &first, "mitre_technique_id", id);
        } else if (tag_starts(tg, "attack.g") && tg[8] >= '0' && tg[8] <= '9') {
            char id[32];
            snprintf(id, sizeof id, "G%s", tg + 8);
            meta_item(out, &first, "mitre_group_id", id);
        } else if (tag_starts(tg, "attack.s") && tg[8] >= '0' && tg[8] <= '9') {
            char id[32];
            snprintf(id, sizeof id, "S%s", tg + 8);
            meta_item(out, &first, "mitre_software_id", id);
        } else if (tag_starts(tg, "attack.")) {
            meta_item(out, &first, "mitre_tactic", tg + 7);
        } else {
            meta_item(out, &first, "sigma_tag", tg);
        }
    }
    if (!first)
        sg_sb_puts(out, "; ");
    /* no trailing space before the closing parenthesis */
    if (out->len && out->data[out->len - 1] == ' ')
        out->data[--out->len] = 0;
    sg_sb_putc(out, ')');
}

/* ---- the backend ----------------------------------------------------------------------------- */

typedef struct built {
    const char *body, *explain, *app;
    const char *line; /* body, extra keywords and metadata */
} built;

sigma_status sc_emit_rules(const ir_rule *r, const sg_target_opts *o, const char *extra,
                           const char *one, sg_arena *a, sg_strbuf *out, sg_diags *d)
{
    sc_ctx cx = {r, o, a, d, SIGMA_OK};
    sc_term *terms = NULL;
    size_t nterms = 0;
    sc_node *n = sc_nnf(&cx, r->expr);
    if (n)
        n = sc_atomise(&cx, n);
    if (!n || !sc_dnf(&cx, n, &terms, &nterms))
        return cx.st != SIGMA_OK ? cx.st : SIGMA_ENOMEM;

    built *rules = sg_arena_alloc(a, (nterms ? nterms : 1) * sizeof *rules);
    if (!rules)
        return SIGMA_ENOMEM;
    size_t nrules = 0;
    for (size_t i = 0; i < nterms; i++) {
        sg_strbuf body, ex;
        sg_sb_init(&body);
        sg_sb_init(&ex);
        const char *app = NULL;
        int rc = build_term(&cx, &terms[i], &body, &ex, &app);
        if (rc > 0) {
            rules[nrules].body = sg_arena_strdup(a, sg_sb_str(&body));
            rules[nrules].explain = sg_arena_strdup(a, sg_sb_str(&ex));
            rules[nrules].app = app;
            if (!rules[nrules].body || !rules[nrules].explain || body.failed || ex.failed)
                cx.st = SIGMA_ENOMEM;
            nrules++;
        }
        sg_sb_free(&body);
        sg_sb_free(&ex);
        if (rc < 0 || cx.st != SIGMA_OK)
            return cx.st != SIGMA_OK ? cx.st : SIGMA_ENOMEM;
    }
    if (one && nrules > 1) { /* corr: suricata_corr.c */
        sc_fail(&cx, (sg_pos){0}, "its condition becomes %zu Suricata rules (one per "
                                  "alternative): %s", nrules, one);
        return cx.st;
    }
    if (nrules == 0) {
        sc_fail(&cx, (sg_pos){0}, "the condition can never be true on the network: every "
                                  "alternative contradicts itself");
        return cx.st;
    }

    const char *key = r->id && *r->id ? r->id : r->title ? r->title : "";
    uint32_t sid;
    if (!sc_sid_first(key, o->sid_base, &sid)) {
        sc_fail(&cx, (sg_pos){0}, "--sid-base %u leaves no room for sids below 2^32", o->sid_base);
        return cx.st;
    }
    for (size_t k = 0; k < nrules; k++) {
        sg_strbuf line;
        sg_sb_init(&line);
        sg_sb_puts(&line, rules[k].body);
        if (extra) /* corr: detection_filter */
            sg_sb_puts(&line, extra);
        meta(r, rules[k].app, sid + (uint32_t)k, &line);
        size_t len = line.len;
        rules[k].line = line.failed ? NULL : sg_arena_strdup(a, sg_sb_str(&line));
        sg_sb_free(&line);
        if (!rules[k].line)
            return SIGMA_ENOMEM;
        if (len > SC_MAX_LINE) {
            sc_fail(&cx, (sg_pos){0},
                    "Suricata rule %zu of %zu would be %zu bytes long, longer than the %d bytes "
                    "Suricata reads as one rule (it would parse the rest as another rule): "
                    "shorten its values",
                    k + 1, nrules, len, SC_MAX_LINE);
            return cx.st;
        }
    }
    bool oom = false;
    const char *other = sc_sids_claim(o->run, sid, key, &oom);
    if (oom)
        return SIGMA_ENOMEM;
    if (other) {
        sc_fail(&cx, (sg_pos){0},
                "sids %u-%u are already those of rule '%s' (a hash collision or a duplicate "
                "id): compile the two in separate runs with different --sid-base values",
                sid, sid + SC_MAX_RULES - 1, other);
        return cx.st;
    }

    for (size_t k = 0; k < nrules; k++) {
        if (k)
            sg_sb_putc(out, '\n');
        if (o->explain) {
            sg_sb_printf(out, "# Suricata rule %zu of %zu, from:\n", k + 1, nrules);
            sg_sb_puts(out, rules[k].explain);
        }
        sg_sb_puts(out, rules[k].line);
    }
    return out->failed ? SIGMA_ENOMEM : SIGMA_OK;
}

static sigma_status emit(const ir_rule *r, const sg_target_opts *o, sg_arena *a, sg_strbuf *out,
                         sg_diags *d)
{
    return sc_emit_rules(r, o, NULL, NULL, a, out, d);
}

static void *run_new(void)
{
    return sc_sids_new();
}

static void run_free(void *run)
{
    sc_sids_free(run);
}

const sg_backend sg_backend_suricata = {
    .name = "suricata",
    .description = "Suricata 7 rules for network log sources (dns, proxy, webserver, firewall, "
                   "network_connection, zeek)",
    .default_pipeline = "suricata",
    .comment = "#",
    .ext = "rules",
    .emit_rule = emit,
    .emit_correlation = sc_emit_correlation, /* suricata_corr.c */
    .run_new = run_new,
    .run_free = run_free,
};
