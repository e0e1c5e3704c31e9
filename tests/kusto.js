// kusto.js - Microsoft's Kusto parser (npm @kusto/language-service-next, a
// build of Kusto.Language) and the tables a KQL pipeline declares, for
// tests/kql_check.js and tests/inject_kql.js.
'use strict';
const fs = require('fs');
const path = require('path');

// Kusto.Language from NODE_MODULES_DIR.
function load(modDir) {
    const pkg = path.join(modDir, '@kusto', 'language-service-next');
    require(path.join(pkg, 'bridge.min.js'));
    require(path.join(pkg, 'Kusto.Language.Bridge.min.js'));
    return globalThis.Kusto.Language;
}

// The schema items, written in one fixed shape in the pipeline files:
//   - id: kql_schema_TABLE
//     type: set_state
//     key: query_table_schema
//     val: "(Col:type, ...)"          (may continue on following lines)
// Map TABLE -> "(Col:type, ...)"; exits 2 when an item has another shape.
function schemas(file) {
    const text = fs.readFileSync(file, 'utf8');
    const out = new Map();
    const re = /- id: kql_schema_(\w+)\s*\n\s*type: set_state\s*\n\s*key: query_table_schema\s*\n\s*val: "([^"]*)"/g;
    let m;
    while ((m = re.exec(text)) !== null) {
        const cols = m[2].replace(/\s+/g, ' ').trim();
        out.set(m[1], cols.startsWith('(') ? cols : `(${cols})`);
    }
    const declared = (text.match(/key: query_table_schema/g) || []).length;
    if (declared !== out.size || out.size === 0) {
        console.error(`${file}: ${declared} query_table_schema items, ${out.size} in the kql_schema_TABLE shape`);
        process.exit(2);
    }
    return out;
}

// Kusto's global state with one database holding the pipeline's tables.
function globalsFor(K, file) {
    const symbols = [];
    for (const [name, cols] of schemas(file))
        symbols.push(new K.Symbols.TableSymbol.$ctor7(name, cols, null));
    const db = new K.Symbols.DatabaseSymbol.$ctor1('db', symbols, false);
    return {globals: K.GlobalState.Default.WithDatabase(db), ntables: symbols.length};
}

module.exports = {load, schemas, globalsFor};
