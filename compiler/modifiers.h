/* modifiers.h - the table of Sigma 2.1 value modifiers.
 *
 * One X-macro row per modifier keeps the enum, the names and the kind in
 * sync; unknown names are diagnosed in one place (ir_build.c). */
#ifndef SG_MODIFIERS_H
#define SG_MODIFIERS_H

/* X(enum-suffix, "name", kind) */
#define SG_MODIFIER_LIST(X)                \
    X(CONTAINS, "contains", SG_MK_MATCH)   \
    X(STARTSWITH, "startswith", SG_MK_MATCH) \
    X(ENDSWITH, "endswith", SG_MK_MATCH)   \
    X(ALL, "all", SG_MK_LIST)              \
    X(EXISTS, "exists", SG_MK_TYPE)        \
    X(CASED, "cased", SG_MK_FLAG)          \
    X(NEQ, "neq", SG_MK_FLAG)              \
    X(WINDASH, "windash", SG_MK_ENCODE)    \
    X(RE, "re", SG_MK_TYPE)                \
    X(RE_I, "i", SG_MK_REFLAG)             \
    X(RE_M, "m", SG_MK_REFLAG)             \
    X(RE_S, "s", SG_MK_REFLAG)             \
    X(BASE64, "base64", SG_MK_ENCODE)      \
    X(BASE64OFFSET, "base64offset", SG_MK_ENCODE) \
    X(UTF16LE, "utf16le", SG_MK_ENCODE)    \
    X(UTF16BE, "utf16be", SG_MK_ENCODE)    \
    X(UTF16, "utf16", SG_MK_ENCODE)        \
    X(WIDE, "wide", SG_MK_ENCODE)          \
    X(LT, "lt", SG_MK_NUM)                 \
    X(LTE, "lte", SG_MK_NUM)               \
    X(GT, "gt", SG_MK_NUM)                 \
    X(GTE, "gte", SG_MK_NUM)               \
    X(MINUTE, "minute", SG_MK_TIME)        \
    X(HOUR, "hour", SG_MK_TIME)            \
    X(DAY, "day", SG_MK_TIME)              \
    X(WEEK, "week", SG_MK_TIME)            \
    X(MONTH, "month", SG_MK_TIME)          \
    X(YEAR, "year", SG_MK_TIME)            \
    X(CIDR, "cidr", SG_MK_TYPE)            \
    X(EXPAND, "expand", SG_MK_ENCODE)      \
    X(FIELDREF, "fieldref", SG_MK_TYPE)

typedef enum {
    SG_MK_MATCH,  /* where in the field the value must sit */
    SG_MK_LIST,   /* changes how a value list is combined */
    SG_MK_TYPE,   /* changes what the value is (regex, network, ...) */
    SG_MK_FLAG,   /* a flag on the comparison */
    SG_MK_REFLAG, /* a regex sub-modifier */
    SG_MK_ENCODE, /* a compile-time value transformation */
    SG_MK_NUM,    /* numeric comparison */
    SG_MK_TIME,   /* extract a date part */
} sg_modifier_kind;

typedef enum {
#define X(e, n, k) SG_MOD_##e,
    SG_MODIFIER_LIST(X)
#undef X
    SG_MOD__COUNT
} sg_modifier;

typedef struct sg_modifier_info {
    const char *name;
    sg_modifier_kind kind;
} sg_modifier_info;

/* -1 when the name is not a Sigma modifier. */
int sg_modifier_lookup(const char *name);
const sg_modifier_info *sg_modifier_info_of(sg_modifier m);

#endif
