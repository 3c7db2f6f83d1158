// The packing table on a phone: a producer weighs bag after bag at 375 px with
// JavaScript off — numeric keyboard, one line per bag in bag-number order, each weight
// saved by its own form so that a connection dropped at the next bag loses nothing —
// declares a shortage and sends the scale's file; the customer then reads, on the same
// screen, what was ordered and what was delivered. Every page fits 320 px and passes
// axe-core.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, addUser, insertProducts, openCycle, km0, makeConsumers, clientFor, tmpDir } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';

const VOL = 'volailles-plein-champ';
const PASSWORD = 'mot de passe des volailles';

describe('the packing table at 375 px, JavaScript off', { timeout: 300000 }, () => {
  let db, srv, browser, cycle, buyers, work;
  const lines = []; // [{line, order, bag}] in bag order

  before(async () => {
    db = freshDb('weighpage');
    work = tmpDir('km0-weigh');
    insertProducts(db, VOL, [
      { sku: 'POULET', name: 'Poulet fermier', unit: 'piece', price: '24', vat: '5.5', stock: '100', step: '1', weight: '2' },
      { sku: 'OEUFS6', name: 'Boîte de 6 œufs', unit: 'box', price: '2.10', vat: '5.5', stock: '100', step: '1', weight: '0.4' },
    ]);
    // the chicken is priced by the kg: 12.00 €/kg, about 2 kg a piece
    db.sql(`UPDATE products SET measure = 'kg', measure_price_excl_vat_e4 = 120000, measure_estimate_milli = 2000
      WHERE sku = 'POULET'`);
    addUser(db, { email: 'volailles@example.org', role: 'producer', producer: VOL, password: PASSWORD });
    cycle = openCycle(db);
    srv = await startServer(db);
    buyers = makeConsumers(db, 4, 'wp');
    for (const [i, b] of buyers.entries()) {
      const r = await clientFor(srv, b).put(`/api/v1/cycles/${cycle}/order`, {
        pickup_point: 'crest-halle',
        lines: [{ producer: VOL, sku: 'POULET', quantity: String(1 + (i % 2)) }, { producer: VOL, sku: 'OEUFS6', quantity: '2' }],
      });
      assert.equal(r.status, 200, r.text);
    }
    for (const args of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)]]) {
      const r = km0(args, { db });
      assert.equal(r.status, 0, r.stderr);
    }
    for (const [line, order, bag] of db.sql(`WITH b AS (SELECT os.order_id, row_number() OVER (ORDER BY r.seq, s.seq,
        c.name COLLATE "fr-x-icu", o.id) AS bag FROM order_stops os JOIN rounds r ON r.id = os.round_id
        JOIN round_stops s ON s.id = os.stop_id JOIN orders o ON o.id = os.order_id
        JOIN customers c ON c.id = o.customer_id WHERE os.cycle_id = ${cycle})
      SELECT l.id, l.order_id, b.bag FROM b JOIN order_lines l ON l.order_id = b.order_id
      JOIN offers f ON f.id = l.offer_id WHERE f.sku = 'POULET' ORDER BY b.bag`)) {
      lines.push({ line: Number(line), order: Number(order), bag: Number(bag) });
    }
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    db?.drop();
  });

  // axe-core runs in the page, so its checks take a context with JavaScript on; km0's
  // pages themselves never need it
  async function phone(width, { js = false } = {}) {
    const ctx = await browser.newContext({ viewport: { width, height: 740 }, javaScriptEnabled: js, locale: 'fr-FR' });
    return { ctx, page: await ctx.newPage() };
  }

  async function fits(page, what) {
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= width, `${what}: ${scroll} px wide on a ${width} px screen`);
  }

  async function login(page) {
    await page.goto(`${srv.base}/login`);
    await page.fill('#email', 'volailles@example.org');
    await page.fill('#password', PASSWORD);
    await page.click('form[action="/login"] button[type=submit]');
    await page.waitForLoadState();
  }

  it('weighs bag after bag, each saved on its own, and a dropped connection loses nothing', async () => {
    const { ctx, page } = await phone(375);
    await login(page);
    await page.goto(`${srv.base}/producer`);
    await page.getByRole('link', { name: 'Pesée et manques' }).first().click();
    await page.waitForURL(`${srv.base}/weigh/${cycle}`);
    await fits(page, 'packing table');
    // one line per bag, in bag-number order, the same numbers as the picking sheet
    const shown = await page.locator('ol.weigh > li').evaluateAll((els) => els.map((e) => e.id));
    assert.deepEqual(shown, lines.map((l) => `line-${l.line}`));
    const bags = await page.locator('ol.weigh .who b').allInnerTexts();
    assert.deepEqual(bags, lines.map((l) => `Sac ${l.bag}`));
    // the numeric keyboard
    const first = page.locator(`#w-${lines[0].line}`);
    assert.equal(await first.getAttribute('inputmode'), 'decimal');
    await first.fill('2,14');
    await page.locator(`#line-${lines[0].line} button[type=submit]`).click();
    await page.waitForURL(new RegExp(`saved=${lines[0].line}#line-${lines[0].line}$`));
    assert.match(await page.locator('.notice').innerText(), /Poids enregistré/);
    assert.match(await page.locator(`#line-${lines[0].line}`).innerText(), /Pesé : 2,14 kg/);
    assert.equal(db.one(`SELECT weighed_milli FROM order_lines WHERE id = ${lines[0].line}`), '2140');
    // the connection drops as the next bag is saved: that save fails, the one before stays
    await page.locator(`#w-${lines[1].line}`).fill('4,05');
    await ctx.setOffline(true);
    const lost = page.waitForEvent('requestfailed');
    await page.locator(`#line-${lines[1].line} button[type=submit]`).click({ noWaitAfter: true });
    assert.match((await lost).url(), /\/weigh\/\d+\/line$/);
    await ctx.setOffline(false);
    await page.goto(`${srv.base}/weigh/${cycle}`);
    assert.match(await page.locator(`#line-${lines[0].line}`).innerText(), /Pesé : 2,14 kg/);
    assert.match(await page.locator(`#line-${lines[1].line}`).innerText(), /À peser/);
    assert.equal(db.one(`SELECT weighed_milli IS NULL FROM order_lines WHERE id = ${lines[1].line}`), 't');
    // a weight far from the estimate: said at the line, in words, nothing written
    await page.locator(`#w-${lines[1].line}`).fill('40');
    await page.locator(`#line-${lines[1].line} button[type=submit]`).click();
    await page.locator(`#w-${lines[1].line}-error`).waitFor();
    assert.match(await page.locator(`#w-${lines[1].line}-error`).innerText(), /plus de trois fois l’estimation/);
    assert.equal(await page.locator(`#w-${lines[1].line}`).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator(`#w-${lines[1].line}`).inputValue(), '40');
    assert.equal(db.one(`SELECT weighed_milli IS NULL FROM order_lines WHERE id = ${lines[1].line}`), 't');
    await fits(page, 'packing table with an error');
    await page.locator(`#w-${lines[1].line}`).fill('4,05');
    await page.locator(`#line-${lines[1].line} button[type=submit]`).click();
    await page.waitForURL(/saved=/);
    assert.equal(db.one(`SELECT weighed_milli FROM order_lines WHERE id = ${lines[1].line}`), '4050');
    await ctx.close();
  });

  it('sends the scale’s file and declares a shortage from the same page', async () => {
    const { ctx, page } = await phone(375);
    await login(page);
    await page.goto(`${srv.base}/weigh/${cycle}`);
    const file = path.join(work, 'balance.csv');
    writeFileSync(file, `sac;référence;poids\n${lines[2].bag};POULET;1,98\n${lines[3].bag};POULET;4,1\n`);
    await page.setInputFiles('#scale-file', file);
    await page.locator('form[action$="/file"] button[type=submit]').click();
    await page.waitForURL(/file=2/);
    assert.match(await page.locator('.notice').innerText(), /fichier de la balance est enregistré/);
    assert.equal(db.one(`SELECT weighed_milli FROM order_lines WHERE id = ${lines[2].line}`), '1980');
    await page.selectOption('#short-product', `${VOL}/OEUFS6`);
    await page.fill('#short-missing', '1');
    await page.fill('#short-reason', 'Une boîte cassée');
    await page.getByRole('button', { name: 'Enregistrer le manque' }).click();
    await page.waitForURL(/short=1/);
    assert.equal(db.one(`SELECT sum(coalesce(delivered_milli, quantity_milli)) FROM order_lines l JOIN offers f ON f.id = l.offer_id
      WHERE f.sku = 'OEUFS6' AND f.cycle_id = ${cycle}`), '7000');
    await fits(page, 'packing table after the file');
    await ctx.close();
  });

  it('fits 320 px and has no serious accessibility problem: the packing table, with an error too', async () => {
    const { ctx, page } = await phone(320, { js: true });
    await login(page);
    await page.goto(`${srv.base}/weigh/${cycle}`);
    await fits(page, 'packing table at 320 px');
    assert.deepEqual(await axeProblems(page), []);
    await page.locator(`#w-${lines[3].line}`).fill('0');
    await page.locator(`#line-${lines[3].line} button[type=submit]`).click();
    await page.locator(`#w-${lines[3].line}-error`).waitFor();
    await fits(page, 'packing table with an error at 320 px');
    assert.deepEqual(await axeProblems(page), []);
    await ctx.close();
  });

  it('shows the customer what was ordered and what was delivered, at 320 px too', async () => {
    const customer = Number(db.one(`SELECT customer_id FROM orders WHERE id = ${lines[0].order}`));
    const buyer = buyers.find((b) => b.customerId === customer);
    for (const width of [320, 375]) {
      const ctx = await browser.newContext({ viewport: { width, height: 740 }, javaScriptEnabled: false, locale: 'fr-FR' });
      await ctx.addCookies([{ name: 'km0_session', value: buyer.token, url: srv.base }]);
      const page = await ctx.newPage();
      await page.goto(`${srv.base}/orders/${cycle}`);
      const text = await page.locator('main').innerText();
      assert.match(text, /Commandé et livré/);
      assert.match(text, /Livré : \d pièces?, 2,14 kg/);
      await fits(page, `order page at ${width} px`);
      const res = await page.goto(`${srv.base}/weigh/${cycle}`); // not a customer's page
      assert.equal(res.status(), 403);
      await ctx.close();
    }
    const ctx = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: true, locale: 'fr-FR' });
    await ctx.addCookies([{ name: 'km0_session', value: buyer.token, url: srv.base }]);
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/orders/${cycle}`);
    assert.deepEqual(await axeProblems(page), []);
    await ctx.close();
  });
});
