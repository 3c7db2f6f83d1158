// The password reset end to end, in Chromium with JavaScript off (issue 18): the login
// page's "forgotten password" link, the request, the message in a real Postfix's
// Maildir, its link opened in the browser, the new password, the login with it; the
// link refused the second time. And the new pages at 320 px without sideways
// scrolling, with no serious accessibility problem.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, tmpDir } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';
import { startPostfix, postfixUnavailable } from '../lib/postfix.mjs';
import { writeConf } from '../lib/scale.mjs';

const unavailable = postfixUnavailable();

describe('a forgotten password, in a browser without JavaScript', { skip: unavailable || false }, () => {
  let db, srv, mta, browser;
  before(async () => {
    mta = await startPostfix();
    db = freshDb('browser_reset');
    addUser(db, { email: 'olga@example.org', role: 'consumer', name: 'Olga', password: 'the old password' });
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    const conf = writeConf(tmpDir('km0-reset'), 'serve.conf', `
      smtp_url = ${mta.url}
      smtp_tls = none
      mail_from = hub@km0.test
      public_url = https://shop.km0.test`);
    srv = await startServer(db, { config: conf });
    browser = await launch();
  });
  after(async () => { await browser?.close(); await srv?.stop(); mta?.destroy(); db?.drop(); });

    // (axe-core waits on timers, which do not run with JavaScript off: it runs in the
  // second test, with JavaScript on)
  const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  it('resets it from the login page through the e-mailed link', { timeout: 120000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR', viewport: { width: 320, height: 640 } });
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/login`);
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await page.waitForURL(`${srv.base}/password/forgot`);
    assert.ok(await noSideways(page), 'forgot page at 320 px');
    await page.getByLabel('Adresse e-mail').fill('olga@example.org');
    await page.getByRole('button', { name: 'Recevoir le lien' }).click();
    await page.getByRole('heading', { name: 'Regardez vos messages' }).waitFor();

    const ms = await mta.waitFor((all) => all.some((m) => m.to === 'olga@example.org'), 60000, 'the reset message');
    const m = ms.find((x) => x.to === 'olga@example.org');
    assert.equal(m.subject, 'Changer votre mot de passe');
    const href = /https:\/\/shop\.km0\.test(\/password\/reset\?t=[A-Za-z0-9_-]{43})/.exec(m.html);
    assert.ok(href, m.html);
    await page.goto(`${srv.base}${href[1]}`);
    assert.ok(await noSideways(page), 'reset page at 320 px');
    await page.getByLabel('Nouveau mot de passe').fill('court');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('.error-summary').waitFor();
    await page.getByLabel('Nouveau mot de passe').fill('the brand new password');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('heading', { name: 'Mot de passe changé' }).waitFor();

    await page.getByRole('link', { name: 'Se connecter' }).last().click();
    await page.getByLabel('Adresse e-mail').fill('olga@example.org');
    await page.getByLabel('Mot de passe').fill('the brand new password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${srv.base}/`);
    // the account page, then the link once more: used up
    await page.goto(`${srv.base}/account`);
    assert.ok(await noSideways(page), 'account page at 320 px');
    await page.goto(`${srv.base}${href[1]}`);
    assert.match(await page.locator('[role="alert"]').innerText(), /pas valable|déjà servi/);
    await ctx.close();
  });

  it('shows the account, privacy and desk messages pages without serious accessibility problems', { timeout: 120000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: true, locale: 'fr-FR', viewport: { width: 320, height: 640 } });
    const page = await ctx.newPage();
    for (const url of ['/privacy', '/password/forgot', '/privacy?lang=en', `/password/reset?t=${'A'.repeat(43)}`]) {
      await page.goto(`${srv.base}${url}`);
      assert.deepEqual(await axeProblems(page), [], url);
      assert.ok(await noSideways(page), url);
    }
    await page.goto(`${srv.base}/login?lang=fr`); // back to French after the English page
    await page.getByLabel('Adresse e-mail').fill('coord@example.org');
    await page.getByLabel('Mot de passe').fill('coordinator pass');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${srv.base}/desk`);
    for (const url of ['/desk/messages', '/account', '/account/close']) {
      await page.goto(`${srv.base}${url}`);
      assert.deepEqual(await axeProblems(page), [], url);
      assert.ok(await noSideways(page), url);
    }
    await ctx.close();
  });
});
