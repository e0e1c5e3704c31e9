// kql_check.js - parse and analyze KQL queries with Microsoft's own Kusto
// parser (npm @kusto/language-service-next, a build of Kusto.Language).
//
//   node kql_check.js NODE_MODULES_DIR NAME=PIPELINE.yml... < lines.jsonl
//
// stdin: JSON lines as written by `sigmacc compile -t kql --format json`
// ({path, query, ...}; rules that failed have no query and are skipped),
// each tagged with "pipeline": NAME. NAME's database holds every table whose
// schema PIPELINE.yml declares (its `kql_schema_TABLE` set_state items), so
// a column the table lacks is an error here. A line {"literal": L, "hex": H}
// instead checks that Microsoft's decoder reads the KQL string literal L as
// the UTF-8 bytes H. Prints a summary; exit 1 when any query has an error
// diagnostic (syntax, unknown column, type) or a literal decodes wrongly,
// 2 on bad input.
'use strict';
const fs = require('fs');

// --union=N:NAME,NAME  also require that at least N rules (by path and id)
// got a query from one of the named pipelines.
const args = process.argv.slice(2);
let union = null;
if (args.length && args[0].startsWith('--union=')) {
    const m = /^--union=(\d+):(.+)$/.exec(args.shift());
    if (!m) {
        console.error('expected --union=N:NAME,NAME');
        process.exit(2);
    }
    union = {min: Number(m[1]), names: m[2].split(','), converted: new Set(), rules: new Set()};
}
const [modDir, ...pipelines] = args;
if (!modDir || pipelines.length === 0) {
    console.error('usage: node kql_check.js NODE_MODULES_DIR NAME=PIPELINE.yml... < lines.jsonl');
    process.exit(2);
}
const kusto = require('./kusto.js');
const K = kusto.load(modDir);

// One database per pipeline: the same table may differ between pipelines.
const globalsOf = new Map();
let ntables = 0;
for (const arg of pipelines) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
        console.error(`expected NAME=PIPELINE.yml, not ${arg}`);
        process.exit(2);
    }
    const g = kusto.globalsFor(K, arg.slice(eq + 1));
    ntables += g.ntables;
    globalsOf.set(arg.slice(0, eq), g.globals);
}

function checkLiteral(r) {
    const want = Buffer.from(r.hex, 'hex').toString('utf8');
    const got = K.KustoFacts.GetStringLiteralValue(r.literal);
    const dx = K.KustoCode.ParseAndAnalyze(`print x = ${r.literal}`, K.GlobalState.Default).GetDiagnostics();
    if (got === want && dx.Count === 0)
        return true;
    console.log(`  literal ${r.literal} decodes to ${JSON.stringify(got)}, expected ${JSON.stringify(want)}` +
        (dx.Count ? ` (${dx.getItem(0).Message})` : ''));
    return false;
}

const lines = fs.readFileSync(0, 'utf8').split('\n');
let queries = 0, bad = 0, literals = 0, badLiterals = 0;
const counts = new Map();
const byKind = new Map();
const examples = [];
for (const line of lines) {
    if (!line.trim())
        continue;
    let r;
    try {
        r = JSON.parse(line);
    } catch (e) {
        console.error(`not JSON: ${line.slice(0, 200)}`);
        process.exit(2);
    }
    if (typeof r.literal === 'string') {
        literals++;
        if (!checkLiteral(r))
            badLiterals++;
        continue;
    }
    const perPipe = counts.get(r.pipeline) || {ok: 0, all: 0};
    perPipe.all++;
    if (typeof r.query === 'string')
        perPipe.ok++;
    counts.set(r.pipeline, perPipe);
    if (union && union.names.includes(r.pipeline)) {
        union.rules.add(`${r.path}#${r.id}`);
        if (typeof r.query === 'string')
            union.converted.add(`${r.path}#${r.id}`);
    }
    if (typeof r.query !== 'string')
        continue;
    const globals = globalsOf.get(r.pipeline);
    if (!globals) {
        console.error(`query without a known pipeline tag: ${line.slice(0, 200)}`);
        process.exit(2);
    }
    queries++;
    const code = K.KustoCode.ParseAndAnalyze(r.query, globals);
    const dx = code.GetDiagnostics();
    let errors = 0;
    for (let i = 0; i < dx.Count; i++) {
        const d = dx.getItem(i);
        if (String(d.Severity) !== 'Error')
            continue;
        errors++;
        const kind = /does not refer to any known column/.test(d.Message) ? 'unknown column'
            : /^KS0\d\d$/.test(d.Code) ? 'syntax' : 'semantic';
        byKind.set(kind, (byKind.get(kind) || 0) + 1);
        if (examples.length < 25)
            examples.push(`${r.path}: ${kind} ${d.Code} at ${d.Start}: ${d.Message}\n    ${r.query.replace(/\n/g, ' ')
                .slice(Math.max(0, d.Start - 80), d.Start + 80)}`);
    }
    if (errors)
        bad++;
}
console.log(`kql_check: ${ntables} tables, ${queries} queries parsed and analyzed, ${bad} with errors; ` +
    `${literals} literals decoded, ${badLiterals} wrong`);
for (const [name, c] of counts)
    console.log(`  ${name}: ${c.ok} of ${c.all} rules converted`);
let unionBad = false;
if (union) {
    console.log(`  ${union.names.join(' + ')}: ${union.converted.size} of ${union.rules.size} rules converted by either (at least ${union.min} required)`);
    unionBad = union.converted.size < union.min;
}
for (const [k, v] of byKind)
    console.log(`  ${k}: ${v}`);
for (const e of examples)
    console.log(`  ${e}`);
if (queries + literals === 0) {
    console.error('kql_check: nothing to check');
    process.exit(1);
}
process.exit(bad || badLiterals || unionBad ? 1 : 0);
