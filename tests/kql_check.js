// kql_check.js - parse and analyze KQL queries with Microsoft's own Kusto
// parser (npm @kusto/language-service-next, a build of Kusto.Language).
//
//   node kql_check.js NODE_MODULES_DIR PIPELINE.yml... < results.jsonl
//
// stdin: JSON lines as written by `sigmacc compile -t kql --format json`
// ({path, query, ...}; rules that failed have no query and are skipped).
// The database holds every table whose schema the pipelines declare (their
// `kql_schema_TABLE` set_state items), so a column the table lacks is an
// error here. Prints a summary; exit 1 when any query has an error
// diagnostic (syntax, unknown column, type), 2 on bad input.
'use strict';
const fs = require('fs');
const path = require('path');

const [modDir, ...pipelines] = process.argv.slice(2);
if (!modDir || pipelines.length === 0) {
    console.error('usage: node kql_check.js NODE_MODULES_DIR PIPELINE.yml... < results.jsonl');
    process.exit(2);
}
const pkg = path.join(modDir, '@kusto', 'language-service-next');
require(path.join(pkg, 'bridge.min.js'));
require(path.join(pkg, 'Kusto.Language.Bridge.min.js'));
const K = globalThis.Kusto.Language;

// The schema items, written in one fixed shape in the pipeline files:
//   - id: kql_schema_TABLE
//     type: set_state
//     key: query_table_schema
//     val: "(Col:type, ...)"          (may continue on following lines)
function schemas(file) {
    const text = fs.readFileSync(file, 'utf8');
    const out = new Map();
    const re = /- id: kql_schema_(\w+)\s*\n\s*type: set_state\s*\n\s*key: query_table_schema\s*\n\s*val: "([^"]*)"/g;
    let m;
    while ((m = re.exec(text)) !== null)
        out.set(m[1], m[2].replace(/\s+/g, ' ').trim());
    const declared = (text.match(/key: query_table_schema/g) || []).length;
    if (declared !== out.size) {
        console.error(`${file}: ${declared} query_table_schema items, but only ${out.size} in the kql_schema_TABLE shape`);
        process.exit(2);
    }
    return out;
}

const tables = new Map();
for (const f of pipelines)
    for (const [name, cols] of schemas(f)) {
        if (tables.has(name) && tables.get(name) !== cols) {
            console.error(`table ${name} is declared twice with different columns (${f})`);
            process.exit(2);
        }
        tables.set(name, cols);
    }
const symbols = [];
for (const [name, cols] of tables) {
    const s = cols.startsWith('(') ? cols : `(${cols})`;
    symbols.push(new K.Symbols.TableSymbol.$ctor7(name, s, null));
}
const db = new K.Symbols.DatabaseSymbol.$ctor1('db', symbols, false);
const globals = K.GlobalState.Default.WithDatabase(db);

const lines = fs.readFileSync(0, 'utf8').split('\n');
let queries = 0, bad = 0;
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
    if (typeof r.query !== 'string')
        continue;
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
console.log(`kql_check: ${tables.size} tables, ${queries} queries parsed and analyzed, ${bad} with errors`);
for (const [k, v] of byKind)
    console.log(`  ${k}: ${v}`);
for (const e of examples)
    console.log(`  ${e}`);
if (queries === 0) {
    console.error('kql_check: no query to check');
    process.exit(1);
}
process.exit(bad ? 1 : 0);
