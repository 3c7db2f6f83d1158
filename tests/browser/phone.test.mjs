// What people met when they tried km0 on a phone, walked again in chromium with
// JavaScript off at 320 px, at 375 px, and at 375 px with text at 200 %: every page of
// every journey fits the screen (no sideways scrolling), the order's total and its
// buttons stay in reach, what cannot be undone is confirmed on a page first, errors
// are pages with the navigation, and the new pages pass axe-core.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, insertProducts, openCycle, km0, fixture } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const FTC = 'ferme-trois-chenes';
const CG = 'chevrerie-gervanne';
const SCREENS = [
  { name: '320 px', width: 320 },
  { name: '375 px', width: 375 },
  { name: '375 px, text at 200 %', width: 375, text: 2 },
];

describe('on a phone, JavaScript off', () => {
  let db, srv, browser, cycle, pastCycle, invoice;
  before(async () => {
    db = freshDb('phone');
    insertProducts(db, FTC, [
      { sku: 'LEG-CAR-1KG', name: 'Carottes des sables', price: '2.37', vat: '5.5', stock: '120', step: '0.5', category: 'Légumes' },
      { sku: 'LEG-POTIMARRON-EXTRA-LONG', name: 'Potimarron d’Eurre, variété ancienne « Red Kuri » de plein champ', price: '3.10', vat: '5.5', stock: '40', step: '1', category: 'Légumes' },
    ]);
    insertProducts(db, CG, [
      { sku: 'FRO-PICO', name: 'Picodon affiné', unit: 'piece', price: '2.75', vat: '5.5', stock: '100', step: '1', category: 'Fromages' },
    ]);
    // last week: ordered, closed, batched and invoiced, for "My orders" and an invoice page
    addUser(db, { email: 'claire@example.org', role: 'consumer', name: 'Claire Martin', password: 'mot de passe de claire' });
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'mot de passe du bureau' });
    addUser(db, { email: 'ferme@example.org', role: 'producer', producer: FTC, password: 'mot de passe de la ferme' });
    assert.equal(km0(['fees', 'hub', '10'], { db }).status, 0); // the hub's fee, for the producer's settlements
    pastCycle = openCycle(db, { closesIn: '2 days' });
    srv = await startServer(db);
    const claire = srv.client();
    await claire.login('claire@example.org', 'mot de passe de claire');
    let r = await claire.put(`/api/v1/cycles/${pastCycle}/order`, { pickup_point: 'crest-halle',
      lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '2' }, { producer: CG, sku: 'FRO-PICO', quantity: '3' }] });
    assert.equal(r.status, 200, r.text);
    for (const args of [['cycle', 'close', String(pastCycle)], ['batch', '--cycle', String(pastCycle)], ['invoice', 'issue', '--cycle', String(pastCycle)]]) {
      r = km0(args, { db });
      assert.equal(r.status, 0, r.stderr);
    }
    invoice = db.one(`SELECT number FROM invoices WHERE cycle_id = ${pastCycle} ORDER BY id LIMIT 1`);
    // this week, open; its pickup points hand bags out on Thursdays from 17:00
    cycle = openCycle(db, { closesIn: '3 days' });
    browser = await launch();
  });
  after(async () => { await browser?.close(); await srv?.stop(); db?.drop(); });

  async function phone(screen, { js = false, lang = 'fr-FR' } = {}) {
    const ctx = await browser.newContext({ viewport: { width: screen.width, height: 700 }, javaScriptEnabled: js, locale: lang });
    const page = await ctx.newPage();
    if (screen.text) {
      // what a phone's "text size" setting does: the default font size doubles, and
      // km0's sizes (rem, em) with it
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16 * screen.text, fixed: 13 * screen.text } });
      await page.goto(`${srv.base}/contact`);
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).fontSize), `${16 * screen.text}px`);
    }
    return { ctx, page };
  }

  /** The page fits: nothing wider than the screen, no sideways scrolling. */
  async function fits(page, what) {
    const [scroll, width, wide] = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const too = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1)
        .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
      return [document.documentElement.scrollWidth, w, too];
    });
    assert.ok(scroll <= width, `${what} (${page.url()}): ${scroll} px wide on a ${width} px screen (${wide.join(', ')})`);
  }

  async function login(page, email, password) {
    await page.goto(`${srv.base}/login`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('form[action="/login"] button[type=submit]');
    await page.waitForLoadState();
  }

  for (const screen of SCREENS) {
    it(`a visitor, at ${screen.name}: the shop, a wrong address, the contact page, an empty sign-up`, async () => {
      const { ctx, page } = await phone(screen);
      await page.goto(`${srv.base}/`);
      await fits(page, 'shop');
      assert.match(await page.locator('link[rel=icon]').getAttribute('href'), /^\/static\/favicon\.[0-9a-f]{10}\.svg$/);
      // a wrong address: a page in French with the navigation, not JSON
      const res = await page.goto(`${srv.base}/commandes-de-la-semaine`);
      assert.equal(res.status(), 404);
      assert.match(res.headers()['content-type'], /text\/html/);
      assert.match(await page.locator('h1').innerText(), /Page introuvable/);
      assert.equal(await page.locator('nav[aria-label="Navigation principale"] a[href="/login"]').count(), 1);
      await fits(page, '404');
      await page.getByRole('link', { name: 'Contacter le groupement' }).first().click();
      await page.waitForURL(`${srv.base}/contact`);
      assert.match(await page.locator('main').innerText(), /Drôme|@/);
      await fits(page, 'contact');
      // the API's own address, from a browser: a page too; from a script: JSON
      await page.goto(`${srv.base}/api/v1/nothing-here`);
      assert.match(await page.locator('h1').innerText(), /Page introuvable/);
      const script = await fetch(`${srv.base}/api/v1/nothing-here`);
      assert.equal((await script.json()).error.code, 'not_found');
      // every problem of an empty sign-up at once, each next to its field
      await page.goto(`${srv.base}/signup`);
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      await page.locator('.error-summary').waitFor();
      const summary = await page.locator('.error-summary').innerText();
      assert.match(summary, /adresse e-mail/i);
      assert.match(summary, /mot de passe|caractères/i);
      assert.match(summary, /votre nom/i);
      for (const id of ['email', 'password', 'name']) assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', id);
      await fits(page, 'sign-up with errors');
      await ctx.close();
    });

    it(`a consumer, at ${screen.name}: order with the total in reach, check it by hand, slots in both languages, cancel after confirming, last week's invoice`, async () => {
      const { ctx, page } = await phone(screen);
      await login(page, 'claire@example.org', 'mot de passe de claire');
      await page.goto(`${srv.base}/`);
      await fits(page, 'shop');
      const offer = (sku) => db.one(`SELECT id FROM offers WHERE cycle_id = ${cycle} AND sku = '${sku}'`);
      // the running total and the buttons are on screen, even scrolled to the middle
      const inReach = async () => page.evaluate(() => {
        const bar = document.querySelector('.bar').getBoundingClientRect();
        return bar.top >= 0 && bar.bottom <= window.innerHeight && bar.height < window.innerHeight / 2;
      });
      assert.ok(await inReach(), 'the order bar is on screen');
      await page.locator(`#q${offer('FRO-PICO')}`).scrollIntoViewIfNeeded();
      assert.ok(await inReach(), 'still on screen once scrolled');
      // each product a block: its name, price and box side by side, in the screen
      const block = await page.evaluate((id) => {
        const li = document.getElementById(`q${id}`).closest('li');
        const r = li.getBoundingClientRect();
        return { left: r.left, right: r.right, w: document.documentElement.clientWidth, text: li.innerText };
      }, offer('LEG-CAR-1KG'));
      assert.ok(block.left >= 0 && block.right <= block.w, JSON.stringify(block));
      assert.match(block.text, /Carottes des sables\s+2,50\s€ \/ kg/);
      await page.getByLabel('Halle de Crest').check();
      await page.locator(`#q${offer('LEG-CAR-1KG')}`).fill('1,5');
      await page.locator(`#q${offer('FRO-PICO')}`).fill('2');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForURL(/saved=1/);
      assert.match(await page.locator('.bar').innerText(), /2 produits/);
      await page.getByRole('button', { name: 'Valider ma commande' }).click();
      await page.waitForURL(/\/orders\/\d+\?saved=1/);
      await fits(page, 'order page');
      // the lines add up to the total, and each is quantity × price or says why not
      const lines = await page.locator('ul.lines > li').evaluateAll((els) => els.map((e) => e.innerText));
      const cents = (s) => Number(s.replace(/\s/g, '').replace('€', '').replace(',', '.')) * 100;
      const amounts = lines.map((l) => Math.round(cents(/([\d,]+\s€)/.exec(l.split('\n')[1] || l)[1])));
      const total = Math.round(cents(/Total TTC à régler\s+([\d,]+\s€)/.exec(await page.locator('main').innerText())[1]));
      assert.equal(amounts.reduce((a, b) => a + b, 0), total, lines.join(' | '));
      assert.match(lines.join('\n'), /2 pièces × 2,90\s€/);
      // the pickup day: the delivery date's Thursday-or-after, from the slot, in French...
      const when = await page.locator('dl.facts dd').nth(1).innerText();
      assert.match(when, /^jeudi \d+ \S+ \d{4}, 17h00–19h00$/);
      // ...and in English, with nothing left in French
      await page.goto(`${srv.base}/orders/${cycle}?lang=en`);
      const whenEn = await page.locator('dl.facts dd').nth(1).innerText();
      assert.match(whenEn, /^Thursday \d+ [A-Z][a-z]+ \d{4}, 17:00–19:00$/);
      assert.doesNotMatch(await page.locator('main').innerText(), /jeudi|vendredi|décembre|janvier/);
      await page.goto(`${srv.base}/orders/${cycle}?lang=fr`);
      // cancelling is a page that says what it does, then the button
      await page.getByRole('link', { name: 'Annuler ma commande' }).click();
      await page.waitForURL(/\/cancel$/);
      assert.match(await page.locator('main').innerText(), /retournent en vente/);
      await fits(page, 'cancel confirmation');
      assert.equal(db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${cycle}`), '1', 'the page changed nothing');
      await page.getByRole('button', { name: 'Oui, annuler ma commande' }).click();
      await page.waitForURL(/cancelled=1/);
      assert.equal(db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${cycle}`), '0');
      await fits(page, 'my orders');
      // last week's order and its invoice, as a page to read on the phone
      await page.goto(`${srv.base}/orders/${pastCycle}`);
      await fits(page, 'past order');
      const res = await page.goto(`${srv.base}/api/v1/invoices/${encodeURIComponent(invoice)}?format=html`);
      assert.equal(res.status(), 200);
      await fits(page, 'invoice (HTML)');
      await ctx.close();
    });

    it(`a coordinator, at ${screen.name}: bad dates kept, closing and issuing confirmed, invoices summed up`, async () => {
      const { ctx, page } = await phone(screen);
      await login(page, 'coord@example.org', 'mot de passe du bureau');
      await page.goto(`${srv.base}/desk`);
      await fits(page, 'desk');
      await page.fill('#name', 'Semaine spéciale');
      await page.fill('#opens', '2026-12-24T10:00');
      await page.fill('#closes', '2026-12-20T10:00');
      await page.fill('#delivery', '2026-12-26');
      await page.getByRole('button', { name: 'Créer le cycle' }).click();
      await page.locator('#closes-error').waitFor();
      assert.match(await page.locator('#closes-error').innerText(), /après l’ouverture/);
      assert.equal(await page.locator('#name').inputValue(), 'Semaine spéciale');
      assert.equal(await page.locator('#delivery').inputValue(), '2026-12-26');
      assert.equal(await page.locator('nav[aria-label="Navigation principale"]').count(), 1);
      await fits(page, 'desk with an error');
      for (const p of [`/desk/cycles/${cycle}`, `/desk/cycles/${cycle}/close`, `/desk/cycles/${pastCycle}`,
        `/desk/cycles/${pastCycle}/invoices`, '/desk/producers', '/desk/pickup-points', '/desk/pickup-points/crest-halle',
        `/api/v1/cycles/${pastCycle}/reports/delivery?format=html&pickup=crest-halle`,
        `/api/v1/cycles/${pastCycle}/reports/collection?format=html`, `/api/v1/cycles/${pastCycle}/reports/invoices?format=html`]) {
        const r = await page.goto(srv.base + p);
        assert.equal(r.status(), 200, p);
        await fits(page, p);
      }
      await page.goto(`${srv.base}/desk/cycles/${pastCycle}`);
      assert.match(await page.locator('main').innerText(), /\d+ factures? et 0 avoir émis/);
      await ctx.close();
    });
  }

  it('closes a cycle, plans its rounds and issues its invoices through the confirmation pages', async () => {
    const { ctx, page } = await phone(SCREENS[1]);
    // a cycle of its own, with an order, to close and invoice
    const c = openCycle(db, { closesIn: '5 days' });
    const claire = srv.client();
    await claire.login('claire@example.org', 'mot de passe de claire');
    const r = await claire.put(`/api/v1/cycles/${c}/order`, { pickup_point: 'die-mjc', lines: [{ producer: CG, sku: 'FRO-PICO', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    await login(page, 'coord@example.org', 'mot de passe du bureau');
    await page.goto(`${srv.base}/desk/cycles/${c}`);
    await page.getByRole('link', { name: 'Clore maintenant…' }).click();
    await page.waitForURL(`${srv.base}/desk/cycles/${c}/close`);
    assert.match(await page.locator('main').innerText(), /1 commande \([\d,]+\s€ HT\) devient définitive/);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${c}`), 'open');
    await page.getByRole('button', { name: 'Oui, clore maintenant' }).click();
    await page.waitForURL(/done=closed/);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${c}`), 'closed');
    await page.getByRole('button', { name: 'Calculer les tournées' }).click();
    await page.waitForURL(/done=batched/);
    // before issuing: the invoices document says how invoices come to be
    await page.goto(`${srv.base}/api/v1/cycles/${c}/reports/invoices?format=html`);
    assert.match(await page.locator('body').innerText(), /pas encore émises[\s\S]*Émettre les factures/);
    await page.goto(`${srv.base}/desk/cycles/${c}`);
    await page.getByRole('link', { name: 'Émettre les factures…' }).click();
    await page.waitForURL(`${srv.base}/desk/cycles/${c}/invoices/issue`);
    // the delivery is days away: the page says the invoices come before it
    assert.match(await page.locator('.warn').innerText(), /livraison n’a pas encore eu lieu/);
    assert.equal(db.one(`SELECT count(*) FROM invoices WHERE cycle_id = ${c}`), '0');
    await page.getByRole('button', { name: 'Oui, émettre les factures' }).click();
    await page.waitForURL(/done=invoiced/);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${c}`), 'invoiced');
    assert.match(await page.locator('main').innerText(), /1 facture et 0 avoir émis/);
    await fits(page, 'invoiced cycle');
    await ctx.close();
  });

  it('a producer at 375 px: their week, and a catalog checked then imported without choosing it again', async () => {
    const { ctx, page } = await phone(SCREENS[1]);
    await login(page, 'ferme@example.org', 'mot de passe de la ferme');
    await page.goto(`${srv.base}/producer`);
    await fits(page, 'producer space');
    const week = await page.locator('section[aria-labelledby="week-title"]').innerText();
    assert.match(week, /Carottes des sables\s+2 kg/); // last week's order, from them
    assert.match(week, /Bon d’apport : PDF · page à imprimer/);
    assert.match(week, /Facture FTC\d+-\d{4}-\d{6}/);
    // a file in Windows-1252 (no BOM, not UTF-8): read on a guess, to be confirmed
    const csv = readFileSync(fixture('catalogs/ferme-trois-chenes.csv'), 'utf8').replace('Carottes des sables', 'Carottes des sables à l’ancienne');
    const file = path.join(tmpdir(), `ftc-${process.pid}.csv`);
    writeFileSync(file, Buffer.from(csv.replace(/’/g, "'"), 'latin1'));
    await page.setInputFiles('#catalog-file', file);
    await page.getByRole('button', { name: 'Vérifier (sans enregistrer)' }).click();
    await page.locator('#result').waitFor();
    assert.match(await page.locator('#warnings').innerText(), /Windows-1252/);
    await fits(page, 'catalog preview');
    const before = db.one(`SELECT count(*) FROM products WHERE producer_id = (SELECT id FROM producers WHERE slug = '${FTC}')`);
    // importing without confirming holds the import
    await page.getByRole('button', { name: /Importer ce fichier/ }).click();
    await page.locator('#warnings').waitFor();
    assert.match(await page.locator('#warnings').innerText(), /Import en attente/);
    assert.equal(db.one(`SELECT count(*) FROM products WHERE producer_id = (SELECT id FROM producers WHERE slug = '${FTC}')`), before);
    // confirmed: imported, and the file was never chosen again
    await page.getByLabel(/J’ai vérifié/).check();
    await page.getByRole('button', { name: /Importer ce fichier/ }).click();
    await page.getByText('Catalogue importé').waitFor();
    assert.equal(db.one(`SELECT name FROM products WHERE sku = 'LEG-CAR-1KG' AND producer_id = (SELECT id FROM producers WHERE slug = '${FTC}')`), 'Carottes des sables à l\'ancienne');
    await ctx.close();
  });

  it('a producer reads their settlements on a phone: every screen, JavaScript off, and axe-core', async () => {
    const r = km0(['settle', '--cycle', String(pastCycle)], { db });
    assert.equal(r.status, 0, r.stderr);
    for (const screen of SCREENS) {
      const { ctx, page } = await phone(screen);
      await login(page, 'ferme@example.org', 'mot de passe de la ferme');
      await page.goto(`${srv.base}/producer`);
      await page.getByRole('link', { name: 'Mes reversements et commissions' }).click();
      await page.waitForURL(`${srv.base}/producer/settlements`);
      const text = await page.locator('main').innerText();
      assert.match(text, /Relevé n° \d+/);
      assert.match(text, /Commission du hub \(HT\)/);
      assert.match(text, /Facture de commission COM-\d{4}-\d{6}/);
      await fits(page, 'producer settlements');
      await ctx.close();
    }
    const { ctx, page } = await phone(SCREENS[1], { js: true });
    await login(page, 'ferme@example.org', 'mot de passe de la ferme');
    for (const url of ['/producer/settlements', '/producer/settlements?lang=en']) {
      await page.goto(srv.base + url);
      assert.deepEqual(await axeProblems(page), [], url);
    }
    await ctx.close();
  });

  it('has no serious accessibility problem on the new pages (axe-core)', async () => {
    const pages = [
      [null, ['/nowhere', '/contact', '/?lang=en']],
      [['claire@example.org', 'mot de passe de claire'], ['/', `/orders/${pastCycle}`, '/orders']],
      [['coord@example.org', 'mot de passe du bureau'], ['/desk', `/desk/cycles/${pastCycle}`,
        `/desk/cycles/${pastCycle}/invoices`, `/desk/cycles/${cycle}/close`, '/producer?p=ferme-trois-chenes']],
    ];
    for (const [who, urls] of pages) {
      const { ctx, page } = await phone(SCREENS[1], { js: true });
      if (who) await login(page, ...who);
      for (const url of urls) {
        await page.goto(srv.base + url);
        assert.deepEqual(await axeProblems(page), [], url);
      }
      await ctx.close();
    }
    // pages after a form: the sign-up with every error, the catalog preview with its
    // warning and confirmation, the order's cancel confirmation
    const { ctx, page } = await phone(SCREENS[1], { js: true });
    await page.goto(`${srv.base}/signup`);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.locator('.error-summary').waitFor();
    assert.deepEqual(await axeProblems(page), [], 'sign-up with errors');
    await login(page, 'ferme@example.org', 'mot de passe de la ferme');
    const file = path.join(tmpdir(), `ftc-axe-${process.pid}.csv`);
    writeFileSync(file, Buffer.from('sku,name,unit,price,vat\nCAF,Caf\xe9,piece,4.00,5.5\n', 'latin1'));
    await page.goto(`${srv.base}/producer`);
    await page.setInputFiles('#catalog-file', file);
    await page.getByRole('button', { name: 'Vérifier (sans enregistrer)' }).click();
    await page.locator('#warnings').waitFor();
    assert.deepEqual(await axeProblems(page), [], 'catalog preview with a warning');
    await ctx.close();
    const c2 = await phone(SCREENS[1], { js: true });
    await login(c2.page, 'claire@example.org', 'mot de passe de claire');
    const claire = srv.client();
    await claire.login('claire@example.org', 'mot de passe de claire');
    const r = await claire.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [{ producer: CG, sku: 'FRO-PICO', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    await c2.page.goto(`${srv.base}/orders/${cycle}/cancel`);
    assert.deepEqual(await axeProblems(c2.page), [], 'cancel confirmation');
    await c2.ctx.close();
  });
});
