// Payments: the files of the banks. The camt examples of ../shared/standards/iso20022
// are read (the hub given their account), the `wrong` one refused whole, other people's
// accounts and other currencies refused with a message saying so; a statement that fails
// its official schema, an amount with more than two decimals, a currency other than the
// euro, a French bank's CSV with a bad line: refused naming the entry, nothing imported.
// Direct debit files of both versions, FRST and RCUR, accents and no BIC, validate
// against the official pain.008 schemas. The EPC QR code printed on an invoice decodes
// (pdftoppm + zbarimg) to the hub's IBAN, the invoice's amount and the order's reference.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  freshDb, startServer, km0, addUser, clientFor, makeConsumers, openCycle, tmpDir, TIMEOUT,
} from '../lib/harness.mjs';
import { realCatalog, have } from '../lib/invoicing.mjs';
import {
  ISO20022, iso20022Missing, validateXsd, makeIban, makeIcs, rf, grouped, camt053, bankCsv, readPain008,
} from '../lib/payments.mjs';

const PASSWORD = 'correct horse battery';
const HUB_IBAN = makeIban('FR', '30006000011234567890189');
const EXAMPLES = path.join(ISO20022, 'examples');
const THEIR_ACCOUNT = 'NL26VAYB8060476890'; // the examples' account

let work, db, srv, coord, conf;
const run = (args, c = conf) => km0(c ? ['--config', c, ...args] : args, { db });
const count = (table) => Number(db.one(`SELECT count(*) FROM ${table}`));
const today = () => db.one("SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD')");

before(async () => {
  work = tmpDir('km0-payfiles');
  db = freshDb('payfiles');
  realCatalog(db);
  addUser(db, { email: 'coord@example.org', role: 'coordinator' });
  srv = await startServer(db);
  coord = srv.client();
  await coord.login('coord@example.org', PASSWORD);
  conf = path.join(work, 'schemas.conf');
  writeFileSync(conf, `iso20022_schemas = ${ISO20022}\n`);
});
after(async () => {
  await srv?.stop();
  db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function setIban(iban) {
  const r = await coord.patch('/api/v1/hub/settings', { bank_iban: iban });
  assert.equal(r.status, 200, r.text);
}

describe('the ISO 20022 examples', () => {
  it('reads the examples of an account once the hub is given it, and a second time adds nothing', async (t) => {
    const why = iso20022Missing();
    if (why) { t.skip(why); return; }
    await setIban(THEIR_ACCOUNT);
    const cases = [['camt053.v2.minimal.xml', 1], ['camt053.v2.multi.statement.xml', 2], ['camt053.v8.xml', 1]];
    for (const [name, n] of cases) {
      for (const c of [conf, null]) { // validated against the official schema, then km0's own checks alone
        const r = run(['payments', 'import', path.join(EXAMPLES, name)], c);
        assert.equal(r.status, 0, `${name}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`of account ${THEIR_ACCOUNT}: ${n} lines?, ${c ? n : 0} new`), `${name}: ${r.stdout}`);
      }
    }
    // they are someone else's transfers: nothing of the hub's, so they wait to be matched
    assert.equal(count('bank_entries'), 4);
    assert.equal(Number(db.one("SELECT count(*) FROM ledger_entries WHERE kind IN ('bank_receipt', 'bank_payment')")), 4);
    assert.equal(run(['payments', 'check']).status, 0);
  });

  it('refuses the wrong example whole, with the schema and without it', (t) => {
    const why = iso20022Missing();
    if (why) { t.skip(why); return; }
    const before = [count('bank_imports'), count('bank_entries'), count('ledger_entries')];
    let r = run(['payments', 'import', path.join(EXAMPLES, 'camt053.v2.wrong.xml')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /camt\.053\.001\.02 schema/);
    r = run(['payments', 'import', path.join(EXAMPLES, 'camt053.v2.wrong.xml')], null);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no statement \(Stmt\) in the file/);
    assert.deepEqual([count('bank_imports'), count('bank_entries'), count('ledger_entries')], before);
  });

  it('refuses five decimals and other currencies naming the entry', (t) => {
    const why = iso20022Missing();
    if (why) { t.skip(why); return; }
    const before = count('bank_entries');
    let r = run(['payments', 'import', path.join(EXAMPLES, 'camt053.v2.five.decimals.xml')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Entry 1 \(line \d+\): the amount "8\.850" is not a positive amount with at most two decimals/);
    r = run(['payments', 'import', path.join(EXAMPLES, 'camt054.v2.with-account-name.xml')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Entry 1 \(line \d+\): the amount is in SEK; km0 keeps euros only/);
    assert.equal(count('bank_entries'), before);
  });

  it('refuses the examples for the hub’s own account, saying whose account they are', async (t) => {
    const why = iso20022Missing();
    if (why) { t.skip(why); return; }
    await setIban(HUB_IBAN);
    const before = count('bank_entries');
    for (const name of ['camt053.v2.minimal.xml', 'camt053.v2.multi.statement.xml', 'camt053.v8.xml']) {
      const r = run(['payments', 'import', path.join(EXAMPLES, name)]);
      assert.equal(r.status, 1, name);
      assert.match(r.stderr, new RegExp(`This statement is of account ${THEIR_ACCOUNT}, not of the hub's \\(${HUB_IBAN}\\): nothing was imported`));
    }
    const api = await coord.req('POST', '/api/v1/payments/statements', { body: readFileSync(path.join(EXAMPLES, 'camt053.v8.xml')) });
    assert.equal(api.status, 422);
    assert.equal(api.json.error.code, 'other_account');
    assert.equal(count('bank_entries'), before);
  });
});

describe('statements km0 refuses, naming the entry', () => {
  before(async () => { await setIban(HUB_IBAN); });

  it('refuses a whole statement for one entry with three decimals, or in dollars, or not EUR-booked', () => {
    const before = [count('bank_entries'), count('ledger_entries')];
    const ok = { ref: 'OK-1', amount: 1000, booked: today(), name: 'X', ustrd: 'fine' };
    for (const [bad, message] of [
      [{ ref: 'BAD-2', amount: 1, amountText: '12.345', booked: today() }, /Entry 2 \(line \d+\): the amount "12\.345"/],
      [{ ref: 'BAD-2', amount: 1234, ccy: 'USD', booked: today() }, /Entry 2 \(line \d+\): the amount is in USD/],
      [{ ref: 'BAD-2', amount: 1234, booked: '2026-02-30' }, /Entry 2 \(line \d+\): the booking date/],
    ]) {
      const file = path.join(work, 'bad.xml');
      writeFileSync(file, camt053({ account: HUB_IBAN, entries: [ok, bad] }));
      const r = run(['payments', 'import', file], null);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
    }
    assert.deepEqual([count('bank_entries'), count('ledger_entries')], before, 'nothing half-imported');
  });

  it('refuses a statement of another account, a DTD, a statement failing its schema', (t) => {
    const other = makeIban('GB', 'WEST12345698765432');
    let file = path.join(work, 'other.xml');
    writeFileSync(file, camt053({ account: other, entries: [{ ref: 'O-1', amount: 100, booked: today() }] }));
    let r = run(['payments', 'import', file], null);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`of account ${other}, not of the hub's`));
    file = path.join(work, 'dtd.xml');
    writeFileSync(file, camt053({ account: HUB_IBAN, entries: [{ ref: 'D-1', amount: 100, booked: today() }] })
      .replace('<Document', '<!DOCTYPE Document [<!ENTITY x "y">]>\n<Document'));
    r = run(['payments', 'import', file], null);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /declares no DTD/);
    const why = iso20022Missing();
    if (why) { t.skip(why); return; }
    file = path.join(work, 'schema.xml');
    writeFileSync(file, camt053({ account: HUB_IBAN, entries: [{ ref: 'S-1', amount: 100, booked: today() }] })
      .replace('<CdtDbtInd>CRDT</CdtDbtInd>', '<CdtDbtInd>CRDT</CdtDbtInd><Foo/>'));
    r = run(['payments', 'import', file]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /does not follow the camt\.053\.001\.02 schema/);
  });

  it('reads a French bank’s CSV in Windows-1252, and refuses one with a bad amount, naming its line', () => {
    const d = today().split('-').reverse().join('/');
    const good = bankCsv({ account: HUB_IBAN, rows: [
      { date: d, label: 'VIR SEPA RECU /DE LÉA GARÇON /MOTIF cotisation', amount: 2500 },
      { date: d, label: 'PRLV SEPA EDF', amount: -4210 },
      { date: d, label: 'VIR SEPA RECU /DE LÉA GARÇON /MOTIF cotisation', amount: 2500 }, // the same, twice
    ] });
    const file = path.join(work, 'ca.csv');
    writeFileSync(file, good);
    let r = run(['payments', 'import', file], null);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /csv of account FR\d+: 3 lines, 3 new/);
    assert.deepEqual(db.sql("SELECT counterparty, amount_cents FROM bank_entries WHERE counterparty LIKE 'L%' ORDER BY id"),
      [['LÉA GARÇON', '2500'], ['LÉA GARÇON', '2500']], 'decoded from Windows-1252, both kept');
    r = run(['payments', 'import', file], null);
    assert.match(r.stdout, /3 lines, 0 new/, 'identical lines are told apart by their rank, the file by its content');
    const bad = Buffer.from(good.toString('latin1').replace('42,10', '42,105'), 'latin1');
    writeFileSync(file, bad);
    const before = count('bank_entries');
    r = run(['payments', 'import', file], null);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Entry 2 \(line 7\): the amount "42,105" is not an amount with at most two decimals/);
    assert.equal(count('bank_entries'), before);
  });
});

describe('direct debit files and the invoice’s QR code', () => {
  let cycle, orders;
  before(async () => {
    await setIban(HUB_IBAN);
    const r = await coord.patch('/api/v1/hub/settings', {
      payment_methods: ['transfer', 'sepa_debit', 'onsite'], sepa_creditor_id: makeIcs('FR', 'ZZZ', '123456'),
    });
    assert.equal(r.status, 200, r.text);
    const people = makeConsumers(db, 4, 'dd');
    const names = ['Zoé Ñúñez-Œhlenschläger', 'Marc Dupont', 'Anne Lévêque', 'Paul Martin'];
    people.forEach((p, i) => db.sql(`UPDATE customers SET name = '${names[i]}' WHERE id = ${p.customerId}`));
    // two mandates used before (RCUR), two never (FRST); one without BIC
    people.forEach((p, i) => {
      const args = ['sepa', 'mandate', 'add', '--customer', p.email, '--reference', `MDT-${i}`, '--signed', today(),
        '--iban', makeIban('FR', `2004101005050001${String(i).padStart(7, '0')}`)];
      if (i % 2) args.push('--bic', 'PSSTFRPPMON');
      const m = run(args, null);
      assert.equal(m.status, 0, m.stderr);
    });
    cycle = openCycle(db);
    orders = [];
    for (const [i, p] of people.entries()) {
      const o = await clientFor(srv, p).put(`/api/v1/cycles/${cycle}/order`, {
        pickup_point: 'crest-halle', payment_method: i < 3 ? 'sepa_debit' : 'transfer',
        lines: [{ producer: 'ferme-trois-chenes', sku: 'INV-CAR', quantity: String(1 + i) }],
      });
      assert.equal(o.status, 200, o.text);
      orders.push(o.json.order);
    }
    db.sql(`INSERT INTO sepa_batches (hub_id, message_id, collect_on, version, debits, total_cents)
            SELECT hub_id, 'EARLIER', current_date, 'pain.008.001.02', 1, 100 FROM customers WHERE id = ${people[1].customerId}`);
    db.sql(`INSERT INTO sepa_debits (hub_id, batch_id, mandate_id, customer_id, order_id, cycle_id, amount_cents, sequence, end_to_end_id)
            SELECT m.hub_id, b.id, m.id, m.customer_id, ${orders[1].id}, ${cycle}, 100, 'FRST', 'EARLIER-1'
              FROM sepa_mandates m, sepa_batches b WHERE m.reference = 'MDT-1' AND b.message_id = 'EARLIER'`);
    for (const args of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)], ['invoice', 'issue', '--cycle', String(cycle)]]) {
      const x = run(args, null);
      assert.equal(x.status, 0, x.stderr);
    }
  });

  // .001.02 files are validated by payments.test.mjs (weeks 1 and 3)
  it('writes pain.008 .001.08 with FRST and RCUR, accents and no BIC, valid against the official schema', (t) => {
    const file = path.join(work, 'dd.xml');
    const tomorrow = db.one("SELECT to_char(current_date + 2, 'YYYY-MM-DD')");
    let r = run(['sepa', 'debit', '--collect', '2020-01-01', '-o', file], null);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /after today/);
    r = run(['sepa', 'debit', '--collect', tomorrow, '-o', file, '--version', '08'], null);
    assert.equal(r.status, 0, r.stderr);
    const xml = readFileSync(file, 'utf8');
    const pain = readPain008(xml);
    assert.deepEqual(pain.debits.map((d) => d.seq).sort(), ['FRST', 'FRST', 'RCUR']);
    assert.deepEqual(pain.infos, [`${pain.msgId}-FRST`, `${pain.msgId}-RCUR`]);
    assert.ok(xml.includes('<Nm>Zoe Nunez-OEhlenschlager</Nm>'), 'names in the SEPA character set');
    assert.ok(xml.includes('<Othr><Id>NOTPROVIDED</Id></Othr>') || /<Othr>\s*<Id>NOTPROVIDED<\/Id>\s*<\/Othr>/.test(xml), 'no BIC');
    assert.match(xml, /<BICFI>PSSTFRPPMON<\/BICFI>/);
    // the same batch as .001.02, from the desk's download (rebuilt from what was recorded)
    const batch = db.one("SELECT id FROM sepa_batches WHERE message_id <> 'EARLIER'");
    const why = iso20022Missing();
    if (why) { t.skip(why); return; }
    const v8 = validateXsd(file, 'pain.008.001.08.xsd');
    assert.ok(v8.ok, v8.errors);
    return coord.get(`/desk/payments/sepa/${batch}`).then((d) => {
      assert.equal(d.status, 200);
      assert.equal(d.text, xml, 'the download is the file written, rebuilt from what was recorded');
    });
  });

  it('prints on the invoice an EPC QR code that decodes to the IBAN, the amount and the reference', async (t) => {
    const missing = ['fop', 'pdftoppm', 'zbarimg'].find((c) => !have(c));
    if (missing) { t.skip(`${missing} missing (fop, poppler-utils, zbar-tools)`); return; }
    const order = orders[3]; // paid by transfer
    const [number, total] = db.sql(`SELECT number, total_incl_vat_cents FROM invoices WHERE order_id = ${order.id} ORDER BY id LIMIT 1`)[0];
    const pdf = path.join(work, 'invoice.pdf');
    const r = run(['invoice', 'export', number, '--format', 'pdf', '-o', pdf], null);
    assert.equal(r.status, 0, r.stderr);
    const png = path.join(work, 'page');
    const p = spawnSync('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '1', pdf, png], { timeout: TIMEOUT.cmd });
    assert.equal(p.status, 0, String(p.stderr));
    const img = existsSync(`${png}-1.png`) ? `${png}-1.png` : `${png}-01.png`;
    const z = spawnSync('zbarimg', ['--raw', '-q', img], { encoding: 'utf8', timeout: TIMEOUT.cmd });
    assert.equal(z.status, 0, z.stderr);
    const lines = z.stdout.replace(/\n$/, '').split('\n');
    assert.deepEqual(lines.slice(0, 4), ['BCD', '002', '1', 'SCT']);
    assert.equal(lines[6], HUB_IBAN);
    assert.equal(lines[7], `EUR${(Number(total) / 100).toFixed(2)}`);
    assert.equal(lines[9], rf(1, order.id));
    const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8', timeout: TIMEOUT.cmd }).stdout;
    assert.ok(text.includes(grouped(HUB_IBAN)), 'the IBAN written out');
    assert.ok(text.includes(grouped(rf(1, order.id))), 'the reference written out');
  });
});

describe('a prepaid balance and the hub’s overdraft', () => {
  const euros = (cents) => (cents / 100).toFixed(2);
  it('takes an order the balance covers with the overdraft, refuses one past it, and keeps the overdraft the cycle opened with', async () => {
    // 5 € of overdraft when cycle A opens, none when cycle B does
    let r = await coord.patch('/api/v1/hub/settings', { payment_methods: ['transfer', 'balance'], overdraft_cents: 500 });
    assert.equal(r.status, 200, r.text);
    const a = openCycle(db);
    r = await coord.patch('/api/v1/hub/settings', { overdraft_cents: 0 });
    assert.equal(r.status, 200, r.text);
    const b = openCycle(db);
    const [x, y] = makeConsumers(db, 2, 'od');
    const line = (q) => [{ producer: 'ferme-trois-chenes', sku: 'INV-CAR', quantity: String(q) }];
    // what 4 of them cost, as the order says (paid by transfer first, then switched)
    const put = (who, cycle, q, method) => clientFor(srv, who).put(`/api/v1/cycles/${cycle}/order`,
      { pickup_point: 'crest-halle', payment_method: method, lines: line(q) });
    r = await put(x, a, 4, 'transfer');
    assert.equal(r.status, 200, r.text);
    const total = r.json.order.total_incl_vat_cents;
    assert.ok(total > 500, `an order of ${total} cents`);
    for (const who of [x, y]) { // each holds 3 € less than the order costs
      const t = run(['payments', 'topup', '--customer', who.email, '--amount', euros(total - 300), '--method', 'cash'], null);
      assert.equal(t.status, 0, t.stderr);
    }
    // cycle A: balance + 5 € covers it
    r = await put(x, a, 4, 'balance');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order.payment_method, 'balance');
    // more than balance + 5 €: refused, the order as it was
    r = await put(x, a, 40, 'balance');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'balance_too_low');
    assert.equal(r.json.error.field, 'payment_method');
    assert.equal(db.one(`SELECT l.quantity_milli FROM order_lines l JOIN orders o ON o.id = l.order_id
                          WHERE o.cycle_id = ${a} AND o.customer_id = ${x.customerId}`), '4000');
    // cycle B opened without overdraft: the same order from the same balance is refused
    r = await put(y, b, 4, 'balance');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'balance_too_low');
    assert.equal(db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${b}`), '0', 'nothing half-written');
    r = await put(y, b, 4, 'transfer');
    assert.equal(r.status, 200, 'by transfer it is taken');
  });
});
