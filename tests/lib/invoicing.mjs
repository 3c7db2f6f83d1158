// tests/lib/invoicing.mjs — what the invoice tests need besides the harness: config
// files per seller mode, a real cycle (opened, ordered through the API, closed and
// batched by km0 itself), sessions for a generated week's customers, and the official
// EN 16931 validators (CII D16B XSD with xmllint, the Schematron with Saxon-HE).
//
// The validation artefacts are third-party and read from ../shared/standards; they
// are never copied into km0. validateCii says why it cannot run when they are absent.

import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { km0, insertProducts, makeConsumers, clientFor, SHARED, TIMEOUT } from './harness.mjs';

const CII = path.join(SHARED, 'standards/en16931-cii');
export const CII_XSD = path.join(CII, 'xsd/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd');
export const CII_XSLT = path.join(CII, 'xslt/EN16931-CII-validation.xslt');
const SAXON = '/usr/share/java/Saxon-HE.jar';

export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { timeout: TIMEOUT.cmd }).status === 0;
}

/** Why the official validation cannot run here, or null when it can. */
export function validatorsMissing() {
  if (!existsSync(CII_XSD) || !existsSync(CII_XSLT)) {
    return `${CII} not found: the EN 16931 validation artefacts are third-party and not part of km0 ` +
      '(they are read from ../shared/standards); official validation skipped';
  }
  if (!existsSync(SAXON) || !have('java')) return `${SAXON} or java missing (libsaxonhe-java, default-jre-headless)`;
  if (!have('xmllint')) return 'xmllint missing (libxml2-utils)';
  return null;
}

/** A km0 config file for a seller mode (the database comes from KM0_DATABASE_URL). */
export function writeConfig(dir, name, lines) {
  const file = path.join(dir, `${name}.conf`);
  writeFileSync(file, Object.entries(lines).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n');
  return file;
}

export function cli(conf, args, db) {
  return km0(conf ? ['--config', conf, ...args] : args, { db });
}

/** A cycle opened now through the CLI, under conf: offers are frozen as that seller mode says. */
export function openCycleWith(db, conf) {
  const at = (i) => db.one(`SELECT to_char(now() + interval '${i}', 'YYYY-MM-DD"T"HH24:MI:SSOF')`);
  const delivery = db.one("SELECT to_char(current_date + 5, 'YYYY-MM-DD')");
  const r = cli(conf, ['cycle', 'create', '--opens', at('1 hour'), '--closes', at('3 days'), '--delivery', delivery], db);
  assert.equal(r.status, 0, r.stderr);
  const id = Number(r.stdout.trim());
  const o = cli(conf, ['cycle', 'open', String(id)], db);
  assert.equal(o.status, 0, o.stderr);
  return id;
}

export function closeAndBatch(db, conf, cycle) {
  for (const args of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)]]) {
    const r = cli(conf, args, db);
    assert.equal(r.status, 0, `km0 ${args.join(' ')}: ${r.stderr}`);
  }
  assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cycle}`), 'batched');
}

/** The hand-made catalog of the real cycles: three rates at one producer, a producer
 *  under the VAT franchise, kg sold by decimals. Products exist once per database. */
export function realCatalog(db) {
  insertProducts(db, 'ferme-trois-chenes', [
    { sku: 'INV-CAR', name: 'Carottes des sables', unit: 'kg', price: '2.37', vat: '5.5', stock: '500', step: '0.25' },
    { sku: 'INV-SOUPE', name: 'Soupe de courge à emporter', unit: 'piece', price: '3.1818', vat: '10', stock: null, step: '1' },
    { sku: 'INV-JUS', name: 'Jus de carotte & gingembre 75 cl', unit: 'bottle', price: '2.5', vat: '20', stock: null, step: '1' },
  ]);
  insertProducts(db, 'vergers-grane', [
    { sku: 'INV-POM', name: 'Pommes Reinette', unit: 'kg', price: '2.6', vat: '0', stock: '300', step: '0.5' },
  ]);
}

const FTC = 'ferme-trois-chenes';
/** Orders of the real cycle: a person without address, a person with one, a business. */
export const REAL_ORDERS = [
  { kind: 'person', lines: [[FTC, 'INV-CAR', '1.75'], [FTC, 'INV-SOUPE', '2'], ['vergers-grane', 'INV-POM', '2.5']] },
  { kind: 'person', address: '3 place de l’Église, 26400 Crest', lines: [['vergers-grane', 'INV-POM', '1.5'], [FTC, 'INV-JUS', '1']] },
  { kind: 'business', lines: [[FTC, 'INV-CAR', '12.25'], [FTC, 'INV-SOUPE', '7'], [FTC, 'INV-JUS', '6'], ['vergers-grane', 'INV-POM', '4']] },
];

/** Consumers for REAL_ORDERS (the business one with legal name, SIRET, VAT number
 *  and address), their orders placed through the API; returns [{consumer, order}]. */
export async function placeRealOrders(db, srv, cycle, tag) {
  const consumers = makeConsumers(db, REAL_ORDERS.length, tag);
  const out = [];
  for (let i = 0; i < REAL_ORDERS.length; i++) {
    const o = REAL_ORDERS[i];
    const c = consumers[i];
    if (o.kind === 'business') {
      db.sql(`UPDATE customers SET kind = 'business', name = 'Restaurant L''Étape',
        legal_name = 'L''Étape & Fils SARL', siret = '73282932000074', vat_number = 'FR44732829320',
        address = '5 rue de l''Hôtel de Ville, 26400 Crest' WHERE id = ${c.customerId}`);
    } else if (o.address) {
      db.sql(`UPDATE customers SET address = '${o.address.replace(/'/g, "''")}' WHERE id = ${c.customerId}`);
    }
    const r = await clientFor(srv, c).put(`/api/v1/cycles/${cycle}/order`, {
      pickup_point: 'crest-halle',
      lines: o.lines.map(([producer, sku, quantity]) => ({ producer, sku, quantity })),
    });
    assert.equal(r.status, 200, r.text);
    out.push({ consumer: c, order: r.json.order, kind: o.kind });
  }
  return out;
}

/** Sessions for every customer with an order in a (generated) cycle: Map customer id → consumer. */
export function sessionsForCycle(db, cycle) {
  const hash = db.one('SELECT password_hash FROM users LIMIT 1');
  const salt = randomBytes(6).toString('hex');
  const rows = db.sql(`WITH c AS (SELECT o.customer_id, cu.email, cu.hub_id FROM orders o
        JOIN customers cu ON cu.id = o.customer_id WHERE o.cycle_id = ${cycle}),
      u AS (INSERT INTO users (hub_id, email, password_hash, role, name, customer_id)
            SELECT hub_id, lower(email), '${hash}', 'consumer', '', customer_id FROM c
            ON CONFLICT (hub_id, email) DO UPDATE SET active = true RETURNING id, hub_id, customer_id),
      s AS (INSERT INTO sessions (hub_id, user_id, token_sha256, csrf_token, expires_at)
            SELECT hub_id, id, sha256(convert_to('${salt}' || lpad(customer_id::text, 31, '0'), 'UTF8')),
                   'csrf-${salt}-' || customer_id, now() + interval '1 day' FROM u RETURNING user_id)
    SELECT u.customer_id FROM u JOIN s ON s.user_id = u.id`);
  // session cookies are 43 base64url characters: 12 of salt, the customer id on 31
  return new Map(rows.map(([id]) => [Number(id), { token: `${salt}${id.padStart(31, '0')}`, csrf: `csrf-${salt}-${id}` }]));
}

export function pdfText(file) {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: TIMEOUT.cmd })
    .replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' ');
}

/** Every file of dir against the CII D16B XSD (one xmllint run) and the EN 16931
 *  Schematron (one Java run); returns {files, failed: ["file: rule (flag): text"]}. */
export function validateCii(dir, work) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();
  const xsd = spawnSync('xmllint', ['--noout', '--schema', CII_XSD, ...files.map((f) => path.join(dir, f))],
    { encoding: 'utf8', maxBuffer: 1 << 26, timeout: TIMEOUT.cmd });
  assert.equal(xsd.status, 0, `CII D16B schema:\n${xsd.stderr.slice(0, 4000)}`);
  const out = path.join(work, 'svrl');
  mkdirSync(out, { recursive: true });
  const s = spawnSync('java', ['-cp', SAXON, 'net.sf.saxon.Transform', `-s:${dir}`, `-xsl:${CII_XSLT}`, `-o:${out}`],
    { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600000 });
  assert.equal(s.status, 0, s.stderr);
  const failed = [];
  let fired = 0;
  for (const f of files) {
    const svrl = readFileSync(path.join(out, f), 'utf8');
    if (/<svrl:fired-rule/.test(svrl)) fired++;
    for (const m of svrl.matchAll(/<svrl:failed-assert\b([^>]*)>[\s\S]*?<svrl:text>([\s\S]*?)<\/svrl:text>/g)) {
      failed.push(`${f}: ${/id="([^"]*)"/.exec(m[1])?.[1]} (${/flag="([^"]*)"/.exec(m[1])?.[1]}): ${m[2].trim()}`);
    }
  }
  assert.equal(fired, files.length, 'the Schematron fired no rule on some files');
  return { files: files.length, failed };
}
