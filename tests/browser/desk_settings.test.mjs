// The desk's "Réglages / Settings" page in a real browser, JavaScript off as a
// coordinator may have it: read, a mistake shown on its field, saved, recorded; and
// no serious accessibility problem in French or English.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';

describe('the hub’s settings on the desk, in a browser', () => {
  let db, srv, browser;
  before(async () => {
    db = freshDb('browser_settings');
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    browser = await launch();
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

  it('changes who sells and sets a limit without JavaScript, a mistake kept on its field', { timeout: 60000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await loggedIn(ctx);
    await page.getByRole('link', { name: 'Réglages' }).click();
    await page.waitForURL(`${srv.base}/desk/settings`);
    assert.ok(await page.getByLabel(/Les producteurs/).isChecked());
    await page.getByLabel(/Le groupement : il achète et revend/).check();
    await page.getByLabel('Délai de paiement (jours)').fill('30');
    await page.getByLabel(/Montant maximum d’une commande/).fill('cent');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /montant en euros/);
    const amount = page.getByLabel(/Montant maximum d’une commande/);
    assert.equal(await amount.getAttribute('aria-invalid'), 'true');
    assert.equal(await amount.inputValue(), 'cent');
    assert.ok(await page.getByLabel(/Le groupement : il achète et revend/).isChecked(), 'the choice made was lost');
    assert.equal(db.one('SELECT seller_mode FROM hub_settings'), 'producers');
    await amount.fill('120,50');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(`${srv.base}/desk/settings?done=saved`);
    assert.match(await page.locator('.notice').innerText(), /Modifications enregistrées/);
    assert.deepEqual(db.sql('SELECT seller_mode, payment_days, max_order_cents FROM hub_settings'), [['hub', '30', '12050']]);
    assert.match(await page.locator('table').innerText(), /coord@example\.org \(desk\)/);
    await ctx.close();
  });

  it('has no serious accessibility problem, in French and English', { timeout: 60000 }, async () => {
    for (const lang of ['fr', 'en']) {
      // logged in in French, then ?lang= chooses (and a cookie remembers) the language
      const ctx = await browser.newContext({ locale: 'fr-FR' });
      const page = await loggedIn(ctx);
      await page.goto(`${srv.base}/desk/settings?lang=${lang}`);
      assert.deepEqual(await axeProblems(page), [], lang);
      // and with a mistake on the page
      await page.getByLabel(lang === 'fr' ? /Part maximum du stock/ : /Largest share of a product/).fill('200');
      await page.getByRole('button', { name: lang === 'fr' ? 'Enregistrer' : 'Save' }).click();
      await page.locator('.error-summary').waitFor();
      assert.deepEqual(await axeProblems(page), [], `${lang}, with a mistake`);
      await ctx.close();
    }
  });
});
