#!/bin/sh
# c_text.sh FILE... - each file as a C array of string literals, one per
# line (sg_ctext_<name>, NULL-terminated), for backends/c.c: the generated
# matcher's prologue carries runtime/sigma_runtime.h and the helpers in
# backends/c_prologue.c.in verbatim.
set -e
for f in "$@"; do
    name=$(basename "$f" | sed 's/[^A-Za-z0-9]/_/g')
    echo "static const char *const sg_ctext_$name[] = {"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/	/\\t/g' \
        -e 's/^/    "/' -e 's/$/\\n",/' "$f"
    echo "    NULL,"
    echo "};"
done
