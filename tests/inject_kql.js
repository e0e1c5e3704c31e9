// inject_kql.js - the string literals of KQL queries, as Microsoft's own
// Kusto parser (npm @kusto/language-service-next) reads them, for
// tests/inject.sh.
//
//   node inject_kql.js NODE_MODULES_DIR PIPELINE.yml < queries.jsonl > literals.jsonl
//
// stdin: `sigmacc compile -t kql --format json` lines. Each query is parsed
// and analyzed against the tables PIPELINE.yml declares (its
// `kql_schema_TABLE` items). Per query one line out:
//   {"id": RULE-ID, "diagnostics": [every diagnostic, any severity],
//    "literals": [{"op": OPERATOR, "field": FIELD, "hex": DECODED-UTF-8}]}
// for every string literal token of the query: the operator before it
// (`matches regex` as one) and the field that operator tests (`Event.f1`,
// or the decoded bracketed name for `Event["f-1"]`, or a bare column),
// or op "" and field null when it is somewhere else (a bracketed column
// name itself is not listed). A literal that is
// not a whole string literal expression (e.g. `'a' 'b'`, two literals
// concatenated) is reported as a diagnostic.
'use strict';
const fs = require('fs');

const [modDir, pipeline] = process.argv.slice(2);
if (!modDir || !pipeline) {
    console.error('usage: node inject_kql.js NODE_MODULES_DIR PIPELINE.yml < queries.jsonl');
    process.exit(2);
}
const kusto = require('./kusto.js');
const K = kusto.load(modDir);
const SK = K.Syntax.SyntaxKind;
const globals = kusto.globalsFor(K, pipeline).globals;

const hex = (s) => Buffer.from(s, 'utf8').toString('hex');

// The field an operator at toks[i] tests: what ends just before it.
function fieldBefore(toks, i) {
    let j = i - 1;
    if (j >= 0 && toks[j].Text === ')')
        j--; // tostring(...)
    if (j >= 0 && toks[j].Text === ']' && j >= 1 && toks[j - 1].Kind === SK.StringLiteralToken)
        return K.KustoFacts.GetStringLiteralValue(toks[j - 1].Text);
    const parts = [];
    while (j >= 0 && toks[j].Kind === SK.IdentifierToken) {
        parts.unshift(toks[j].Text);
        if (j >= 1 && toks[j - 1].Text === '.')
            j -= 2;
        else
            break;
    }
    return parts.length ? parts.join('.') : null;
}

let nq = 0;
const out = [];
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
    if (!line.trim())
        continue;
    const r = JSON.parse(line);
    if (typeof r.query !== 'string')
        continue;
    nq++;
    const code = K.KustoCode.ParseAndAnalyze(r.query, globals);
    const diagnostics = [];
    const dx = code.GetDiagnostics();
    for (let i = 0; i < dx.Count; i++) {
        const d = dx.getItem(i);
        diagnostics.push(`${d.Severity} ${d.Code} at ${d.Start}: ${d.Message}`);
    }
    const toks = [];
    for (let t = code.Syntax.GetFirstToken(); t; t = t.GetNextToken())
        toks.push(t);
    const literals = [];
    toks.forEach((t, i) => {
        if (t.Kind !== SK.StringLiteralToken)
            return;
        if (!t.Parent || t.Parent.Kind !== SK.StringLiteralExpression)
            diagnostics.push(`literal ${t.Text.slice(0, 80)} is part of a ${SK[t.Parent.Kind] || t.Parent.Kind}`);
        if (i >= 1 && toks[i - 1].Kind === SK.OpenBracketToken && i + 1 < toks.length &&
            toks[i + 1].Kind === SK.CloseBracketToken)
            return; // a column name: Event["f-1"]
        const value = K.KustoFacts.GetStringLiteralValue(t.Text);
        let op = '', at = i - 1;
        if (at >= 1 && toks[at].Text === 'regex' && toks[at - 1].Text === 'matches') {
            op = 'matches regex';
            at--;
        } else if (at >= 0 && toks[at].Kind !== SK.OpenBracketToken && toks[at].Text !== ',' &&
                   toks[at].Text !== '(') {
            op = toks[at].Text;
        }
        literals.push({op, field: op ? fieldBefore(toks, at) : null, hex: hex(value)});
    });
    out.push(JSON.stringify({id: r.id, diagnostics, literals}));
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
console.error(`inject_kql: ${nq} queries parsed`);
process.exit(nq ? 0 : 1);
