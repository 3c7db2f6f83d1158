// Finding a product and reading what the law asks to show, in a real browser, with
// JavaScript on and off: search, filter by allergen, open a product's page; every new
// page checked by axe-core and for sideways scrolling on a 320 px phone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, addUser, openCycle, km0, tmpDir } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';
import { multipart } from '../lib/security.mjs';
import { png } from '../lib/images.mjs';

const FOURNIL = 'fournil-saillans';
const CATALOG = `Référence;Désignation;Catégorie;Unité;Prix TTC;TVA;Nature;Ingrédients;Allergènes;Traces;Quantité nette;Origine;Labels;Organisme certificateur
PAIN-NOIX;Pain aux noix;Pains;pièce;5,50;5,5;préemballé;Farine de BLÉ, eau, _noix_, sel;gluten, fruits à coque;sésame;500 g;France (Drôme);AB;FR-BIO-01
PAIN-SEIGLE;Pain de seigle;Pains;pièce;4,20;5,5;vrac;Farine de SEIGLE, eau, sel;gluten;;;;;
BRIOCHE;Brioche pur beurre;Viennoiseries;pièce;6,00;5,5;préemballé;Farine de BLÉ, BEURRE, ŒUFS;gluten, lait, œufs;;400 g;France;;
`;

describe('finding products in a browser', () => {
  let db, srv, browser, cycle, offer;
  before(async () => {
    db = freshDb('browser_info');
    const dir = tmpDir('km0-binfo');
    const file = path.join(dir, 'fournil.csv');
    writeFileSync(file, CATALOG);
    const r = km0(['import', 'catalog', '--producer', FOURNIL, file], { db });
    assert.equal(r.status, 0, r.stderr);
    addUser(db, { email: 'fournil@example.org', role: 'producer', producer: FOURNIL, password: 'producer pass' });
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    const baker = srv.client();
    await baker.login('fournil@example.org', 'producer pass');
    const m = multipart({ csrf: baker.csrf, sku: 'PAIN-NOIX', photo: { filename: 'pain.png', type: 'image/png', data: png(400, 300) } });
    assert.equal((await baker.req('POST', '/producer/product/photo', { body: m.body, headers: m.headers })).status, 303);
    cycle = openCycle(db);
    offer = (sku) => db.one(`SELECT id FROM offers WHERE cycle_id = ${cycle} AND sku = '${sku}'`);
    browser = await launch();
  });
  after(async () => { await browser?.close(); await srv?.stop(); db?.drop(); });

  const names = (page) => page.locator('ul.offers > li').evaluateAll((lis) => lis.map((li) => li.textContent));

  for (const js of [true, false]) {
    it(`searches, filters and opens a product page with JavaScript ${js ? 'on' : 'off'}`, async () => {
      const ctx = await browser.newContext({ javaScriptEnabled: js, locale: 'fr-FR' });
      const page = await ctx.newPage();
      await page.goto(`${srv.base}/`);
      await page.getByLabel('Rechercher un produit').fill('pains');
      await page.getByRole('button', { name: 'Chercher' }).click();
      await page.waitForURL(/q=pains/);
      assert.match(await page.locator('#results').innerText(), /Résultats \(2\)/);
      assert.equal((await names(page)).length, 2);
      if (js) assert.deepEqual(await axeProblems(page), []);
      // without sesame, even as traces: the walnut bread goes
      await page.locator('summary').click();
      await page.getByLabel('sésame').check();
      await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
      await page.waitForURL(/no_sesame=1/);
      const left = await names(page);
      assert.equal(left.length, 1);
      assert.match(left[0], /Pain de seigle/);
      assert.match(left[0], /Allergènes\u00a0: gluten/);
      // the product page, from the results
      await page.goto(`${srv.base}/?q=noix`);
      assert.match((await names(page))[0], /5,50\u00a0€ \/ pièce — 11,00\u00a0€ \/ kg/);
      await page.getByRole('link', { name: 'Fiche produit : Pain aux noix' }).click();
      await page.waitForURL(`${srv.base}/offers/${offer('PAIN-NOIX')}`);
      assert.equal(await page.locator('h1').innerText(), 'Pain aux noix');
      assert.equal(await page.locator('strong', { hasText: 'BLÉ' }).count(), 1);
      assert.match(await page.locator('dl.facts').innerText(), /Origine\s+France \(Drôme\)/);
      assert.equal(await page.locator('img.photo').getAttribute('loading'), 'lazy');
      if (js) assert.deepEqual(await axeProblems(page), []);
      await ctx.close();
    });
  }

  async function loggedIn(email, password, js) {
    const ctx = await browser.newContext({ javaScriptEnabled: js, locale: 'fr-FR' });
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/login`);
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForLoadState();
    return { ctx, page };
  }

  it('keeps the new pages accessible (axe-core) and within a 320 px phone', async () => {
    const pages = {
      visitor: ['/?q=pain', `/offers/${offer('BRIOCHE')}`, `/producers/${FOURNIL}`, '/legal/terms-of-sale', '/legal/privacy?lang=en'],
      producer: ['/producer/product?sku=PAIN-NOIX', '/producer/product', '/producer'],
      coordinator: ['/desk/legal', '/desk/legal/accessibility', '/desk/settings'],
    };
    const sessions = {
      visitor: async (js) => { const ctx = await browser.newContext({ javaScriptEnabled: js, locale: 'fr-FR' }); return { ctx, page: await ctx.newPage() }; },
      producer: (js) => loggedIn('fournil@example.org', 'producer pass', js),
      coordinator: (js) => loggedIn('coord@example.org', 'coordinator pass', js),
    };
    for (const [who, urls] of Object.entries(pages)) {
      for (const js of [true, false]) {
        const { ctx, page } = await sessions[who](js);
        await page.setViewportSize({ width: 320, height: 640 });
        for (const url of urls) {
          const res = await page.goto(srv.base + url);
          assert.equal(res.status(), 200, url);
          const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]).catch(() => [0, 0]);
          if (js) {
            assert.ok(scroll <= width, `${url}: ${scroll} px wide on a ${width} px screen`);
            assert.deepEqual(await axeProblems(page), [], url);
          }
        }
        await ctx.close();
      }
    }
  });

  it('a product form that refuses a value shows it on its field, without JavaScript', async () => {
    const { ctx, page } = await loggedIn('fournil@example.org', 'producer pass', false);
    await page.goto(`${srv.base}/producer/product?sku=BRIOCHE`);
    await page.getByLabel('Quantité nette').fill('un peu');
    await page.getByRole('button', { name: 'Enregistrer le produit' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('.error-summary').innerText(), /quantité nette « un peu »/);
    assert.equal(await page.locator('#net_quantity').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Quantité nette').fill('450 g');
    await page.getByRole('button', { name: 'Enregistrer le produit' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('.notice').first().innerText(), /Produit enregistré/);
    assert.equal(db.one(`SELECT net_quantity_milli FROM products WHERE sku = 'BRIOCHE'`), '450000');
    await ctx.close();
  });
});
