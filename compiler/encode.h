/* encode.h - compile-time value transformations of Sigma's encoding
 * modifiers: base64, base64offset, utf16le/be/utf16(BOM)/wide, windash.
 *
 * They work on segment strings (ir.h) so wildcards survive where Sigma
 * allows them; each returns a list of alternatives (ORed by the builder). */
#ifndef SG_ENCODE_H
#define SG_ENCODE_H

#include "ir.h"

typedef struct sg_segstr {
    ir_seg *segs;
    size_t nsegs;
} sg_segstr;

typedef struct sg_segstr_list {
    sg_segstr *v;
    size_t n, cap;
} sg_segstr_list;

/* windash: the bytes of all variants together may be this many per
 * variant limit.expansion allows (a count alone does not bound the work). */
#define SG_ENC_BYTES_PER_VARIANT 256u

typedef enum {
    SG_ENC_OK,
    SG_ENC_NOMEM,
    SG_ENC_WILDCARD, /* base64 of a value with wildcards is not defined */
    SG_ENC_TOOMANY,  /* windash expansion over the limit */
    SG_ENC_TOOBIG,  /* the variants together: over SG_ENC_BYTES_PER_VARIANT bytes per
                       allowed variant */
    SG_ENC_BADUTF8,
} sg_enc_status;

bool sg_segstr_push(sg_arena *a, sg_segstr_list *l, ir_seg *segs, size_t n);

/* Apply modifier `m` (an SG_MK_ENCODE modifier other than expand) to `in`,
 * appending the results to `out`. `max_variants` bounds windash. */
sg_enc_status sg_encode(sg_arena *a, sg_modifier m, const sg_segstr *in, sg_segstr_list *out,
                        size_t max_variants);

/* Plain base64 (RFC 4648, padded). Returns an arena string. */
char *sg_base64(sg_arena *a, const unsigned char *s, size_t n, size_t *outlen);

#endif
