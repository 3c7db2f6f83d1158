// E-invoicing against the official tools: the CII D16B schema (xmllint), the EN 16931
// business rules (Schematron compiled to XSLT 2.0, run by Saxon-HE), and Factur-X
// made from a PDF/A-3b that Apache FOP renders, checked with qpdf and poppler.
//
// The invoices are the samples of tests/unit/cii_samples.h, written out by the unit
// test binary (KM0_CII_OUT mode); Factur-X post-processing runs through the
// test_facturx binary (KM0_FACTURX_* mode). The validation artefacts are third-party
// and live in ../shared/standards, never in km0: without them those tests skip.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, readdirSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, SHARED, tmpDir, assertNoSanitizerReport, TIMEOUT } from '../lib/harness.mjs';

const CII = path.join(SHARED, 'standards/en16931-cii');
const XSD = path.join(CII, 'xsd/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd');
const XSLT = path.join(CII, 'xslt/EN16931-CII-validation.xslt');
const SAXON = '/usr/share/java/Saxon-HE.jar';
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const MISSING_STANDARDS = `${CII} not found: the EN 16931 validation artefacts are third-party ` +
  'and not part of km0 (they are read from ../shared/standards); official validation skipped';
const SAMPLES = ['credit-note', 'every-unit', 'franchise', 'hub-rates', 'producer-via-hub', 'rounding'];

/** The unit test binary, sanitized build first (as scripts/test.sh runs km0). */
function unitBinary(name) {
  for (const dir of ['build-asan/tests', 'build/tests']) {
    const p = path.join(ROOT, dir, name);
    if (existsSync(p)) return p;
  }
  assert.fail(`${name} is not built: run "make unit-tests" first`);
}

function run(cmd, args, { env = {}, cwd = ROOT, encoding = 'utf8' } = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding, env: { ...process.env, ...env }, timeout: TIMEOUT.cmd });
  if (r.error) throw r.error;
  return r;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { timeout: TIMEOUT.cmd }).status === 0;
}

let work;
let xmlDir;

before(() => {
  work = tmpDir('km0-cii');
  xmlDir = path.join(work, 'xml');
  mkdirSync(xmlDir);
  const r = run(unitBinary('test_cii'), [], { env: { KM0_CII_OUT: xmlDir } });
  assertNoSanitizerReport(r.stderr, 'test_cii (KM0_CII_OUT)');
  assert.equal(r.status, 0, r.stderr);
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('CII D16B export, EN 16931 profile', () => {
  it('writes one document per sample invoice', () => {
    assert.deepEqual(readdirSync(xmlDir).sort(), SAMPLES.map((s) => `${s}.xml`));
  });

  it('every document is valid against the CII D16B schema (xmllint)', (t) => {
    if (!existsSync(XSD)) return t.skip(MISSING_STANDARDS);
    const files = SAMPLES.map((s) => path.join(xmlDir, `${s}.xml`));
    const r = run('xmllint', ['--noout', '--schema', XSD, ...files]);
    assert.equal(r.status, 0, r.stderr);
    for (const f of files) assert.match(r.stderr, new RegExp(`${f} validates`));
  });

  it('the EN 16931 Schematron finds no failed assert and no warning (Saxon-HE)', (t) => {
    if (!existsSync(XSLT)) return t.skip(MISSING_STANDARDS);
    if (!existsSync(SAXON) || !have('java')) return t.skip(`${SAXON} or java missing (packages libsaxonhe-java, default-jre-headless)`);
    // All documents in one Java run (the stylesheet takes seconds to compile), plus a
    // control whose grand total is off by a cent: the run must catch it, or a
    // validator that checked nothing would pass everything.
    const svrlIn = path.join(work, 'svrl-in');
    const svrlOut = path.join(work, 'svrl');
    mkdirSync(svrlIn);
    mkdirSync(svrlOut);
    for (const s of SAMPLES) copyFileSync(path.join(xmlDir, `${s}.xml`), path.join(svrlIn, `${s}.xml`));
    const good = readFileSync(path.join(xmlDir, 'hub-rates.xml'), 'utf8');
    const broken = good.replace('<ram:GrandTotalAmount>54.37<', '<ram:GrandTotalAmount>54.38<');
    assert.notEqual(broken, good);
    writeFileSync(path.join(svrlIn, 'control-broken.xml'), broken);

    const r = run('java', ['-cp', SAXON, 'net.sf.saxon.Transform', `-s:${svrlIn}`, `-xsl:${XSLT}`, `-o:${svrlOut}`]);
    assert.equal(r.status, 0, r.stderr);

    const control = readFileSync(path.join(svrlOut, 'control-broken.xml'), 'utf8');
    assert.match(control, /<svrl:failed-assert[^>]*id="BR-CO-15"/);
    let validated = 0;
    for (const s of SAMPLES) {
      const svrl = readFileSync(path.join(svrlOut, `${s}.xml`), 'utf8');
      assert.match(svrl, /<svrl:fired-rule/, `${s}: the Schematron fired no rule`);
      const asserts = [...svrl.matchAll(/<svrl:failed-assert\b([^>]*)>[\s\S]*?<svrl:text>([\s\S]*?)<\/svrl:text>/g)]
        .map((m) => `${/id="([^"]*)"/.exec(m[1])?.[1]} (${/flag="([^"]*)"/.exec(m[1])?.[1]}): ${m[2].trim()}`);
      const reports = [...svrl.matchAll(/<svrl:successful-report\b[^>]*>/g)].map((m) => m[0]);
      assert.deepEqual(asserts, [], `${s}.xml breaks EN 16931 rules`);
      assert.deepEqual(reports, [], `${s}.xml triggers Schematron reports`);
      validated++;
    }
    t.diagnostic(`${validated} invoices validated, 0 failed asserts, 0 warnings`);
  });
});

describe('Factur-X from a FOP PDF/A-3b', () => {
  let fopPdf;
  let fxPdf;
  let xml;

  before(() => {
    xml = readFileSync(path.join(xmlDir, 'hub-rates.xml'));
  });

  it('FOP embeds the XML, but as /Data and application/octet-stream', (t) => {
    for (const c of ['fop', 'qpdf']) if (!have(c)) return t.skip(`${c} is not installed`);
    if (!existsSync(FONT)) return t.skip(`${FONT} missing (fonts-dejavu-core): PDF/A needs embedded fonts`);
    const dir = path.join(work, 'fop');
    mkdirSync(dir);
    copyFileSync(path.join(ROOT, 'tests/data/facturx-sample.fo'), path.join(dir, 'sample.fo'));
    writeFileSync(path.join(dir, 'factur-x.xml'), xml);
    const r = run('fop', ['-q', '-c', path.join(ROOT, 'tests/data/facturx-fop.xconf'), '-pdfprofile', 'PDF/A-3b',
      '-fo', 'sample.fo', '-pdf', 'fop.pdf'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    fopPdf = path.join(dir, 'fop.pdf');
    const dump = run('qpdf', ['--qdf', '--object-streams=disable', fopPdf, '-']).stdout;
    assert.match(dump, /\/AFRelationship \/Data/);
    assert.match(dump, /\/Subtype \/application#2foctet-stream/);
  });

  it('post-processing makes it Factur-X, the XML byte for byte', (t) => {
    if (!fopPdf) return t.skip('no FOP output (see the previous test)');
    for (const c of ['pdfdetach', 'pdfinfo']) if (!have(c)) return t.skip(`${c} is not installed (poppler-utils)`);
    fxPdf = path.join(work, 'fop', 'facturx.pdf');
    const r = run(unitBinary('test_facturx'), [], {
      env: { KM0_FACTURX_IN: fopPdf, KM0_FACTURX_XML: path.join(xmlDir, 'hub-rates.xml'), KM0_FACTURX_OUT: fxPdf },
    });
    assertNoSanitizerReport(r.stderr, 'test_facturx (KM0_FACTURX_*)');
    assert.equal(r.status, 0, r.stderr);

    const check = run('qpdf', ['--check', fxPdf]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /No syntax or stream encoding errors/);

    const list = run('pdfdetach', ['-list', fxPdf]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^1 embedded files\n1: factur-x\.xml$/m);
    const saved = path.join(work, 'fop', 'extracted.xml');
    assert.equal(run('pdfdetach', ['-save', '1', '-o', saved, fxPdf]).status, 0);
    assert.ok(readFileSync(saved).equals(xml), 'pdfdetach: the attachment differs from the CII XML');
    const shown = run('qpdf', [`--show-attachment=factur-x.xml`, fxPdf], { encoding: 'buffer' });
    assert.ok(shown.stdout.equals(xml), 'qpdf: the attachment differs from the CII XML');

    const dump = run('qpdf', ['--qdf', '--object-streams=disable', fxPdf, '-']).stdout;
    assert.match(dump, /\/AFRelationship \/Alternative/);
    assert.match(dump, /\/Subtype \/text#2fxml/);
    assert.match(dump, /\/AF \[\s*\d+ 0 R\s*\]/);
    assert.doesNotMatch(dump, /\/AFRelationship \/Data|octet-stream/);

    const meta = run('pdfinfo', ['-meta', fxPdf]);
    assert.equal(meta.status, 0, meta.stderr);
    assert.match(meta.stdout, /<pdfaid:part>3<\/pdfaid:part>/);
    assert.match(meta.stdout, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    assert.match(meta.stdout, /<fx:DocumentType>INVOICE<\/fx:DocumentType>/);
    assert.match(meta.stdout, /<fx:DocumentFileName>factur-x\.xml<\/fx:DocumentFileName>/);
    assert.match(meta.stdout, /<fx:Version>1\.0<\/fx:Version>/);
    assert.match(meta.stdout, /<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
    assert.match(meta.stdout,
      /<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#<\/pdfaSchema:namespaceURI>\s*<pdfaSchema:prefix>fx<\/pdfaSchema:prefix>/);
  });
});
