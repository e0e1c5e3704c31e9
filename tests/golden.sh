#!/bin/sh
# golden.sh - golden tests for every target.
#
# tests/golden/<target>/NAME.yml is compiled with `sigmacc compile -t <target>`
# from inside its directory (so paths in the output are just NAME.yml):
#   NAME.pipelines  optional: one -p argument per line (name or path)
#   NAME.args       optional: more compile arguments, one per line
#                   (e.g. `--format` and `savedsearches` on two lines)
#   NAME.<ext>      the expected standard output (ext: spl, kql, rules, c, ir…,
#                   i.e. whatever file NAME.* is not one of the above)
#   NAME.err        the expected exit status ("exit: N" on the first line)
#                   and standard error; without it the exit status must be 0
#                   and standard error is not compared
#
# Maintainers: after changing a backend on purpose,
#   SIGMACC=/path/to/build/sigmacc top_srcdir=/path/to/src tests/golden.sh --update [TARGET...]
# rewrites the expected files of existing tests from the current output
# (a new test needs its NAME.<ext> or NAME.err created first, even empty).
# Then review `git diff tests/golden` line by line: an expected file is a
# claim about what the rule means, never regenerated blindly.
. "$top_srcdir/tests/lib.sh"

update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
root="$top_srcdir/tests/golden"
targets="$*"
if [ -z "$targets" ]; then
    for d in "$root"/*/; do
        [ -d "$d" ] && targets="$targets $(basename "$d")"
    done
fi

ran=0
for target in $targets; do
    dir="$root/$target"
    [ -d "$dir" ] || { ko "no golden directory $dir"; continue; }
    if ! "$SIGMACC" list targets | grep -q "^$target "; then
        echo "SKIP: target $target not built"
        continue
    fi
    for yml in "$dir"/*.yml; do
        [ -f "$yml" ] || continue
        name=$(basename "$yml" .yml)
        expected=""
        for f in "$dir/$name".*; do
            case "$f" in
            *.yml | *.pipelines | *.args | *.err) ;;
            *) expected="$f" ;;
            esac
        done
        if [ -z "$expected" ] && [ ! -f "$dir/$name.err" ]; then
            ko "$target/$name: no expected output ($name.<ext> or $name.err)"
            continue
        fi
        # -p and extra arguments, one per line (a line may hold spaces)
        set -- compile -t "$target"
        if [ -f "$dir/$name.pipelines" ]; then
            while IFS= read -r p || [ -n "$p" ]; do
                [ -n "$p" ] && set -- "$@" -p "$p"
            done <"$dir/$name.pipelines"
        fi
        if [ -f "$dir/$name.args" ]; then
            while IFS= read -r p || [ -n "$p" ]; do
                [ -n "$p" ] && set -- "$@" "$p"
            done <"$dir/$name.args"
        fi
        (cd "$dir" && "$SIGMACC" "$@" -q "$name.yml") >"$TMP/out" 2>"$TMP/err"
        status=$?
        ran=$((ran + 1))
        { echo "exit: $status"; cat "$TMP/err"; } >"$TMP/err.full"
        if [ "$update" -eq 1 ]; then
            [ -n "$expected" ] && cp "$TMP/out" "$expected"
            if [ -f "$dir/$name.err" ] || [ "$status" -ne 0 ]; then
                cp "$TMP/err.full" "$dir/$name.err"
            fi
            ok
            continue
        fi
        if [ -n "$expected" ]; then
            if cmp -s "$TMP/out" "$expected"; then ok; else
                ko "$target/$name: output differs from $(basename "$expected")"
                diff -u "$expected" "$TMP/out" | head -40 >&2
            fi
        fi
        if [ -f "$dir/$name.err" ]; then
            if cmp -s "$TMP/err.full" "$dir/$name.err"; then ok; else
                ko "$target/$name: exit status or stderr differs from $name.err"
                diff -u "$dir/$name.err" "$TMP/err.full" | head -40 >&2
            fi
        elif [ "$status" -ne 0 ]; then
            ko "$target/$name: exit $status (no $name.err)"
            head -20 "$TMP/err" >&2
        fi
    done
done
# A golden run that compared nothing has proved nothing.
[ "$ran" -gt 0 ] || ko "no golden test ran"
finish
