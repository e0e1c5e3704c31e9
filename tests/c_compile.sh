#!/bin/sh
# c_compile.sh - the generated C of SigmaHQ's Windows rules (-p evtx-json)
# compiles with `cc -std=c11 -Wall -Wextra -Werror` (and clang when it is
# installed), depends on libc only, allocates nothing, and is the same file
# whether or not the installed sigma_runtime.h comes first. Prints how
# many rules convert and, grouped, why the others do not.
. "$top_srcdir/tests/lib.sh"
need_corpus
CC=${CC:-cc}
R="$SIGMA_CORPUS/rules/windows"
export SIGMACC_PIPELINES="$top_srcdir/pipelines"

"$SIGMACC" compile -t c -p evtx-json --skip-unsupported -o "$TMP/rules.c" "$R" 2>"$TMP/err"
tail -1 "$TMP/err"
converted=$(sed -n 's/^\([0-9]*\) rules\{0,1\} compiled for c.*/\1/p' "$TMP/err")
total=$(find "$R" -name '*.yml' | wc -l)
echo "converted $converted of $total rule files"
[ "${converted:-0}" -gt 0 ] && ok || ko "no rule converted"
# the reasons, without the file positions
grep -o 'warning: c: .*' "$TMP/err" | sed 's/warning: c: //; s/: .*//' | sort | uniq -c | sort -rn
if [ "$converted" -lt 2300 ]; then ko "only $converted rules convert (2,407 did)"; else ok; fi

# optimising: flow analysis warns about more (and it is what users run)
for x in "$CC -O2" "clang -O2"; do
    cc=${x% *} opt=${x##* }
    command -v "$cc" >/dev/null 2>&1 || { echo "($cc not installed)"; continue; }
    if "$cc" -std=c11 -Wall -Wextra -Werror "$opt" -c "$TMP/rules.c" -o "$TMP/rules-$cc.o" \
        2>"$TMP/cc.err"
    then ok; echo "$cc -std=c11 -Wall -Wextra -Werror $opt: clean"
    else ko "$cc: generated C does not compile cleanly"; head -20 "$TMP/cc.err" >&2; fi
done

# libc only, and no allocation at match time: the object's undefined
# symbols are all on this list
if command -v nm >/dev/null 2>&1 && ls "$TMP"/rules-*.o >/dev/null 2>&1; then
    nm -u "$TMP"/rules-*.o | awk 'NF {print $NF}' | grep -v ':$' | sort -u >"$TMP/undef"
    bad=$(grep -vE '^(memchr|memcmp|memcpy|memmove|memset|snprintf|strtod|strtoll|bcmp|__errno_location|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_|__[a-z0-9_]*_chk)$' "$TMP/undef")
    if [ -z "$bad" ]; then ok; else ko "generated code needs: $bad"; fi
    expect_no_grep '^(malloc|calloc|realloc|free)$' "$TMP/undef" "allocation in generated code"
fi

# next to the installed header (its guard keeps one definition), and the
# header of --format header declares what the .c defines
"$SIGMACC" compile -q -t c --format header -p evtx-json --skip-unsupported -o "$TMP/rules.h" "$R" 2>/dev/null
printf '#include "sigma_runtime.h"\n#include "rules.h"\n#include "rules.c"\n' >"$TMP/both.c"
if "$CC" -std=c11 -Wall -Wextra -Werror -Wmissing-prototypes -fsyntax-only \
    -I"$top_srcdir/runtime" -I"$TMP" "$TMP/both.c" 2>"$TMP/cc.err"; then ok; else
    ko "generated C with sigma_runtime.h and its header first"; head -20 "$TMP/cc.err" >&2; fi
finish
