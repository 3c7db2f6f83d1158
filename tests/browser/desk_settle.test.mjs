// The coordinator pays producers back from a phone: the desk's fees page (the hub's share,
// its fee per order, a producer's own rate and IBAN), the settlements of an invoiced
// cycle with their statements, the SEPA transfers paying them (pain.001 to download) and
// the accounting export (FEC), in chromium with JavaScript off at 320 px; every page fits
// the screen, a refusal is a page naming the field, and axe-core finds nothing, in
// French and in English.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, insertProducts, openCycle, km0 } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';
import { makeIban } from '../lib/payments.mjs';

const FTC = 'ferme-trois-chenes';
const CG = 'chevrerie-gervanne';
const FTC_IBAN = makeIban('FR', '20041010050500013M02606');
const CG_IBAN = makeIban('FR', '10278060760001234567801');

describe('the desk pays producers back, on a phone, JavaScript off', { timeout: 300000 }, () => {
  let db, srv, browser, cycle;
  before(async () => {
    db = freshDb('desk_settle');
    insertProducts(db, FTC, [{ sku: 'LEG-CAR', name: 'Carottes des sables', price: '2.37', vat: '5.5', stock: '120', step: '0.5' }]);
    insertProducts(db, CG, [{ sku: 'FRO-PICO', name: 'Picodon affiné', unit: 'piece', price: '2.75', vat: '5.5', stock: '100', step: '1' }]);
    addUser(db, { email: 'claire@example.org', role: 'consumer', name: 'Claire Martin', password: 'mot de passe de claire' });
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'mot de passe du bureau' });
    db.sql(`UPDATE hub_settings SET bank_iban = '${makeIban('FR', '30006000011234567890189')}', bank_bic = 'AGRIFRPP882'`);
    srv = await startServer(db);
    browser = await launch();
  });
  after(async () => { await browser?.close(); await srv?.stop(); db?.drop(); });

  async function phone(lang = 'fr-FR', js = false) {
    const ctx = await browser.newContext({ viewport: { width: 320, height: 700 }, javaScriptEnabled: js, locale: lang });
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/login`);
    await page.fill('#email', 'coord@example.org');
    await page.fill('#password', 'mot de passe du bureau');
    await page.click('form[action="/login"] button[type=submit]');
    await page.waitForLoadState();
    return { ctx, page };
  }
  async function fits(page, what) {
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= width, `${what} (${page.url()}): ${scroll} px wide on a ${width} px screen`);
  }
  const notice = (page) => page.locator('.notice').first().innerText();

  it('sets the fees on the desk page, then the next cycle shows the fee per order', async () => {
    const { ctx, page } = await phone();
    await page.goto(`${srv.base}/desk/fees`);
    await fits(page, 'fees');
    await page.fill('#fee_percent', '12,5');
    await page.fill('#order_fee', '1,25');
    await page.selectOption('#order_fee_vat_rate', '20');
    await page.click('form[action="/desk/fees"] button[type=submit]');
    await page.waitForURL(/\/desk\/fees\?done=saved/);
    assert.deepEqual(db.sql('SELECT fee_bp, order_fee_cents, order_fee_vat_bp FROM hub_settings'), [['1250', '125', '2000']]);
    assert.equal(await page.inputValue('#order_fee'), '1,25');
    // a producer's own rate and IBAN, in its folded form
    const item = page.locator('li', { hasText: 'Gervanne' }).first();
    await item.locator('summary').click();
    await item.locator('input[name=fee_percent]').fill('8');
    await item.locator('input[name=iban]').fill(CG_IBAN);
    await item.locator('button[type=submit]').click();
    await page.waitForURL(/\/desk\/fees\?done=saved/);
    assert.deepEqual(db.sql(`SELECT fee_bp, iban FROM producers WHERE slug = '${CG}'`), [['800', CG_IBAN]]);
    await fits(page, 'fees, saved');
    // a bad value: a page naming the field, nothing written
    await page.fill('#fee_percent', '120');
    await page.click('form[action="/desk/fees"] button[type=submit]');
    await page.waitForLoadState();
    assert.match(await page.locator('main').innerText(), /commission|fee/i);
    assert.match(await page.locator('main').innerText(), /0 à 100/);
    assert.equal(db.one('SELECT fee_bp FROM hub_settings'), '1250');
    await fits(page, 'fees, refused');
    await ctx.close();
    // the cycle opened now freezes the fee, and the shop says it before ordering
    cycle = openCycle(db, { closesIn: '2 days' });
    assert.deepEqual(db.sql(`SELECT order_fee_cents, order_fee_vat_bp FROM cycles WHERE id = ${cycle}`), [['125', '2000']]);
  });

  it('settles an invoiced cycle, with the statement, then prepares and downloads the transfers', async () => {
    const claire = srv.client();
    await claire.login('claire@example.org', 'mot de passe de claire');
    const r = await claire.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle',
      lines: [{ producer: FTC, sku: 'LEG-CAR', quantity: '2' }, { producer: CG, sku: 'FRO-PICO', quantity: '3' }] });
    assert.equal(r.status, 200, r.text);
    for (const args of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)], ['invoice', 'issue', '--cycle', String(cycle)]]) {
      const k = km0(args, { db });
      assert.equal(k.status, 0, k.stderr);
    }
    db.sql(`UPDATE producers SET iban = '${FTC_IBAN}' WHERE slug = '${FTC}'`);
    const { ctx, page } = await phone();
    await page.goto(`${srv.base}/desk/settlements`);
    await fits(page, 'settlements, empty');
    await page.fill('#cycle', String(cycle));
    await page.click('form[action="/desk/settlements"] button[type=submit]');
    await page.waitForURL(/\/desk\/settlements\?done=settled/);
    assert.match(await notice(page), /Reversements enregistrés/);
    const rows = db.sql('SELECT id, due_cents FROM settlements ORDER BY id');
    assert.equal(rows.length, 2);
    assert.equal(await page.locator('li[id^=settlement-]').count(), 2);
    await fits(page, 'settlements');
    const pdf = await page.request.get(srv.base + await page.locator(`#settlement-${rows[0][0]} a`, { hasText: 'Relevé' }).getAttribute('href'));
    assert.equal(pdf.status(), 200);
    assert.match(pdf.headers()['content-type'], /application\/pdf/);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    // the same cycle again: refused on a page, nothing more written
    await page.fill('#cycle', String(cycle));
    await page.click('form[action="/desk/settlements"] button[type=submit]');
    await page.waitForLoadState();
    assert.match(await page.locator('main').innerText(), /Aucune facture|No producer invoice/);
    assert.equal(db.one('SELECT count(*) FROM settlements'), '2');
    await fits(page, 'settlements, refused');
    // the transfers: one file, one transfer per producer
    await page.goto(`${srv.base}/desk/settlements`);
    await page.selectOption('#version', '09');
    await page.click('form[action="/desk/transfers"] button[type=submit]');
    await page.waitForURL(/\/desk\/settlements\?done=batched_transfers/);
    const link = page.locator('a[href^="/desk/transfers/"]').first();
    const xml = await page.request.get(srv.base + await link.getAttribute('href'));
    assert.equal(xml.status(), 200);
    const text = await xml.text();
    assert.match(text, /urn:iso:std:iso:20022:tech:xsd:pain\.001\.001\.09/);
    const amounts = [...text.matchAll(/<InstdAmt Ccy="EUR">([\d.]+)<\/InstdAmt>/g)].map((m) => Math.round(Number(m[1]) * 100)).sort((a, b) => a - b);
    assert.deepEqual(amounts, rows.map(([, due]) => Number(due)).sort((a, b) => a - b));
    await fits(page, 'settlements, transfers');
    await ctx.close();
  });

  it('exports the FEC for a date range, and refuses a missing date on a page', async () => {
    const { ctx, page } = await phone();
    await page.goto(`${srv.base}/desk/fec`);
    await fits(page, 'fec');
    await page.click('form[action="/desk/fec"] button[type=submit]');
    await page.waitForLoadState();
    assert.match(await page.locator('main').innerText(), /date/i);
    assert.equal(await page.locator('nav').count() > 0, true);
    await fits(page, 'fec, refused');
    await page.goto(`${srv.base}/desk/fec`);
    const today = db.one("SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD')");
    await page.fill('#from', db.one("SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date - 30, 'YYYY-MM-DD')"));
    await page.fill('#to', today);
    const [res] = await Promise.all([
      page.waitForResponse((x) => x.url().endsWith('/desk/fec') && x.request().method() === 'POST'),
      page.click('form[action="/desk/fec"] button[type=submit]'),
    ]);
    assert.equal(res.status(), 200);
    const lines = (await res.text()).split(/\r?\n/).filter((l) => l !== ''); // trailing tabs are empty columns
    assert.equal(lines[0].split('\t').length, 18);
    assert.match(lines[0], /^JournalCode\tJournalLib\tEcritureNum/);
    assert.ok(lines.length > 1, 'entries in the range');
    for (const l of lines) assert.equal(l.split('\t').length, 18);
    await ctx.close();
  });

  it('passes axe-core on every page, in French and in English', async () => {
    for (const lang of ['fr-FR', 'en-GB']) {
      const { ctx, page } = await phone(lang, true);
      for (const url of ['/desk/fees', '/desk/settlements', '/desk/fec']) {
        await page.goto(srv.base + url);
        if (lang === 'en-GB') assert.match(await page.locator('h1').innerText(), /Fees|settlements|Accounting/);
        assert.deepEqual(await axeProblems(page), [], `${url} ${lang}`);
      }
      await ctx.close();
    }
  });
});
