#!/bin/sh
# kql_corr.sh - every KQL correlation query of the golden tests
# (tests/golden/kql/corr_*) and of the ROMMONkit set passes Microsoft's
# Kusto parser and semantic analysis (tests/kql_check.js) against the
# tables of the pipeline it was compiled with: let statements, union, the
# window join, scan, summarize, and every column they name.
. "$top_srcdir/tests/lib.sh"

if ! command -v node >/dev/null 2>&1; then
    echo "SKIP: node not found (needed to run Microsoft's Kusto parser)"
    exit 77
fi
mods="${KUSTO_NODE_MODULES:-$HOME/.cache/sigmacc-npm/node_modules}"
if [ ! -f "$mods/@kusto/language-service-next/Kusto.Language.Bridge.min.js" ]; then
    echo "FAIL: @kusto/language-service-next not found in $mods; install it with"
    echo "  npm install --no-save --prefix \"\$HOME/.cache/sigmacc-npm\" @kusto/language-service-next"
    exit 1
fi
G="$top_srcdir/tests/golden/kql"
P="$top_srcdir/pipelines"

# compile NAME PIPELINE-FILE... : JSON lines tagged with the first pipeline's
# name (its tables are the schema the checker uses)
: >"$TMP/all.jsonl"
n=0
for yml in "$G"/corr_*.yml; do
    name=$(basename "$yml" .yml)
    [ -f "$G/$name.kql" ] || continue # refusals (.err) have no query
    set --
    tag=""
    while IFS= read -r p || [ -n "$p" ]; do
        [ -n "$p" ] || continue
        set -- "$@" -p "$p"
        [ -n "$tag" ] || tag=$p
    done <"$G/$name.pipelines"
    if (cd "$G" && "$SIGMACC" compile -t kql --format json -q "$@" "$name.yml") >"$TMP/one" 2>"$TMP/err"; then
        ok
    else
        ko "$name does not compile"; head -5 "$TMP/err" >&2
    fi
    sed "s/^{/{\"pipeline\":\"$tag\",/" "$TMP/one" >>"$TMP/all.jsonl"
    n=$((n + 1))
done
[ "$n" -ge 10 ] && ok || ko "only $n golden KQL correlations found in $G"

# the ROMMONkit set on Sentinel's Syslog table
K="$top_srcdir/examples/rommonkit"
"$SIGMACC" compile -t kql --format json -q -p kql-sentinel \
    -p "$top_srcdir/tests/data/rommonkit/sentinel_host.yml" \
    "$K"/cisco_*.yml "$K"/rommon_upgrade_then_reload.yml "$K"/filter_rommon_change_windows.yml \
    >"$TMP/rk" 2>"$TMP/err"
expect_grep '"query":"let sigma_rows0 = union' "$TMP/rk" "no ROMMONkit correlation query"
sed 's/^{/{"pipeline":"kql-sentinel",/' "$TMP/rk" >>"$TMP/all.jsonl"

# every line must hold a query: a correlation that failed would have none
nq=$(grep -c '"query":' "$TMP/all.jsonl")
nl=$(grep -c . "$TMP/all.jsonl")
if [ "$nq" -eq "$nl" ]; then ok; else ko "$((nl - nq)) of $nl results have no query"; fi
if node "$top_srcdir/tests/kql_check.js" "$mods" "kql-sentinel=$P/kql-sentinel.yml" \
    "kql-defender-xdr=$P/kql-defender-xdr.yml" "kql-adx=$P/kql-adx.yml" \
    <"$TMP/all.jsonl" >"$TMP/check" 2>&1; then ok; else ko "Kusto parser errors"; fi
cat "$TMP/check"
finish
