#!/bin/sh
# kql_parse.sh - every KQL query compiled from the SigmaHQ corpus with each
# built-in KQL pipeline is parsed and analyzed by Microsoft's own Kusto parser
# (npm @kusto/language-service-next, installed by .ci/run) against the tables
# the pipeline declares: no syntax error, no unknown column, no type error.
# The escaping function's literals for every byte go through Microsoft's
# decoder too, and kql-defender-xdr + kql-sentinel must convert at least
# 2,900 corpus rules between them. One node process checks everything.
. "$top_srcdir/tests/lib.sh"

if [ ! -d "$SIGMA_CORPUS/rules" ]; then
    echo "SKIP: corpus not found at $SIGMA_CORPUS"
    exit 77
fi
if ! command -v node >/dev/null 2>&1; then
    echo "SKIP: node not found (needed to run Microsoft's Kusto parser)"
    exit 77
fi
mods="${KUSTO_NODE_MODULES:-$HOME/.cache/sigmacc-npm/node_modules}"
if [ ! -f "$mods/@kusto/language-service-next/Kusto.Language.Bridge.min.js" ]; then
    echo "FAIL: @kusto/language-service-next not found in $mods; install it with"
    echo "  npm install --no-save --prefix \"\$HOME/.cache/sigmacc-npm\" @kusto/language-service-next"
    echo "(or point KUSTO_NODE_MODULES at a node_modules directory that has it)"
    exit 1
fi

tmp=$TMP
args=""
for p in kql-defender-xdr kql-sentinel kql-adx; do
    file="$top_srcdir/pipelines/$p.yml"
    # exit status 1 just means some rules cannot be converted
    "$SIGMACC" compile -t kql -p "$file" --format json "$SIGMA_CORPUS/rules" \
        >"$tmp/$p.jsonl" 2>"$tmp/$p.err"
    rc=$?
    if [ $rc -gt 1 ] || [ ! -s "$tmp/$p.jsonl" ]; then
        echo "FAIL: sigmacc compile -t kql -p $p exited $rc"
        head -20 "$tmp/$p.err"
        exit 1
    fi
    sed "s/^{/{\"pipeline\":\"$p\",/" "$tmp/$p.jsonl" >>"$tmp/all.jsonl"
    args="$args $p=$file"
done
"$top_builddir/tests/test_kql" --literals >>"$tmp/all.jsonl" || exit 1
# shellcheck disable=SC2086
node "$top_srcdir/tests/kql_check.js" --union=2900:kql-defender-xdr,kql-sentinel "$mods" $args \
    <"$tmp/all.jsonl"
