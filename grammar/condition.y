/* condition.y - the Sigma `condition:` grammar (pure bison, with locations).
 *
 * Precedence, least to most binding: or < and < not < `1 of`/`all of` <
 * parentheses. The grammar is stratified (one nonterminal per level) rather
 * than using %left/%right, so the precedence is visible in the rules.
 *
 * Actions only call the small constructors at the end of this file; the
 * scanner (condition.l) owns the parse driver sg_cond_parse() and reaches the
 * shared context through yyextra. Every node and string lives in the arena.
 *
 * Nesting (parentheses and `not` chains) is counted when the `(` or `not` is
 * shifted, so a hostile condition of 100,000 `(` stops at the limit with one
 * diagnostic instead of growing the parser stack. */

%code requires {
#include "rule.h"

#include <stdbool.h>
#include <stddef.h>

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* Locations in file coordinates (1-based, bytes). */
typedef struct sg_cond_loc {
    unsigned first_line, first_column;
    unsigned last_line, last_column;
} sg_cond_loc;

/* Everything one parse needs; the scanner's yyextra. */
typedef struct sg_cond_ctx {
    sg_arena *arena;
    sg_diags *diags;
    const char *file;    /* borrowed from the caller's sg_pos */
    const char *text;    /* the caller's condition text, len bytes */
    size_t len;
    const char *buf;     /* flex's working copy of text */
    unsigned col0;       /* column of the string's first byte */
    unsigned line, col;  /* scanner position: next byte */
    unsigned end_line, end_col; /* just past the last non-blank token */
    const char *tok;     /* text of the last token returned */
    size_t tok_len;
    unsigned depth, max_depth;
    bool failed;         /* a diagnostic was reported: stop */
    bool oom;            /* an allocation failed */
    sg_cond *result;
    /* flex's fatal-error fallback storage (see condition.l) */
    void *reserve[2];
    size_t reserve_size;
    bool reserve_used[2];
    bool reserve_armed;
} sg_cond_ctx;
}

%code provides {
/* Defined by the scanner (condition.l). */
sg_cond_ctx *sg_yyget_extra(yyscan_t scanner);
int sg_yylex(SG_YYSTYPE *lvalp, SG_YYLTYPE *llocp, yyscan_t scanner);
}

%code {
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

/* The parser's stack goes through the library's allocator too. */
#define YYMALLOC sg_malloc
#define YYFREE sg_free

#define CTX (sg_yyget_extra(scanner))

static void sg_yyerror(SG_YYLTYPE *loc, yyscan_t scanner, const char *msg);
static sg_cond *node_new(sg_cond_ctx *c, sg_cond_kind k, const SG_YYLTYPE *loc);
static sg_cond *node_bin(sg_cond_ctx *c, sg_cond_kind k, sg_cond *a, sg_cond *b,
                         const SG_YYLTYPE *loc);
static sg_cond *node_not(sg_cond_ctx *c, sg_cond *a, const SG_YYLTYPE *loc);
static sg_cond *node_id(sg_cond_ctx *c, const char *name, const SG_YYLTYPE *loc);
static sg_cond *node_of(sg_cond_ctx *c, sg_cond_kind k, const char *pattern,
                        const SG_YYLTYPE *loc);
static bool depth_enter(sg_cond_ctx *c, const SG_YYLTYPE *loc);
static void depth_leave(sg_cond_ctx *c);
static void bad_quantifier(sg_cond_ctx *c, const char *word,
                           const SG_YYLTYPE *loc);
}

%define api.pure full
%define api.prefix {sg_yy}
%define api.token.prefix {TOK_}
%define api.location.type {sg_cond_loc}
/* `custom` is `detailed` with our own wording: detailed lists at most four
 * expected tokens and prefixes "syntax error, ". */
%define parse.error custom
%define parse.lac full
%locations
%lex-param {yyscan_t scanner}
%parse-param {yyscan_t scanner}

%union {
    sg_cond *node;
    const char *str;
}

/* Declared in the order syntax errors list them ("expected ..."). */
%token <str> IDENT "identifier"
%token NOT "'not'"
%token LPAREN "'('"
%token ONE "'1 of'"
%token ALL "'all of'"
%token AND "'and'"
%token OR "'or'"
%token RPAREN "')'"
%token OF "'of'"
%token THEM "'them'"

%type <node> expr and_expr not_expr primary
%type <str> target

%%

condition:
    expr                      { CTX->result = $1; }
    ;

expr:
    and_expr
  | expr OR and_expr          { $$ = node_bin(CTX, SG_C_OR, $1, $3, &@2); }
  ;

and_expr:
    not_expr
  | and_expr AND not_expr     { $$ = node_bin(CTX, SG_C_AND, $1, $3, &@2); }
  ;

not_expr:
    primary
  | not not_expr              { $$ = node_not(CTX, $2, &@1); depth_leave(CTX); }
  ;

primary:
    IDENT                     { $$ = node_id(CTX, $1, &@1); }
  | ONE OF target             { $$ = node_of(CTX, SG_C_ONE_OF, $3, &@1); }
  | ALL OF target             { $$ = node_of(CTX, SG_C_ALL_OF, $3, &@1); }
  | open expr RPAREN          { $$ = $2; depth_leave(CTX); }
  | IDENT OF                  { bad_quantifier(CTX, $1, &@1); YYABORT; }
  ;

target:
    IDENT
  | THEM                      { $$ = NULL; }
  ;

/* Reduced as soon as the keyword is shifted: the depth check runs before
 * anything nested is read. */
not:
    NOT                       { if (!depth_enter(CTX, &@1)) YYABORT; }
  ;

open:
    LPAREN                    { if (!depth_enter(CTX, &@1)) YYABORT; }
  ;

%%

static sg_pos loc_pos(const sg_cond_ctx *c, const SG_YYLTYPE *loc)
{
    return (sg_pos){c->file, loc->first_line, loc->first_column};
}

static void cond_error(sg_cond_ctx *c, const char *check, const SG_YYLTYPE *loc,
                       const char *msg)
{
    if (c->failed)
        return; /* one diagnostic per condition */
    c->failed = true;
    sg_diag_add(c->diags, SG_SEV_ERROR, check, loc_pos(c, loc), "%s", msg);
}

static sg_cond *node_new(sg_cond_ctx *c, sg_cond_kind k, const SG_YYLTYPE *loc)
{
    sg_cond *n = sg_arena_alloc(c->arena, sizeof *n);
    if (!n) {
        c->oom = true;
        return NULL;
    }
    n->kind = k;
    n->pos = loc_pos(c, loc);
    return n;
}

static sg_cond *node_bin(sg_cond_ctx *c, sg_cond_kind k, sg_cond *a, sg_cond *b,
                         const SG_YYLTYPE *loc)
{
    sg_cond *n = node_new(c, k, loc);
    if (n) {
        n->a = a;
        n->b = b;
    }
    return n;
}

static sg_cond *node_not(sg_cond_ctx *c, sg_cond *a, const SG_YYLTYPE *loc)
{
    return node_bin(c, SG_C_NOT, a, NULL, loc);
}

static sg_cond *node_id(sg_cond_ctx *c, const char *name, const SG_YYLTYPE *loc)
{
    sg_cond *n = node_new(c, SG_C_ID, loc);
    if (n)
        n->name = name;
    return n;
}

static sg_cond *node_of(sg_cond_ctx *c, sg_cond_kind k, const char *pattern,
                        const SG_YYLTYPE *loc)
{
    sg_cond *n = node_new(c, k, loc);
    if (n)
        n->name = pattern;
    return n;
}

static bool depth_enter(sg_cond_ctx *c, const SG_YYLTYPE *loc)
{
    if (c->depth >= c->max_depth) {
        char msg[96];
        snprintf(msg, sizeof msg,
                 "condition nested too deeply: more than %u levels (limit.condition-depth)",
                 c->max_depth);
        cond_error(c, "condition-syntax", loc, msg);
        return false;
    }
    c->depth++;
    return true;
}

static void depth_leave(sg_cond_ctx *c)
{
    if (c->depth)
        c->depth--;
}

static bool word_is(const char *w, const char *kw)
{
    for (; *w && *kw; w++, kw++) {
        char ch = *w;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != *kw)
            return false;
    }
    return !*w && !*kw;
}

/* `any of x`, `2 of x`, `none of x`: quantifiers Sigma does not have. */
static void bad_quantifier(sg_cond_ctx *c, const char *word,
                           const SG_YYLTYPE *loc)
{
    char msg[160];
    const char *w = word ? word : "";
    const char *hint = "Sigma only has '1 of' (at least one) and 'all of'";
    if (word_is(w, "any"))
        hint = "use '1 of' (at least one matches) or 'all of'";
    else if (word_is(w, "none"))
        hint = "use 'not 1 of'";
    snprintf(msg, sizeof msg, "'%.40s%s of' is not a Sigma quantifier: %s", w,
             strlen(w) > 40 ? "..." : "", hint);
    cond_error(c, "condition-syntax", loc, msg);
}

/* What a token looks like in a message: the text as the user wrote it. */
static void describe_token(const sg_cond_ctx *c, yysymbol_kind_t tok,
                           char *buf, size_t size)
{
    int n = c->tok_len > 40 ? 40 : (int)c->tok_len;
    const char *dots = c->tok_len > 40 ? "..." : "";
    if (tok == YYSYMBOL_YYEOF)
        snprintf(buf, size, "end of condition");
    else if (tok == YYSYMBOL_IDENT)
        snprintf(buf, size, "identifier '%.*s%s'", n, c->tok ? c->tok : "",
                 dots);
    else
        snprintf(buf, size, "'%.*s%s'", n, c->tok ? c->tok : "", dots);
}

/* "unexpected ')' in condition, expected identifier, 'not', '(', '1 of' or
 * 'all of'" - the end of input is listed last. */
static int yyreport_syntax_error(const yypcontext_t *pctx, yyscan_t scanner)
{
    sg_cond_ctx *c = CTX;
    yysymbol_kind_t tok = yypcontext_token(pctx);
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(pctx, exp, YYNTOKENS);
    if (n < 0)
        return n; /* YYENOMEM from LAC */

    char what[64], msg[512];
    describe_token(c, tok, what, sizeof what);
    size_t len = (size_t)snprintf(msg, sizeof msg, "unexpected %s%s", what,
                                  tok == YYSYMBOL_YYEOF ? "" : " in condition");

    /* Order: as declared, end of condition last. `of` after an identifier
     * only feeds the `any of` error rule: list it only when it is the one
     * thing that fits (after `1`/`all`). */
    const char *names[YYNTOKENS];
    int k = 0;
    bool eof = false;
    for (int i = 0; i < n; i++) {
        if (exp[i] == YYSYMBOL_YYEOF)
            eof = true;
        else if (exp[i] != YYSYMBOL_OF || n == 1)
            names[k++] = yysymbol_name(exp[i]);
    }
    if (eof)
        names[k++] = "end of condition";
    for (int i = 0; i < k && len < sizeof msg; i++) {
        const char *sep = i == 0 ? ", expected " : i == k - 1 ? " or " : ", ";
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s", sep,
                                names[i]);
    }

    SG_YYLTYPE loc = *yypcontext_location(pctx);
    if (tok == YYSYMBOL_YYEOF) {
        loc.first_line = c->end_line;
        loc.first_column = c->end_col;
    }
    cond_error(c, "condition-syntax", &loc, msg);
    return 0;
}

/* Only reached for "memory exhausted": syntax errors go through
 * yyreport_syntax_error and the nesting limit keeps the stack far below
 * YYMAXDEPTH, so this is a real allocation failure. */
static void sg_yyerror(SG_YYLTYPE *loc, yyscan_t scanner, const char *msg)
{
    sg_cond_ctx *c = CTX;
    (void)loc;
    (void)msg;
    c->oom = true;
}
