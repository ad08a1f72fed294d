// Escaping read back: hostile values and field names, compiled by Vigil to
// Sentinel and parsed by Microsoft's Kusto language service, must come back
// as exactly one string literal holding the value (and one column reference
// naming the field), with no syntax error.
//
//   node escaping.js path/to/vigil
//
// Each case is a Sigma rule (values quoted as JSON strings, which YAML reads
// the same way; `*`, `?` and `\` escaped as Sigma wants them literal),
// compiled with the sentinel-plain profile.
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawnSync } = require('child_process');
const dir = path.join(__dirname, 'node_modules', '@kusto', 'language-service-next');
require(path.join(dir, 'bridge.min.js'));
require(path.join(dir, 'Kusto.Language.Bridge.min.js'));
const K = Kusto.Language;
const SK = K.Syntax.SyntaxKind;

const VALUES = [
  'plain', 'it\'s', 'say "hi"', 'C:\\Windows\\System32', 'trailing\\', '\\"', '\\\'',
  'a*b', 'a?b', '*', 'x | take 1', '" | take 1 //', '\' or 1==1 //', 'line1\nline2',
  'cr\rlf\r\n', 'tab\tstop', 'nul\u0001ctl\u001f', 'del\u007f', 'ls\u2028ps\u2029',
  '@"verbatim"', '```fenced```', '\'\'\'', '// comment', '/* block */', '{param}',
  'where', 'and', 'first', 'let x = 1;', 'h\u00e9llo w\u00f6rld', '\u{1F600}', '$left.x',
  '\\u0041', '\\n', '%', '_', '[bracket]', '(paren)', ';',
];

const FIELDS = [
  'Image', 'first', 'by', 'c-uri', 'with space', 'it\'s', 'back\\slash', 'dotted.name',
  'quote"d', '1digit', 'sémantique', 'where',
];

/** Sigma's escaping of a literal value: wildcards and backslashes. */
function sigmaValue(v) {
  return v.replace(/[\\*?]/g, (c) => '\\' + c);
}

/** A YAML double-quoted scalar: JSON's escapes, plus \\u escapes for the
 * characters YAML does not allow raw (DEL, C1 controls, line separators). */
function yamlQuote(s) {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function rule(i, field, value, modifier) {
  return [
    `title: escaping ${i}`,
    `id: 00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    'logsource: {product: windows, category: process_creation}',
    'detection:',
    '  sel:',
    `    ${yamlQuote(field + (modifier || ''))}: ${yamlQuote(sigmaValue(value))}`,
    '  condition: sel',
    '',
  ].join('\n');
}

function readBack(text) {
  const code = K.KustoCode.ParseAndAnalyze(text, K.GlobalState.Default);
  const syntax = [];
  const diags = code.GetSyntaxDiagnostics();
  for (let i = 0; i < diags.Count; i++) syntax.push(diags.getItem(i).Message);
  const lits = [];
  const names = [];
  const walk = (n, parent) => {
    if (!n) return;
    if ((n.Kind === SK.StringLiteralExpression || n.Kind === SK.CompoundStringLiteralExpression) &&
        !(parent && parent.Kind === SK.BracketedName)) {
      lits.push(n.LiteralValue);
    }
    if (n.Kind === SK.NameReference) names.push(n.SimpleName);
    for (let i = 0; i < n.ChildCount; i++) walk(n.GetChild(i), n);
  };
  walk(code.Syntax, null);
  return { syntax, lits, names };
}

function main() {
  const vigil = process.argv[2];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-kusto-esc-'));
  const cases = [];
  VALUES.forEach((v) => cases.push({ field: 'CommandLine', value: v }));
  // The same values as substrings (`contains`) and prefixes (`startswith`).
  VALUES.forEach((v) => cases.push({ field: 'CommandLine', value: v, modifier: '|contains' }));
  VALUES.forEach((v) => cases.push({ field: 'CommandLine', value: v, modifier: '|startswith' }));
  FIELDS.forEach((f) => cases.push({ field: f, value: 'x' }));
  cases.forEach((c, i) => fs.writeFileSync(path.join(tmp, `r${String(i).padStart(3, '0')}.yml`), rule(i, c.field, c.value, c.modifier)));
  const run = spawnSync(vigil, ['compile', '--target', 'sentinel', '--profile', 'sentinel-plain',
    '--format', 'json', tmp], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) {
    console.log(run.stderr.slice(0, 4000));
    console.log('kusto escaping: vigil refused some cases');
    process.exit(1);
  }
  const items = JSON.parse(run.stdout);
  fs.rmSync(tmp, { recursive: true });
  let failed = 0;
  if (items.length !== cases.length) {
    console.log(`expected ${cases.length} queries, got ${items.length}`);
    failed++;
  }
  for (const item of items) {
    const i = Number(/r(\d+)\.yml$/.exec(item.source)[1]);
    const c = cases[i];
    const r = readBack(item.query);
    // The table (SecurityEvent) is a name reference too.
    const want = ['SecurityEvent', c.field];
    const ok = r.syntax.length === 0 && r.lits.length === 1 && r.lits[0] === c.value &&
      JSON.stringify(r.names) === JSON.stringify(want);
    if (!ok) {
      failed++;
      console.log(`${JSON.stringify(c)} -> ${JSON.stringify(item.query)}: syntax ${JSON.stringify(r.syntax)}, ` +
        `literals ${JSON.stringify(r.lits)}, names ${JSON.stringify(r.names)}`);
    }
  }
  console.log(`kusto escaping: ${cases.length - failed}/${cases.length} values and names read back exactly`);
  process.exit(failed ? 1 : 0);
}

main();
