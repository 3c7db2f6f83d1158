// Standing orders in a real browser with JavaScript off (issue 21): a consumer repeats
// an order every second week from its page, declares an absence, then stops the
// standing order after the confirmation; what the database holds follows each step.
// The pages fit a 320 px screen and have no serious accessibility problem.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, insertProducts, openCycle, Client } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';

const FTC = 'ferme-trois-chenes';

describe('my subscriptions, JavaScript off', () => {
  let db, srv, browser, cycle, customer;
  before(async () => {
    db = freshDb('browser_subs');
    insertProducts(db, FTC, [
      { sku: 'CAR', name: 'Carottes des sables', price: '2.37', stock: '20', step: '0.5' },
      { sku: 'POI', name: 'Poireaux', price: '2.84', stock: null, step: '0.5' },
    ]);
    const user = addUser(db, { email: 'alice@example.org', role: 'consumer', password: 'alice password' });
    customer = Number(db.one(`SELECT customer_id FROM users WHERE id = ${user}`));
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    browser = await launch();
    cycle = openCycle(db, { producers: [FTC] });
    const c = new Client(srv.base);
    await c.login('alice@example.org', 'alice password');
    const pickup = db.one('SELECT slug FROM pickup_points WHERE active ORDER BY id LIMIT 1');
    const r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: pickup, lines: [{ producer: FTC, sku: 'POI', quantity: '1.5' }] });
    assert.equal(r.status, 200, r.text);
  });
  after(async () => { await browser?.close(); await srv?.stop(); db?.drop(); });

  async function loggedIn(ctx, email = 'alice@example.org', password = 'alice password') {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/login`);
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForLoadState();
    return page;
  }

  it('subscribes from an order, pauses, and cancels', { timeout: 240000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await loggedIn(ctx);
    await page.goto(`${srv.base}/orders/${cycle}`);
    await page.getByText('Répéter cette commande').click();
    await page.getByLabel('Toutes les deux semaines').check();
    await page.getByLabel(/À partir du/).fill('2027-01-07');
    await page.getByRole('button', { name: 'Répéter', exact: true }).click();
    await page.waitForURL(/\/subscriptions\?saved=1$/);
    assert.match(await page.locator('main').innerText(), /Toutes les deux semaines[\s\S]*Poireaux/);
    assert.deepEqual(db.sql(`SELECT every_weeks, starts_on, cancelled_at IS NULL FROM subscriptions WHERE customer_id = ${customer}`),
      [['2', '2027-01-07', 't']]);
    assert.deepEqual(db.sql(`SELECT l.sku, l.quantity_milli FROM subscription_lines l JOIN subscriptions s ON s.id = l.subscription_id
      WHERE s.customer_id = ${customer}`), [['POI', '1500']]);

    // an absence that ends before it starts is refused, naming the field; nothing written
    await page.getByText('Déclarer une absence').click();
    await page.getByLabel('Du (inclus)').fill('2027-02-10');
    await page.getByLabel('Au (inclus)').fill('2027-02-03');
    await page.getByRole('button', { name: 'Enregistrer l’absence' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('main').innerText(), /finir le jour où elle commence ou après/);
    assert.equal(db.one('SELECT count(*) FROM subscription_pauses'), '0');

    await page.goto(`${srv.base}/subscriptions`);
    await page.getByText('Déclarer une absence').click();
    await page.getByLabel('Du (inclus)').fill('2027-02-03');
    await page.getByLabel('Au (inclus)').fill('2027-02-10');
    await page.getByRole('button', { name: 'Enregistrer l’absence' }).click();
    await page.waitForURL(/\/subscriptions\?paused=1$/);
    assert.match(await page.locator('main').innerText(), /Absences[\s\S]*3 février 2027[\s\S]*10 février 2027/);
    assert.deepEqual(db.sql('SELECT starts_on, ends_on FROM subscription_pauses'), [['2027-02-03', '2027-02-10']]);

    // stopping asks first; "no" keeps it, "yes" stops it
    await page.getByRole('link', { name: /Arrêter cette commande répétée/ }).click();
    await page.getByRole('link', { name: 'Non, la garder' }).click();
    assert.equal(db.one(`SELECT count(*) FROM subscriptions WHERE cancelled_at IS NULL`), '1');
    await page.getByRole('link', { name: /Arrêter cette commande répétée/ }).click();
    await page.getByRole('button', { name: 'Oui, arrêter' }).click();
    await page.waitForURL(/\/subscriptions\?cancelled=1$/);
    assert.match(await page.locator('main').innerText(), /annulé/);
    assert.equal(db.one(`SELECT count(*) FROM subscriptions WHERE cancelled_at IS NULL`), '0');
    await ctx.close();
  });

  it('fits a 320 px screen and has no serious accessibility problem, in French and English', { timeout: 240000 }, async () => {
    // a live subscription again, so that every block of the page shows
    const c = new Client(srv.base);
    await c.login('alice@example.org', 'alice password');
    const r = await c.post('/api/v1/subscriptions', { every_weeks: 1, from_cycle: cycle });
    assert.equal(r.status, 201, r.text);
    const id = r.json.subscription.id;
    db.sql(`WITH k AS (INSERT INTO contracts (hub_id, producer_id, name, window_opens, window_closes)
        SELECT hub_id, id, 'AMAP légumes d’hiver', current_date - 1, current_date + 30 FROM producers WHERE slug = '${FTC}'
        RETURNING id, hub_id, producer_id),
      d AS (INSERT INTO contract_deliveries (hub_id, contract_id, delivery_date) SELECT hub_id, id, current_date + 40 FROM k)
      INSERT INTO contract_baskets (hub_id, contract_id, producer_id, sku, label, price_excl_vat_e4)
        SELECT hub_id, id, producer_id, 'CAR', 'Petit panier', 85000 FROM k`);
    for (const lang of ['fr', 'en']) {
      // JavaScript on here: axe-core runs in the page
      const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 320, height: 700 } });
      const page = await loggedIn(ctx);
      for (const url of [`/subscriptions?lang=${lang}`, `/subscriptions/${id}/cancel?lang=${lang}`, `/orders/${cycle}?lang=${lang}`, `/contracts?lang=${lang}`]) {
        await page.goto(srv.base + url);
        const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(scroll <= width, `${url}: ${scroll} > ${width}`);
        assert.deepEqual(await axeProblems(page), [], url);
      }
      await ctx.close();
      // the coordinator's views: the week's subscriptions, the contracts
      const dctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 320, height: 700 } });
      const desk = await loggedIn(dctx, 'coord@example.org', 'coordinator pass');
      for (const url of [`/desk/cycles/${cycle}/subscriptions?lang=${lang}`, `/desk/contracts?lang=${lang}`]) {
        const res = await desk.goto(srv.base + url);
        assert.equal(res.status(), 200, url);
        const [scroll, width] = await desk.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(scroll <= width, `${url}: ${scroll} > ${width}`);
        assert.deepEqual(await axeProblems(desk), [], url);
      }
      await dctx.close();
    }
  });
  it('joins an AMAP contract for the season', { timeout: 240000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await loggedIn(ctx);
    await page.goto(`${srv.base}/contracts`);
    const card = page.locator('section', { hasText: 'AMAP légumes d’hiver' });
    assert.match(await card.innerText(), /Petit panier/);
    await card.getByLabel('Nombre de versements').selectOption('1');
    await card.getByRole('button', { name: 'M’inscrire pour la saison' }).click();
    await page.waitForURL(/\/contracts\?joined=1$/);
    const sub = db.sql(`SELECT s.id, s.instalments, l.sku FROM subscriptions s JOIN subscription_lines l ON l.subscription_id = s.id
      WHERE s.customer_id = ${customer} AND s.contract_id IS NOT NULL`);
    assert.deepEqual(sub.map(([, n, sku]) => [n, sku]), [['1', 'CAR']]);
    // one delivery to come at 8.50 excl. VAT (5.5 %): one instalment of 8.97
    assert.deepEqual(db.sql(`SELECT number, amount_cents FROM contract_instalments WHERE subscription_id = ${sub[0][0]}`), [['1', '897']]);
    await page.goto(`${srv.base}/subscriptions`);
    assert.match(await page.locator('main').innerText(), /AMAP légumes d’hiver — Petit panier/);
    // a second time: refused, and said so on a page
    await page.goto(`${srv.base}/contracts`);
    await page.locator('section', { hasText: 'AMAP légumes d’hiver' }).getByRole('button', { name: 'M’inscrire pour la saison' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('main').innerText(), /déjà inscrit/);
    await ctx.close();
  });

  it('defines a contract on the desk, JavaScript off, with the API’s refusals', { timeout: 240000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await loggedIn(ctx, 'coord@example.org', 'coordinator pass');
    const count = () => db.one('SELECT count(*) FROM contracts');
    const before = count();
    const fill = async (over = {}) => {
      await page.goto(`${srv.base}/desk/contracts`);
      const v = { name: 'AMAP poireaux', opens: '2031-01-05', closes: '2031-02-20', deliveries: '2031-03-06\n2031-03-13\n2031-03-20',
        sku: 'POI', label: 'Botte de poireaux', price: '4.20', min: '2', plans: '1, 3', ...over };
      await page.getByLabel('Producteur').selectOption(FTC);
      await page.getByLabel('Nom du contrat').fill(v.name);
      await page.getByLabel('Inscriptions à partir du').fill(v.opens);
      await page.getByLabel('Inscriptions jusqu’au (inclus)').fill(v.closes);
      await page.getByLabel(/Dates de livraison/).fill(v.deliveries);
      const first = page.locator('fieldset', { hasText: 'Panier 1' });
      await first.getByLabel('Référence du produit (SKU)').fill(v.sku);
      await first.getByLabel('Nom du panier').fill(v.label);
      await first.getByLabel(/Prix HT par livraison/).fill(v.price);
      await page.getByLabel(/Engagement minimum/).fill(v.min);
      await page.getByLabel('Livraison manquée').selectOption('carry_over');
      await page.getByLabel(/Échéanciers proposés/).fill(v.plans);
      await page.getByLabel('prélèvement SEPA').check();
      const [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Créer le contrat' }).click()]);
      return res;
    };
    // refused as the API refuses them, naming the field; nothing written
    const cases = [
      [{ deliveries: '2031-02-30' }, 422, /deliveries\[0\]/],
      [{ closes: '2031-01-01' }, 422, /La fenêtre d’inscription doit finir après son ouverture/],
      [{ sku: 'NOPE' }, 422, /n’est pas un produit actif de ce producteur/],
      [{ price: '4,2x' }, 422, /Le prix HT s’écrit/],
      [{ plans: '1, 99' }, 422, /de 1 à 52 versements/],
      [{ min: '4' }, 422, /L’engagement minimum va de 1 livraison à toutes/],
      // the vegetable basket (CAR) of the winter contract is delivered in 40 days
      [{ sku: 'CAR', min: '1', deliveries: db.one("SELECT to_char(current_date + 40, 'YYYY-MM-DD')") }, 409, /Un autre contrat livre déjà ce panier/],
    ];
    for (const [over, status, re] of cases) {
      const res = await fill(over);
      assert.equal(res.status(), status, JSON.stringify(over));
      assert.match(await page.locator('main').innerText(), re, JSON.stringify(over));
      assert.equal(count(), before, `nothing written: ${JSON.stringify(over)}`);
    }
    // and the same contract through the API is refused the same way
    const api = new Client(srv.base);
    await api.login('coord@example.org', 'coordinator pass');
    const r = await api.post('/api/v1/contracts', { producer: FTC, name: 'AMAP poireaux', window_opens: '2031-01-05', window_closes: '2031-02-20',
      deliveries: ['2031-02-30'], baskets: [{ sku: 'POI', label: 'Botte', price: '4.20' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'deliveries[0]');

    const res = await fill();
    assert.equal(res.status(), 200);
    assert.match(page.url(), /\/desk\/contracts\?created=1$/);
    assert.match(await page.locator('main').innerText(), /Contrat créé/);
    assert.deepEqual(db.sql(`SELECT k.name, k.window_opens, k.window_closes, k.min_deliveries, k.missed_rule, k.instalment_plans, k.payment_methods,
        b.sku, b.label, b.price_excl_vat_e4, (SELECT string_agg(delivery_date::text, ' ' ORDER BY delivery_date) FROM contract_deliveries d WHERE d.contract_id = k.id)
      FROM contracts k JOIN contract_baskets b ON b.contract_id = k.id WHERE k.name = 'AMAP poireaux'`),
    [['AMAP poireaux', '2031-01-05', '2031-02-20', '2', 'carry_over', '{1,3}', '{cheque,sepa_debit}', 'POI', 'Botte de poireaux', '42000',
      '2031-03-06 2031-03-13 2031-03-20']]);
    assert.match(await page.locator('main').innerText(), /AMAP poireaux/);
    await ctx.close();
  });
});
