// Nobody left out (issue 25), in a real browser with JavaScript off as the desk may
// have it: the coordinator prints the week's paper order form (read back with
// pdftotext: every offer of the cycle), registers a customer by phone, types their
// paper order by keyboard, and after the batch the order is on the picking and
// delivery sheets with the "paper" mark, and its receipt is printed. The new pages
// fit a 320 px screen and have no serious accessibility problem.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, addUser, insertProducts, openCycle, km0, tmpDir, TIMEOUT } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';

const FTC = 'ferme-trois-chenes';
const VOL = 'volailles-plein-champ';
const flat = (s) => s.replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' ');

describe('orders by phone and on paper, on the desk, JavaScript off', () => {
  let db, srv, browser, cycle, coordId, dir;
  before(async () => {
    db = freshDb('browser_paper');
    dir = tmpDir('browser-paper');
    insertProducts(db, FTC, [
      { sku: 'CAR', name: 'Carottes des sables', price: '2.37', vat: '5.5', stock: '20', step: '0.5', category: 'Légumes' },
      { sku: 'POI', name: 'Poireaux', price: '2.84', vat: '5.5', stock: '10', step: '0.5', category: 'Légumes' },
      { sku: 'RAD', name: 'Radis roses', unit: 'bunch', price: '1.4218', vat: '5.5', stock: null, step: '1', weight: '0.3', category: 'Légumes' },
    ]);
    insertProducts(db, VOL, [
      { sku: 'OEU6', name: 'Six œufs', unit: 'box', price: '2.37', vat: '5.5', stock: '30', step: '1', weight: '0.4' },
    ]);
    coordId = addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    browser = await launch();
    cycle = openCycle(db, { producers: [FTC, VOL] });
  });
  after(async () => { await browser?.close(); await srv?.stop(); db?.drop(); });

  async function loggedIn(ctx) {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/login`);
    await page.getByLabel('Adresse e-mail').fill('coord@example.org');
    await page.getByLabel('Mot de passe').fill('coordinator pass');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${srv.base}/desk`);
    return page;
  }

  it('prints the form, registers a customer by phone, types the paper order; the sheets mark it and a receipt is printed',
    { timeout: 240000 }, async () => {
      const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
      const page = await loggedIn(ctx);
      await page.goto(`${srv.base}/desk/cycles/${cycle}`);
      // the order form, as the link on the cycle's page gives it
      const href = await page.getByRole('link', { name: 'Bon de commande (PDF)' }).getAttribute('href');
      const pdf = await ctx.request.get(new URL(href, srv.base).toString());
      assert.equal(pdf.status(), 200);
      const file = path.join(dir, 'orderform.pdf');
      writeFileSync(file, await pdf.body());
      const text = flat(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', timeout: TIMEOUT.cmd }));
      const offers = db.sql(`SELECT name FROM offers WHERE cycle_id = ${cycle}`).map(([n]) => n);
      assert.equal(offers.length, 4);
      for (const name of offers) assert.ok(text.includes(name), `${name} is not on the order form`);

      // register the customer who phoned; a mistyped number first
      await page.getByRole('link', { name: 'Saisir une commande' }).click();
      await page.waitForURL(`${srv.base}/desk/customers?cycle=${cycle}`);
      await page.getByLabel('Nom', { exact: true }).fill('Germaine Rouvière');
      await page.getByLabel('Téléphone', { exact: true }).fill('04 75 25 1');
      await page.getByRole('button', { name: 'Inscrire' }).click();
      await page.locator('.error-summary').waitFor();
      const phone = page.getByLabel('Téléphone', { exact: true });
      assert.equal(await phone.getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('#phone-error').innerText(), /numéro de téléphone/);
      assert.equal(await page.getByLabel('Nom', { exact: true }).inputValue(), 'Germaine Rouvière');
      assert.equal(db.one(`SELECT count(*) FROM customers WHERE name = 'Germaine Rouvière'`), '0');
      await phone.fill('04 75 25 10 33');
      await page.getByRole('button', { name: 'Inscrire' }).click();
      await page.waitForURL(/\/desk\/cycles\/\d+\/orders\/\d+\?done=registered$/);
      const customer = db.one(`SELECT id FROM customers WHERE name = 'Germaine Rouvière' AND phone = '04 75 25 10 33' AND email = ''`);
      assert.ok(customer);

      // found again by the end of the number
      await page.goto(`${srv.base}/desk/customers?cycle=${cycle}`);
      await page.getByLabel('Nom ou téléphone').fill('10 33');
      await page.getByRole('button', { name: 'Chercher' }).click();
      await page.getByRole('link', { name: 'Saisir sa commande' }).click();
      await page.waitForURL(`${srv.base}/desk/cycles/${cycle}/orders/${customer}`);

      // the paper form's quantities, typed down the page with Tab: a quantity off the step first
      await page.getByLabel(/Halle de Crest/).check();
      const boxes = page.locator('input.qty');
      assert.equal(await boxes.count(), 4);
      await boxes.first().focus();
      // in the form's order: Carottes, Poireaux, Radis roses (Ferme des Trois Chênes), Six œufs
      for (const typed of ['1,3', '', '2', '1']) {
        if (typed) await page.keyboard.type(typed);
        await page.keyboard.press('Tab');
      }
      await page.getByRole('button', { name: 'Enregistrer la commande' }).click();
      await page.locator('.error-summary').waitFor();
      const carrots = page.getByLabel(/Carottes des sables/);
      assert.equal(await carrots.getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('.error-summary').innerText(), /par 0,5 kg/);
      assert.equal(await page.getByLabel(/Radis roses/).inputValue(), '2', 'what was typed is kept');
      assert.equal(db.one(`SELECT count(*) FROM orders WHERE customer_id = ${customer}`), '0');
      await carrots.fill('1,5');
      await page.getByRole('button', { name: 'Enregistrer la commande' }).click();
      await page.waitForURL(/\?done=order_saved$/);
      assert.match(await page.locator('.notice').innerText(), /Commande enregistrée/);
      assert.match(await page.locator('main').innerText(), /Saisie par un coordinateur le/);
      assert.deepEqual(db.sql(`SELECT o.entered_by, f.sku, l.quantity_milli FROM orders o JOIN order_lines l ON l.order_id = o.id
        JOIN offers f ON f.id = l.offer_id WHERE o.customer_id = ${customer} ORDER BY f.sku`),
      [[String(coordId), 'CAR', '1500'], [String(coordId), 'OEU6', '1000'], [String(coordId), 'RAD', '2000']]);

      // the week goes on: closed and batched; the sheets and the receipt, as the desk prints them
      for (const a of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)]]) {
        const r = km0(a, { db });
        assert.equal(r.status, 0, r.stderr);
      }
      const doc = async (kind) => {
        await page.goto(`${srv.base}/api/v1/cycles/${cycle}/reports/${kind}?format=html&lang=fr`);
        return flat(await page.locator('body').innerText());
      };
      assert.match(await doc('picking'), /Germaine Rouvière\s*PAPIER · reçu à joindre/);
      assert.match(await doc('delivery'), /Germaine Rouvière\s*PAPIER · sans e-mail : reçu dans le sac, facture imprimée/);
      const receipt = await doc('receipts');
      assert.match(receipt, /Germaine Rouvière · 04 75 25 10 33/);
      const due = db.one(`SELECT sum(line_excl_vat_cents) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.customer_id = ${customer}`);
      // 1.5 × 2.37 = 3.56, 2 × 1.4218 = 2.84, 2.37: 8.77 excl. VAT, VAT 5.5 % on the sum (one seller per producer)
      assert.equal(due, '877');
      assert.match(receipt, /Total à payer TTC : 9,25 €/);
      await ctx.close();
    });

  it('fits a 320 px screen and has no serious accessibility problem, in French and English', { timeout: 240000 }, async () => {
    const customer = db.one(`INSERT INTO customers (hub_id, kind, name, email, phone)
      SELECT id, 'person', 'Albert Serre', '', '04 75 00 00 01' FROM hubs ORDER BY id LIMIT 1 RETURNING id`);
    for (const lang of ['fr', 'en']) {
      // JavaScript on here only so that axe and the measure can run in the page
      const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 320, height: 700 } });
      const page = await loggedIn(ctx);
      for (const url of [`/desk/customers?lang=${lang}`, `/desk/customers?q=Albert&lang=${lang}`,
        `/desk/cycles/${cycle}/orders/${customer}?lang=${lang}`]) {
        await page.goto(`${srv.base}${url}`);
        const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(scroll <= width, `${url}: ${scroll} px wide on ${width} px`);
        assert.deepEqual(await axeProblems(page), [], url);
      }
      // with mistakes on the page
      await page.goto(`${srv.base}/desk/customers?lang=${lang}`);
      await page.locator('form[action="/desk/customers"][method="post"] button[type=submit]').click();
      await page.locator('.error-summary').waitFor();
      assert.deepEqual(await axeProblems(page), [], `${lang}, registration refused`);
      await ctx.close();
    }
  });
});
