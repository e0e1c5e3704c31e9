/* kql_re2.c - check and adapt a Sigma regex for RE2 (see kql_re2.h).
 *
 * A scanner, not a parser: it tracks escapes, \Q…\E and character classes
 * so that it only looks at group openers, quantifiers and escapes where
 * they have their special meaning. */
#include "kql_re2.h"

#include <string.h>

/* Escapes PCRE has and RE2 does not (or, like \v, means something else). */
static const char *bad_escape(char e)
{
    switch (e) {
    case 'G': return "the \\G anchor";
    case 'K': return "\\K (reset match start)";
    case 'R': return "\\R (any line break)";
    case 'X': return "\\X (extended grapheme cluster)";
    case 'h': case 'H': return "\\h/\\H (horizontal space classes)";
    case 'v': case 'V': return "\\v/\\V (PCRE vertical space classes)";
    case 'e': return "the \\e escape";
    case 'c': return "\\c control escapes";
    case 'N': return "\\N";
    case 'g': case 'k': return "backreferences (\\g, \\k)";
    case 'Z': return "\\Z (end before a final newline)";
    case 'o': return "\\o{} octal escapes";
    default: return NULL;
    }
}

/* After "(?" at re[i]: NULL when RE2 has the construct. */
static const char *bad_group(const char *p, size_t left)
{
    if (left == 0)
        return NULL;
    switch (p[0]) {
    case '=': case '!': return "lookahead assertions";
    case '<':
        if (left > 1 && (p[1] == '=' || p[1] == '!'))
            return "lookbehind assertions";
        return NULL;
    case '>': return "atomic groups";
    case '|': return "branch-reset groups";
    case '#': return "comment groups";
    case '(': return "conditional groups";
    case '&': case 'R': case '+': return "recursion";
    case '\'': return "quote-named groups";
    case 'P':
        if (left > 1 && (p[1] == '=' || p[1] == '>'))
            return "named backreferences or recursion";
        return NULL;
    default:
        if (p[0] >= '0' && p[0] <= '9')
            return "recursion";
        if (p[0] == '-' && left > 1 && p[1] >= '0' && p[1] <= '9')
            return "recursion";
        return NULL;
    }
}

const char *kql_re2_translate(sg_strbuf *out, const char *re, size_t n)
{
    bool in_class = false;
    for (size_t i = 0; i < n; i++) {
        char c = re[i];
        if (c == '\\') {
            if (i + 1 >= n)
                return "a trailing backslash";
            char e = re[i + 1];
            if (e == 'Q') { /* \Q…\E: literal text, RE2 has it too */
                const char *end = NULL;
                for (size_t j = i + 2; j + 1 < n; j++)
                    if (re[j] == '\\' && re[j + 1] == 'E') {
                        end = re + j;
                        break;
                    }
                size_t stop = end ? (size_t)(end - re) + 2 : n;
                sg_sb_put(out, re + i, stop - i);
                i = stop - 1;
                continue;
            }
            const char *why = bad_escape(e);
            if (why)
                return why;
            if (!in_class && e >= '1' && e <= '9')
                return "backreferences (\\1 ...)";
            sg_sb_put(out, re + i, 2);
            i++;
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = false;
            else if (c == '[' && i + 1 < n && re[i + 1] == ':') { /* [:alpha:] */
                const char *close = NULL;
                for (size_t j = i + 2; j + 1 < n; j++)
                    if (re[j] == ':' && re[j + 1] == ']') {
                        close = re + j;
                        break;
                    }
                if (close) {
                    size_t stop = (size_t)(close - re) + 2;
                    sg_sb_put(out, re + i, stop - i);
                    i = stop - 1;
                    continue;
                }
            }
            sg_sb_putc(out, c);
            continue;
        }
        if (c == '[') {
            in_class = true;
            sg_sb_putc(out, c);
            if (i + 1 < n && re[i + 1] == '^')
                sg_sb_putc(out, re[++i]);
            if (i + 1 < n && re[i + 1] == ']') /* a leading ] is literal */
                sg_sb_putc(out, re[++i]);
            continue;
        }
        if (c == '(' && i + 1 < n && re[i + 1] == '?') {
            const char *why = bad_group(re + i + 2, n - i - 2);
            if (why)
                return why;
            if (i + 2 < n && re[i + 2] == '<') { /* (?<name> -> (?P<name> */
                sg_sb_puts(out, "(?P<");
                i += 2;
                continue;
            }
            sg_sb_puts(out, "(?");
            i++;
            continue;
        }
        if ((c == '*' || c == '+' || c == '?') && i + 1 < n && re[i + 1] == '+')
            return "possessive quantifiers";
        sg_sb_putc(out, c);
    }
    if (in_class)
        return "an unterminated character class";
    return NULL;
}
