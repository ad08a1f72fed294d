// Vigil's Sentinel queries parsed and analysed by Microsoft's Kusto language
// service (npm @kusto/language-service-next, the JavaScript build of
// Kusto.Language), against a workspace schema.
//
//   node check.js --schema schema-auth0.json queries.json   every diagnostic counts
//   node check.js --syntax-only queries.json                syntax errors only
//   node check.js --literals values.json                    each value, as Vigil quotes it,
//                                                           reads back as exactly that value
//   node check.js --schema s.json --by-table queries.json  a measurement, not a check: per
//                                                           table of the schema, the queries
//                                                           reading it that analyse cleanly,
//                                                           and the names most often unknown
//
// queries.json: `vigil compile --target sentinel --format json` output (an
// array of {id, source, query}). Exit status 1 on any error, with each error
// printed as `source: code message (at offset): line`.
'use strict';
const path = require('path');
const fs = require('fs');
const dir = path.join(__dirname, 'node_modules', '@kusto', 'language-service-next');
require(path.join(dir, 'bridge.min.js'));
require(path.join(dir, 'Kusto.Language.Bridge.min.js'));
const K = Kusto.Language;
const S = K.Symbols;

const TYPES = {
  string: S.ScalarTypes.String, datetime: S.ScalarTypes.DateTime, bool: S.ScalarTypes.Bool,
  dynamic: S.ScalarTypes.Dynamic, real: S.ScalarTypes.Real, long: S.ScalarTypes.Long,
  int: S.ScalarTypes.Int, guid: S.ScalarTypes.Guid, timespan: S.ScalarTypes.TimeSpan,
};

/** GlobalState with a database of the schema's tables and functions. */
function globals(schemaPath) {
  if (!schemaPath) return K.GlobalState.Default;
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  const members = [];
  for (const [name, cols] of Object.entries(schema.tables || {})) {
    const columns = Object.entries(cols).map(([c, t]) => {
      if (!TYPES[t]) throw new Error(`${name}.${c}: unknown type ${t}`);
      return new S.ColumnSymbol(c, TYPES[t]);
    });
    members.push(new S.TableSymbol.$ctor4(name, columns));
  }
  for (const [name, f] of Object.entries(schema.functions || {})) {
    members.push(new S.FunctionSymbol.$ctor16(name, f.parameters, f.body, null));
  }
  const db = new S.DatabaseSymbol.ctor(schema.database || 'db', members);
  const cluster = new S.ClusterSymbol.ctor('cluster', [db]);
  return K.GlobalState.Default.WithCluster(cluster).WithDatabase(db);
}

function list(l) {
  const out = [];
  for (let i = 0; i < l.Count; i++) out.push(l.getItem(i));
  return out;
}

function errors(text, g, syntaxOnly) {
  const code = K.KustoCode.ParseAndAnalyze(text, g);
  const d = syntaxOnly ? code.GetSyntaxDiagnostics() : code.GetDiagnostics();
  return { code, errors: list(d).filter((x) => x.Severity === 'Error') };
}

function lineAt(text, offset) {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The literal values of a `print` query, read back through the syntax tree. */
function literals(code) {
  const out = [];
  const walk = (node) => {
    if (!node) return;
    if (node.Kind === K.Syntax.SyntaxKind.StringLiteralExpression ||
        (node.Kind === K.Syntax.SyntaxKind.CompoundStringLiteralExpression)) {
      out.push(node.LiteralValue);
      return;
    }
    for (let i = 0; i < node.ChildCount; i++) walk(node.GetChild(i));
  };
  walk(code.Syntax);
  return out;
}

/** Per table of the schema: queries reading it with and without errors. */
function byTable(g, schemaPath, files) {
  const tables = JSON.parse(fs.readFileSync(schemaPath, 'utf8')).tables;
  const counts = {};
  for (const f of files) {
    for (const item of JSON.parse(fs.readFileSync(f, 'utf8'))) {
      const table = item.query.split('\n').find((l) => !l.startsWith('declare'));
      if (!tables[table]) continue;
      const c = (counts[table] = counts[table] || { clean: 0, errors: 0, unknown: {} });
      const r = errors(item.query, g, false);
      if (r.errors.length) c.errors++; else c.clean++;
      for (const e of r.errors) {
        const m = /The name '([^']+)'/.exec(e.Message);
        if (m) c.unknown[m[1]] = (c.unknown[m[1]] || 0) + 1;
      }
    }
  }
  for (const [t, c] of Object.entries(counts)) {
    const top = Object.entries(c.unknown).sort((a, b) => b[1] - a[1]).slice(0, 6)
      .map(([n, k]) => `${n} ${k}`).join(', ');
    console.log(`${t}: ${c.clean} clean, ${c.errors} with errors; unknown: ${top}`);
  }
}

function main() {
  const args = process.argv.slice(2);
  let schema = null, syntaxOnly = false, literalMode = false, byTableMode = false;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--schema') schema = args[++i];
    else if (args[i] === '--syntax-only') syntaxOnly = true;
    else if (args[i] === '--literals') literalMode = true;
    else if (args[i] === '--by-table') byTableMode = true;
    else files.push(args[i]);
  }
  const g = globals(schema);
  if (byTableMode) return byTable(g, schema, files);
  let failed = 0, checked = 0;
  for (const f of files) {
    const items = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const item of items) {
      // `compile -f json` lists the detections that failed too, without a query.
      if (!literalMode && item.query == null) continue;
      checked++;
      if (literalMode) {
        // {value, literal}: `print x = <literal>` must parse with no error
        // and hold exactly one string literal whose value is `value`.
        const text = `print x = ${item.literal}`;
        const r = errors(text, g, false);
        const lits = literals(r.code);
        if (r.errors.length || lits.length !== 1 || lits[0] !== item.value) {
          failed++;
          console.log(`literal ${JSON.stringify(item.value)} -> ${item.literal}: ` +
            `${r.errors.map((e) => e.Message).join('; ')} read back ${JSON.stringify(lits)}`);
        }
        continue;
      }
      const r = errors(item.query, g, syntaxOnly);
      if (r.errors.length) failed++;
      for (const e of r.errors) {
        console.log(`${item.source || item.id}: ${e.Code} ${e.Message} (at ${e.Start}): ${lineAt(item.query, e.Start)}`);
      }
    }
  }
  const what = literalMode ? 'literals' : syntaxOnly ? 'queries (syntax)' : 'queries (syntax and semantics)';
  console.log(`kusto: ${checked - failed}/${checked} ${what} without errors`);
  process.exit(failed ? 1 : 0);
}

main();
