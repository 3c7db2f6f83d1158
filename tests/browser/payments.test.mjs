// The money pages on a phone, in chromium: the coordinator's payment settings, the
// pickup's cash-up, who owes what, a customer's account, the bank statements and the
// mandates; the customer's order page with the hub's IBAN, the order's reference and
// the EPC QR code. At 320 px with JavaScript off every one fits the screen (no sideways
// scrolling), the cash-up records a bag's payment with a tap and no script, and every
// page passes axe-core.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, openCycle, km0 } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';
import { realCatalog } from '../lib/invoicing.mjs';
import { makeIban, makeIcs, grouped, rf } from '../lib/payments.mjs';

const FTC = 'ferme-trois-chenes';
const COORD = ['coord@example.org', 'mot de passe du bureau'];
const CLAIRE = ['claire@example.org', 'mot de passe de claire'];
const PAUL = ['paul@example.org', 'mot de passe de paul'];
const HUB_IBAN = makeIban('FR', '30006000011234567890189');

describe('the money pages on a phone', () => {
  let db, srv, browser, cycle, openWeek, claireOrder, claireCustomer;
  before(async () => {
    db = freshDb('paybrowser');
    realCatalog(db);
    addUser(db, { email: COORD[0], role: 'coordinator', password: COORD[1] });
    addUser(db, { email: CLAIRE[0], role: 'consumer', name: 'Claire Martin-Lévêque', password: CLAIRE[1] });
    addUser(db, { email: PAUL[0], role: 'consumer', name: 'Paul Dupont', password: PAUL[1] });
    claireCustomer = Number(db.one(`SELECT customer_id FROM users WHERE email = '${CLAIRE[0]}'`));
    srv = await startServer(db);
    const coord = srv.client();
    await coord.login(...COORD);
    const r = await coord.patch('/api/v1/hub/settings', {
      payment_methods: ['onsite', 'transfer', 'sepa_debit', 'balance'], bank_iban: HUB_IBAN,
      sepa_creditor_id: makeIcs('FR', 'ZZZ', '123456'),
    });
    assert.equal(r.status, 200, r.text);
    const m = km0(['sepa', 'mandate', 'add', '--customer', PAUL[0], '--reference', 'MANDAT-PAUL-1',
      '--signed', db.one('SELECT current_date::text'), '--iban', makeIban('FR', '20041010050500013M02606')], { db });
    assert.equal(m.status, 0, m.stderr);
    // last week: Claire pays at the pickup, Paul by direct debit; closed, batched, invoiced
    cycle = openCycle(db, { closesIn: '2 days' });
    for (const [who, method, qty] of [[CLAIRE, 'onsite', '2'], [PAUL, 'sepa_debit', '3']]) {
      const c = srv.client();
      await c.login(...who);
      const o = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', payment_method: method,
        lines: [{ producer: FTC, sku: 'INV-CAR', quantity: qty }] });
      assert.equal(o.status, 200, o.text);
      if (who === CLAIRE) claireOrder = o.json.order.id;
    }
    for (const args of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)], ['invoice', 'issue', '--cycle', String(cycle)]]) {
      const x = km0(args, { db });
      assert.equal(x.status, 0, x.stderr);
    }
    // this week: Claire orders and pays by transfer
    openWeek = openCycle(db, { closesIn: '3 days' });
    const c = srv.client();
    await c.login(...CLAIRE);
    const o = await c.put(`/api/v1/cycles/${openWeek}/order`, { pickup_point: 'crest-halle', payment_method: 'transfer',
      lines: [{ producer: FTC, sku: 'INV-CAR', quantity: '1' }] });
    assert.equal(o.status, 200, o.text);
    browser = await launch();
  });
  after(async () => { await browser?.close(); await srv?.stop(); db?.drop(); });

  async function phone({ js = false, width = 320 } = {}) {
    const ctx = await browser.newContext({ viewport: { width, height: 700 }, javaScriptEnabled: js, locale: 'fr-FR' });
    return { ctx, page: await ctx.newPage() };
  }
  async function login(page, email, password) {
    await page.goto(`${srv.base}/login`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('form[action="/login"] button[type=submit]');
    await page.waitForLoadState();
  }
  async function fits(page, what) {
    const [scroll, width, wide] = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const too = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1)
        .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
      return [document.documentElement.scrollWidth, w, too];
    });
    assert.ok(scroll <= width, `${what} (${page.url()}): ${scroll} px wide on a ${width} px screen (${wide.join(', ')})`);
  }
  const deskPages = () => ['/desk/settings/payments', `/desk/cycles/${cycle}/cashup`, '/desk/payments',
    `/desk/payments/customers/${claireCustomer}`, '/desk/payments/bank', '/desk/payments/mandates'];

  it('the coordinator, at 320 px without JavaScript: every money page fits, and the cash-up records a bag with one tap', async () => {
    const { ctx, page } = await phone();
    await login(page, ...COORD);
    for (const url of deskPages()) {
      const res = await page.goto(srv.base + url);
      assert.equal(res.status(), 200, url);
      await fits(page, url);
    }
    await page.goto(`${srv.base}/desk/cycles/${cycle}/cashup`);
    const form = page.locator(`form:has(input[name="order"][value="${claireOrder}"])`);
    const due = await form.locator('input[name="amount"]').inputValue();
    assert.match(due, /^\d+,\d\d$/, 'the amount due, already in the box, with a decimal comma');
    await form.locator('select[name="method"]').selectOption('cheque');
    await form.locator('input[name="cheque_number"]').fill('0001234');
    await form.getByRole('button', { name: 'Encaisser' }).click();
    await page.waitForLoadState();
    await fits(page, 'the cash-up after a payment');
    assert.match(page.url(), /done=paid/);
    const [amount, method, cheque] = db.sql(`SELECT -l.amount_cents, e.method, e.cheque_number FROM ledger_entries e
      JOIN ledger_lines l ON l.entry_id = e.id AND l.account = '411' WHERE e.kind = 'payment' AND l.order_id = ${claireOrder}`)[0];
    assert.equal(Number(amount), Number(due.replace(',', '')), 'recorded: what was in the box');
    assert.deepEqual([method, cheque], ['cheque', '0001234']);
    assert.equal(await page.locator(`.bag:has-text("Claire") .paid`).count(), 1, 'the bag now shows paid');
    await ctx.close();
  });

  it('the customer, at 320 px without JavaScript: the order page carries the IBAN, the reference and the QR code, and fits', async () => {
    const { ctx, page } = await phone();
    await login(page, ...CLAIRE);
    const order = db.one(`SELECT id FROM orders WHERE cycle_id = ${openWeek} AND customer_id = ${claireCustomer}`);
    for (const url of [`/orders/${openWeek}`, '/orders']) {
      const res = await page.goto(srv.base + url);
      assert.equal(res.status(), 200, url);
      await fits(page, url);
    }
    await page.goto(`${srv.base}/orders/${openWeek}`);
    const text = await page.locator('main').innerText();
    assert.ok(text.includes(grouped(HUB_IBAN)), 'the hub’s IBAN');
    assert.ok(text.includes(grouped(rf(1, order))), 'the order’s reference');
    const qr = page.locator('svg.qr');
    assert.equal(await qr.count(), 1, 'the EPC QR code');
    const box = await qr.boundingBox();
    assert.ok(box.width >= 100 && box.x + box.width <= 320, `a QR code big enough to scan, on the screen (${JSON.stringify(box)})`);
    // "My orders": the same for the order still to pay by transfer; last week's says paid
    await page.goto(`${srv.base}/orders`);
    const pay = page.locator(`#pay-${order}`);
    const list = await pay.innerText();
    assert.ok(list.includes(grouped(HUB_IBAN)) && list.includes(grouped(rf(1, order))), `My orders: ${list}`);
    assert.equal(await pay.locator('svg.qr').count(), 1, 'the QR code in My orders');
    assert.match(await page.locator('main').innerText(), /payée/, 'last week’s order, paid by cheque at the pickup (the test above)');
    await ctx.close();
  });

  it('a customer, at 320 px without JavaScript, chooses how to pay on the order form, is refused a balance they do not have, then changes to a transfer', async () => {
    const { ctx, page } = await phone();
    await login(page, ...PAUL);
    await page.goto(`${srv.base}/`);
    const offer = db.one(`SELECT id FROM offers WHERE cycle_id = ${openWeek} AND sku = 'INV-CAR'`);
    await page.getByLabel('Halle de Crest').check();
    await page.locator(`#q${offer}`).fill('2');
    // the cycle's four ways, the first checked; Paul picks the direct debit (he has a mandate)
    assert.equal(await page.locator('input[name="payment_method"]').count(), 4);
    assert.ok(await page.locator('#pm-onsite').isChecked(), 'the hub’s first method, by default');
    await page.getByLabel('Prélèvement SEPA').check();
    await fits(page, 'the shop with the ways to pay');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/saved=1/);
    await page.getByRole('button', { name: 'Valider ma commande' }).click();
    await page.waitForURL(/\/orders\/\d+\?saved=1/);
    const paul = Number(db.one(`SELECT customer_id FROM users WHERE email = '${PAUL[0]}'`));
    const method = () => db.one(`SELECT payment_method FROM orders WHERE cycle_id = ${openWeek} AND customer_id = ${paul}`);
    assert.equal(method(), 'sepa_debit');
    assert.match(await page.locator('#payment ~ .pay').innerText(), /mandat SEPA/);
    // from the order page: the prepaid balance, which Paul does not have: refused, the field named
    await page.getByText('Changer de moyen de paiement').click();
    await page.getByLabel('Solde prépayé').check();
    await page.getByRole('button', { name: 'Choisir ce moyen' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('main').innerText(), /solde/i);
    assert.equal(await page.locator('#payment_method-error, .error-summary a[href="#payment_method"]').count() > 0, true,
      'the error names the way to pay');
    await fits(page, 'the refusal');
    assert.equal(method(), 'sepa_debit', 'nothing changed');
    // then a transfer: the order page gives the IBAN, the reference and the QR code
    await page.goto(`${srv.base}/orders/${openWeek}`);
    await page.getByText('Changer de moyen de paiement').click();
    await page.getByLabel('Virement bancaire').check();
    await page.getByRole('button', { name: 'Choisir ce moyen' }).click();
    await page.waitForLoadState();
    assert.equal(method(), 'transfer');
    await page.goto(`${srv.base}/orders/${openWeek}`);
    assert.equal(await page.locator('svg.qr').count(), 1);
    await fits(page, 'the order page, to pay by transfer');
    await ctx.close();
  });

  it('has no serious accessibility problem on the money pages (axe-core)', async () => {
    for (const [who, urls] of [[COORD, deskPages()], [CLAIRE, [`/orders/${openWeek}`, `/orders/${cycle}`, '/orders']]]) {
      const { ctx, page } = await phone({ js: true, width: 375 });
      await login(page, ...who);
      for (const url of urls) {
        await page.goto(srv.base + url);
        assert.deepEqual(await axeProblems(page), [], url);
      }
      await ctx.close();
    }
  });
});
