/* relit_lits.c - the literals backends/c_relit.c finds, for tests/relit.sh.
 *
 * stdin: one regex a line, after "i " (case-insensitive) or "- ".
 * stdout: per line, the literals separated by 0x1F (empty: none). */
#include "c_regex.h"
#include "ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    static char line[1 << 17];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n < 2)
            return 2;
        sg_arena *a = sg_arena_create();
        const char **lit;
        size_t *len, k;
        if (!a || sg_cre_literals(a, line + 2, n - 2, line[0] == 'i' ? IR_RE_I : 0, &lit, &len,
                                  &k) != SIGMA_OK)
            return 2;
        for (size_t i = 0; i < k; i++)
            printf("%s%.*s", i ? "\x1f" : "", (int)len[i], lit[i]);
        putchar('\n');
        sg_arena_destroy(a);
    }
    return 0;
}
