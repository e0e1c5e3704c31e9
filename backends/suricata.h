/* suricata.h - internals of the Suricata backend, shared by its files:
 *
 *   suricata_fields.c   the field names the backend understands
 *   suricata_dnf.c      condition -> negation normal form -> atoms -> DNF terms
 *   suricata_net.c      header addresses and ports as sets
 *   suricata_match.c    one buffer's tests -> content / pcre keywords
 *   suricata_sid.c      sids from rule ids, collisions within one run
 *   suricata.c          one Sigma rule -> Suricata rules (header, flow, meta)
 *
 * Field names are those of the built-in `suricata` pipeline
 * (pipelines/suricata.yml): Sigma's names are mapped there, not here. */
#ifndef SG_SURICATA_H
#define SG_SURICATA_H

#include "backend.h"

#include <stdbool.h>
#include <stdint.h>

#define SC_TARGET "suricata"
/* At most this many Suricata rules for one Sigma rule (DNF terms); sids of
 * one rule are consecutive inside a slot of this size. */
#define SC_MAX_RULES 64
/* Suricata 7 reads a rules file in lines of at most this many bytes and
 * parses the rest of a longer line as another rule (detect-engine-loader.c). */
#define SC_MAX_LINE 8191
/* The longest content it loads with Hyperscan (Debian's build): longer ones
 * are "Pattern length exceeds limit" errors. Checked with 7.0.10. */
#define SC_MAX_CONTENT 4000

/* ---- fields ------------------------------------------------------------------ */

typedef enum {
    SC_F_ADDR,       /* header address (side) */
    SC_F_PORT,       /* header port (side) */
    SC_F_PROTO,      /* header protocol */
    SC_F_BUF,        /* a sticky buffer (keyword) */
    SC_F_PAYLOAD,    /* keywords: the packet / stream payload */
    SC_F_TFTP_NAME,  /* file name of a TFTP read/write request */
    SC_F_TFTP_WRITE, /* true: write request, false: read request */
    SC_F_INITIATED,  /* Sysmon's Initiated: the source opened the connection */
} sc_fkind;

enum { SC_SRC = 0, SC_DST = 1 };
enum { SC_DIR_ANY = 0, SC_DIR_SERVER, SC_DIR_CLIENT };

/* Where in a buffer a field's value sits (regex region, see suricata_match.c). */
typedef enum {
    SC_R_WHOLE, /* the whole buffer */
    SC_R_PATH,  /* http.uri.raw up to the first `?` */
    SC_R_QUERY, /* http.uri.raw after the first `?` */
    SC_R_EXT,   /* the path's last extension, without the dot */
    SC_R_TFTP,  /* the file name of a TFTP request: payload from byte 2 to NUL */
} sc_region;

enum {
    SC_ALWAYS = 1, /* present in every transaction of its direction */
    SC_LOWER = 2,  /* Suricata lower-cases the buffer: no nocase, values lowered */
    SC_HEX32 = 4,  /* a 32-digit lower-case hex hash (ja3) */
};

typedef struct sc_field {
    const char *name; /* pipeline field name */
    sc_fkind kind;
    int side;            /* ADDR/PORT: SC_SRC or SC_DST */
    const char *keyword; /* BUF: sticky buffer keyword */
    const char *app;     /* app-layer protocol the field implies (header proto) */
    int dir;             /* SC_DIR_* */
    unsigned flags;      /* SC_ALWAYS | SC_LOWER | SC_HEX32 */
    const char *header;  /* HTTP header name: absence testable in http.header_names */
    sc_region region;
} sc_field;

const sc_field *sc_field_find(const char *name);
/* Why a field that is not in the table cannot be used (for the error). */
const char *sc_field_unknown_reason(const char *name);
/* The pseudo-field of keywords (no field name). */
const sc_field *sc_field_payload(void);

/* ---- normal form and DNF ---------------------------------------------------------- */

typedef enum { SC_N_AND, SC_N_OR, SC_N_LEAF, SC_N_TRUE, SC_N_FALSE, SC_N_ATOM } sc_nkind;

typedef enum {
    SC_A_GROUP,   /* tests on one buffer / header side, as a subtree (tree) */
    SC_A_PRESENT, /* the buffer is present (neg: absent) */
    SC_A_PROTO,   /* a protocol test (leaf) */
    SC_A_FLAG,    /* tftp.write / initiated (leaf) */
} sc_akind;

typedef struct sc_node sc_node;

typedef struct sc_atom {
    sc_akind kind;
    const sc_field *field;
    sc_node *tree; /* GROUP: NNF over `field` only; PROTO/FLAG: the leaf */
    bool neg;      /* PRESENT: absent */
} sc_atom;

struct sc_node {
    sc_nkind kind;
    sc_node **kids;
    size_t nkids;
    /* LEAF */
    const ir_test *test;
    const sc_field *field;
    bool neg;
    /* ATOM */
    sc_atom *atom;
};

/* A conjunction: one Suricata rule. */
typedef struct sc_term {
    sc_atom **atoms;
    size_t n;
} sc_term;

typedef struct sc_ctx {
    const ir_rule *r;
    const sg_target_opts *o;
    sg_arena *a;
    sg_diags *d;
    sigma_status st; /* first failure: SIGMA_ENOTSUP (reported) or SIGMA_ENOMEM */
} sc_ctx;

/* Report a per-rule error (always returns NULL for chaining). */
void *sc_fail(sc_ctx *cx, sg_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *sc_oom(sc_ctx *cx);
/* A field for messages: "'cs-host' (http.host)" when a pipeline mapped it. */
const char *sc_name(sc_ctx *cx, const char *field);

/* The rule's condition in negation normal form over known fields; NULL on error. */
sc_node *sc_nnf(sc_ctx *cx, const ir_node *n);
/* Replace maximal single-field subtrees by atoms; NULL on error. */
sc_node *sc_atomise(sc_ctx *cx, sc_node *n);
/* Disjunctive normal form over atoms, at most SC_MAX_RULES terms (else an
 * error naming the count). Terms that are FALSE are dropped. */
bool sc_dnf(sc_ctx *cx, sc_node *n, sc_term **terms, size_t *nterms);

/* Truth of an NNF subtree over one buffer when the buffer is absent (Sigma:
 * a test is false on a missing field, its negation true). */
bool sc_true_when_absent(const sc_node *n);
sc_node *sc_node_new(sc_ctx *cx, sc_nkind kind);
bool sc_node_add(sc_ctx *cx, sc_node *parent, sc_node *kid);

/* ---- header sets ------------------------------------------------------------------- */

typedef struct sc_cidr {
    int family; /* 4 or 6 */
    uint8_t a[16];
    unsigned prefix;
} sc_cidr;

/* pos ∖ neg; with `any`, pos is everything. */
typedef struct sc_addrset {
    bool any;
    sc_cidr *pos, *neg;
    size_t npos, nneg;
} sc_addrset;

/* The addresses an NNF subtree over one side allows. false (and *ok false)
 * when Suricata's `[a,!b]` lists cannot say it (an OR with a negation), or
 * on error (cx->st set). */
bool sc_addr_eval(sc_ctx *cx, const sc_node *n, sc_addrset *out, bool *ok);
bool sc_addr_and(sc_ctx *cx, sc_addrset *x, const sc_addrset *y);
/* Normalise; returns false when the set is empty. */
bool sc_addr_normalise(sc_addrset *s);
void sc_addr_print(const sc_addrset *s, sg_strbuf *out);

/* Ports as sorted disjoint closed intervals within 0..65535. */
typedef struct sc_portset {
    uint32_t (*iv)[2];
    size_t n;
} sc_portset;

bool sc_port_eval(sc_ctx *cx, const sc_node *n, sc_portset *out);
bool sc_port_all(sc_ctx *cx, sc_portset *out);
bool sc_port_and(sc_ctx *cx, sc_portset *x, const sc_portset *y);
bool sc_port_is_all(const sc_portset *s);
void sc_port_print(const sc_portset *s, sg_strbuf *out);

/* ---- buffers --------------------------------------------------------------------------- */

/* Append the keywords testing one buffer group (content, pcre, bsize …),
 * each followed by "; ", after the caller has selected the buffer
 * (field->keyword). Returns false on error (reported). */
bool sc_match_group(sc_ctx *cx, const sc_atom *at, sg_strbuf *out);
/* The atoms of one buffer in one term: does a content that is the
 * whole buffer (startswith; endswith) leave no room for another? Such a
 * term is never true, and Suricata with Hyperscan refuses the whole rule
 * set over it ("max_offset=4 but requires 9 bytes to match"). */
bool sc_group_contradicts(const sc_atom *const *atoms, size_t n);
/* The keywords that make a buffer present or absent, inside the buffer
 * sc_presence_keyword() names (http.header_names for HTTP headers). */
bool sc_match_presence(sc_ctx *cx, const sc_atom *at, sg_strbuf *out);
const char *sc_presence_keyword(const sc_atom *at);
/* Keywords for a TFTP request: opcode (write: 1 / 0 / -1 either) and name. */
void sc_match_tftp_opcode(int write, sg_strbuf *out);
/* One leaf as text for --explain ("http.uri.raw contains \"x\""). */
void sc_describe(const sc_node *n, sg_strbuf *out);

/* ---- sids -------------------------------------------------------------------------------- */

typedef struct sc_sids sc_sids;
sc_sids *sc_sids_new(void);
void sc_sids_free(sc_sids *s);
/* The first sid of a rule: base + slot * SC_MAX_RULES, the slot a hash of
 * the rule id. false when the base leaves no room. */
bool sc_sid_first(const char *key, uint32_t base, uint32_t *sid);
/* Claim sids [first, first+n) for rule `who`; NULL when free, else the id
 * of the rule that has them (borrowed). On OOM *oom is set. */
const char *sc_sids_claim(sc_sids *s, uint32_t first, const char *who, bool *oom);

/* ---- correlations (suricata_corr.c) ------------------------------------------------------ */

/* One Sigma rule as Suricata rules (what emit_rule writes), with `extra`
 * keywords (each ending in "; ", e.g. a detection_filter) after the
 * detection keywords of every rule. With `one` set, a condition that needs
 * several Suricata rules is a per-rule error ending with `one` (why a
 * single rule is required). */
sigma_status sc_emit_rules(const ir_rule *r, const sg_target_opts *o, const char *extra,
                           const char *one, sg_arena *a, sg_strbuf *out, sg_diags *d);

/* The backend's emit_correlation: event_count over one rule as a
 * detection_filter; every other correlation is a per-rule error. */
struct sg_corr_view;
sigma_status sc_emit_correlation(const struct sg_corr_view *v, const sg_target_opts *o,
                                 sg_arena *a, sg_strbuf *out, sg_diags *d);

#endif
