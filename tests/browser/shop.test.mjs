// The consumer's week in a real browser: log in, order with mistakes, fix them, see the
// order, change it, cancel it after its confirmation page — with JavaScript on and off —
// and an accessibility check; shop pages stay bounded whatever the catalog.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, insertProducts, openCycle } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';

const FTC = 'ferme-trois-chenes';

describe('shop in a browser', () => {
  let db, srv, browser, cycle, offer;
  before(async () => {
    db = freshDb('browser');
    insertProducts(db, FTC, [
      { sku: 'LEG-CAR-1KG', name: 'Carottes des sables', price: '2.37', vat: '5.5', stock: '120', step: '0.5', category: 'Légumes' },
      { sku: 'LEG-POI-1KG', name: 'Poireaux', price: '2.84', vat: '5.5', stock: '3', step: '0.5', category: 'Légumes' },
    ]);
    insertProducts(db, 'brasserie-crest', [
      { sku: 'BLONDE-33', name: 'Blonde de la Tour 33 cl', unit: 'bottle', price: '2.6667', vat: '20', stock: '240', step: '1', weight: '0.55' },
    ]);
    cycle = openCycle(db);
    offer = (sku) => db.one(`SELECT id FROM offers WHERE cycle_id = ${cycle} AND sku = '${sku}'`);
    addUser(db, { email: 'js@example.org', role: 'consumer', name: 'Julie Sans-Script', password: 'mot de passe js' });
    addUser(db, { email: 'nojs@example.org', role: 'consumer', name: 'Noé Javascript', password: 'mot de passe nojs' });
    srv = await startServer(db);
    browser = await launch();
  });
  after(async () => { await browser?.close(); await srv?.stop(); db?.drop(); });

  for (const js of [true, false]) {
    it(`orders, corrects, changes and cancels with JavaScript ${js ? 'on' : 'off'}`, async () => {
      const ctx = await browser.newContext({ javaScriptEnabled: js, locale: 'fr-FR' });
      const page = await ctx.newPage();
      const email = js ? 'js@example.org' : 'nojs@example.org';
      await page.goto(`${srv.base}/login`);
      await page.getByLabel('Adresse e-mail').fill(email);
      await page.getByLabel('Mot de passe').fill(js ? 'mot de passe js' : 'mot de passe nojs');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL(`${srv.base}/`);
      assert.match(await page.locator('h1').innerText(), /Commande de la semaine/);

      // a quantity that is not a multiple of the step, too many leeks, and no pickup point:
      // every problem at once
      await page.locator(`#q${offer('LEG-CAR-1KG')}`).fill('0,7');
      await page.locator(`#q${offer('LEG-POI-1KG')}`).fill('5');
      await page.locator(`#q${offer('BLONDE-33')}`).fill('6');
      await page.getByRole('button', { name: 'Valider ma commande' }).click();
      const summary = page.locator('.error-summary');
      await summary.waitFor();
      let text = await summary.innerText();
      assert.match(text, /point de retrait/);
      await page.getByLabel('Halle de Crest').check();
      await page.getByRole('button', { name: 'Valider ma commande' }).click();
      await summary.waitFor();
      text = await summary.innerText();
      assert.match(text, /par 0,5 kg|0,5/);
      assert.match(text, /Il ne reste que 3 kg de Poireaux/);
      // what was typed is still there, the fields are marked and the summary links to them
      assert.equal(await page.locator(`#q${offer('LEG-CAR-1KG')}`).inputValue(), '0,7');
      assert.equal(await page.locator(`#q${offer('BLONDE-33')}`).inputValue(), '6');
      assert.equal(await page.locator(`#q${offer('LEG-CAR-1KG')}`).getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator(`#q${offer('LEG-POI-1KG')}`).getAttribute('aria-invalid'), 'true');
      assert.ok(await page.getByLabel('Halle de Crest').isChecked());
      assert.equal(await summary.locator(`a[href="#q${offer('LEG-POI-1KG')}"]`).count(), 1);
      if (js) assert.deepEqual(await axeProblems(page), []);

      // corrected: the summary, amounts incl. VAT a person checks by hand, the VAT under
      await page.locator(`#q${offer('LEG-CAR-1KG')}`).fill('1,5');
      await page.locator(`#q${offer('LEG-POI-1KG')}`).fill('');
      await page.getByRole('button', { name: 'Valider ma commande' }).click();
      await page.waitForURL(/\/orders\/\d+\?saved=1/);
      let body = await page.locator('main').innerText();
      assert.match(body, /Merci ! Votre commande est enregistrée/);
      assert.match(body, /Halle de Crest/);
      // 6 beers at 3.20 incl. VAT: 19.20; 1.5 kg carrots at 2.50 incl.: 3.75 by hand, 3.76
      // on the invoice (3.56 excl. + 0.20 VAT), so the line carries the cent and says so
      assert.match(body, /Blonde de la Tour 33 cl\s+19,20\s€\s+6 bouteilles × 3,20\s€/);
      assert.match(body, /Carottes des sables\s+3,76\s€\s+1,5 kg × 2,50\s€ = 3,75\s€, arrondi \+0,01\s€\*/);
      assert.match(body, /Total TTC à régler\s+22,96\s€/);
      assert.match(body, /dont TVA 5,5 % \(sur 3,56\s€ HT\)\s+0,20\s€/);
      assert.match(body, /dont TVA 20 % \(sur 16,00\s€ HT\)\s+3,20\s€/);
      const api = db.one(`SELECT sum(line_excl_vat_cents) FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN users u ON u.customer_id = o.customer_id WHERE u.email = '${email}'`);
      assert.equal(api, '1956');
      if (js) assert.deepEqual(await axeProblems(page), []);

      // "My orders", then change it: the shop keeps the quantities, the order page the point
      await page.getByRole('link', { name: 'Mes commandes' }).click();
      await page.waitForURL(`${srv.base}/orders`);
      assert.match(await page.locator('main').innerText(), /Halle de Crest/);
      await page.goto(`${srv.base}/`);
      assert.equal(await page.locator(`#q${offer('LEG-CAR-1KG')}`).inputValue(), '1,5');
      assert.match(await page.locator('.bar').innerText(), /22,96\s€ · 2 produits/);
      await page.locator(`#q${offer('LEG-CAR-1KG')}`).fill('3');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForURL(/\/\?page=1&saved=1/);
      assert.match(await page.locator('.bar').innerText(), /26,70\s€ · 2 produits/);
      await page.goto(`${srv.base}/orders/${cycle}`);
      await page.locator('#pickup summary').click();
      await page.getByLabel('MJC de Die').check();
      await page.getByRole('button', { name: 'Choisir ce point' }).click();
      await page.waitForURL(/\/orders\/\d+\?saved=1/);
      body = await page.locator('main').innerText();
      assert.match(body, /MJC de Die/);
      assert.match(body, /Carottes des sables[\s\S]*?3 kg/);

      // cancel it, after a page that says what cancelling does
      await page.getByRole('link', { name: 'Annuler ma commande' }).click();
      await page.waitForURL(/\/orders\/\d+\/cancel$/);
      assert.match(await page.locator('main').innerText(), /Ses produits retournent en vente/);
      assert.equal(db.one(`SELECT count(*) FROM orders o JOIN users u ON u.customer_id = o.customer_id WHERE u.email = '${email}'`), '1');
      if (js) assert.deepEqual(await axeProblems(page), []);
      await page.getByRole('button', { name: 'Oui, annuler ma commande' }).click();
      await page.waitForURL(/\/orders\?cancelled=1/);
      assert.match(await page.locator('main').innerText(), /Votre commande est annulée/);
      assert.equal(db.one(`SELECT count(*) FROM orders o JOIN users u ON u.customer_id = o.customer_id WHERE u.email = '${email}'`), '0');
      await ctx.close();
    });
  }

  it('has no serious accessibility problem on the public pages, in French and English', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    for (const url of ['/', '/login', '/signup', '/?lang=en', '/login?lang=en']) {
      await page.goto(srv.base + url);
      assert.deepEqual(await axeProblems(page), [], url);
    }
    await page.goto(`${srv.base}/?lang=en`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.match(await page.locator('h1').innerText(), /This week's order/);
    await ctx.close();
  });

  it('is usable with the keyboard alone: skip link first, then the form in order', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/login`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
    await page.keyboard.press('Enter');
    let seen = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
    }
    assert.deepEqual(seen.slice(0, 2), ['email', 'password']);
    await page.keyboard.type('nobody');
    await ctx.close();
  });

  it('keeps every shop page bounded: 100 products come 40 to a page, by category, all reachable', async () => {
    const items = [];
    for (let i = 0; i < 100; i++) {
      items.push({ sku: `P${i}`, name: `Produit de saison numéro ${i}`, price: '3.10', vat: '5.5', stock: '50', step: '1', category: `Rayon ${i % 7}` });
    }
    const db2 = freshDb('weight');
    insertProducts(db2, 'moulin-mirmande', items);
    const c2 = openCycle(db2);
    addUser(db2, { email: 'w@example.org', role: 'consumer', password: 'page weight pw' });
    const s2 = await startServer(db2);
    try {
      const c = s2.client();
      await c.login('w@example.org', 'page weight pw');
      const seen = new Set();
      let html;
      for (let p = 1; p <= 3; p++) {
        html = await c.get(`/?page=${p}`);
        const fields = [...html.text.matchAll(/name="q(\d+)"/g)].map((m) => m[1]);
        assert.ok(fields.length <= 40, `page ${p}: ${fields.length} products`);
        fields.forEach((f) => seen.add(f));
        assert.doesNotMatch(html.text, /(src|href)="(https?:)?\/\//);
      }
      assert.equal(seen.size, 100, 'every product on some page');
      assert.equal(db2.one(`SELECT count(*) FROM offers WHERE cycle_id = ${c2}`), '100');
      // categories lead to their page; a page past the last shows the last
      assert.match(html.text, /Page 3 \/ 3/);
      const first = await c.get('/');
      assert.match(first.text, /<button class="link" type="submit" name="go" value="c6">Rayon 6<\/button> \(14\)/);
      const last = await c.get('/?page=99');
      assert.match(last.text, /Page 3 \/ 3/);
      // the page and its stylesheet, as a browser gets them (compressed)
      const br = { headers: { 'accept-encoding': 'br, gzip' } };
      const page = await fetch(`${s2.base}/`, { headers: { ...br.headers, cookie: c.cookieHeader() } });
      const bytes = Number(page.headers.get('content-length'));
      assert.equal(page.headers.get('content-encoding'), 'br');
      assert.ok(bytes < 8 * 1024, `first page ${bytes} bytes on the wire`);
    } finally {
      await s2.stop();
      db2.drop();
    }
  });
});
