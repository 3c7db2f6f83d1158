// A hub run from the desk, in chromium with JavaScript off, from an EMPTY database
// (migrated, no hub): the first-run page creates the hub and its coordinator; the
// coordinator adds two producers and invites them; each invited producer sets a
// password through the link and uploads a catalog; the coordinator adds a pickup
// point (position from the address, through the gazetteer) and a van, opens a cycle;
// a consumer signs up and orders from both new producers. Then the new pages fit a
// 320 px screen and pass axe-core.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emptyDb, startServer } from '../lib/harness.mjs';
import { launch, axeProblems } from '../lib/browser.mjs';

const COORD = { email: 'marie@vercors-circuits.example', password: 'le bureau du vercors' };
// two producers with real-shaped identities: valid SIRET (Luhn), VAT key and IBAN (mod 97)
const FARMS = [
  { slug: 'ferme-des-cimes', name: 'Ferme des Cimes', siret: '71106658903512', regime: 'franchise',
    address: '3 chemin des Cimes, 26400 Eurre', iban: 'FR76 3000 6000 0112 3456 7890 189',
    email: 'cimes@example.org', password: 'mot de passe des cimes',
    csv: 'sku,name,unit,price_excl_vat,vat_rate,stock,step\nCAR,Carottes des Cimes,kg,2.40,0,50,0.5\n' },
  { slug: 'chevres-du-col', name: 'Chèvres du Col', siret: '73745908113667', regime: 'standard',
    vat: 'FR91737459081', address: '1 route du Col, 26150 Die', iban: 'DE89 3704 0044 0532 0130 00',
    email: 'col@example.org', password: 'mot de passe du col',
    csv: 'sku,name,unit,price_excl_vat,vat_rate,stock,step\nPICO,Picodon du Col,piece,2.80,5.5,30,1\n' },
];

describe('running a hub from the desk, from an empty database (JavaScript off)', () => {
  let db, srv, browser;
  const links = {};
  before(async () => {
    db = emptyDb('hub_admin');
    assert.equal(db.one('SELECT count(*) FROM hubs'), '0');
    srv = await startServer(db);
    browser = await launch();
  });
  after(async () => { await browser?.close(); await srv?.stop(); db?.drop(); });

  const page0 = async (opts = {}) => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR', ...opts });
    return { ctx, page: await ctx.newPage() };
  };

  let desk; // the coordinator's page, kept logged in from the first run on
  it('creates the hub and its coordinator on the first-run page', { timeout: 120000 }, async () => {
    const { page } = await page0();
    desk = page;
    // before: any page says where the first run is
    const res = await page.goto(`${srv.base}/`);
    assert.equal(res.status(), 404);
    assert.match(await page.locator('main').innerText(), /\/setup/);
    await page.goto(`${srv.base}/setup`);
    await page.fill('#slug', 'vercors-circuits');
    await page.fill('#name', 'Vercors Circuits');
    await page.getByLabel('Forme juridique').selectOption('SCIC SAS');
    await page.getByLabel('SIRET').fill('52601815500014');
    await page.fill('#address', 'ZA des Gaulois, 26400 Crest');
    await page.fill('#coordinator_email', COORD.email);
    await page.fill('#password', COORD.password);
    await page.getByRole('button', { name: 'Créer le groupement' }).click();
    // a SCIC SAS is a company: its RCS city and capital are asked for, nothing is written
    await page.locator('.error-summary').waitFor();
    assert.match(await page.locator('.error-summary').innerText(), /RCS[\s\S]*capital/);
    assert.equal(await page.locator('#rcs_city').getAttribute('aria-invalid'), 'true');
    assert.equal(db.one('SELECT count(*) FROM hubs'), '0');
    await page.getByLabel('Ville du RCS').fill('Romans');
    await page.getByLabel('Capital social (€)').fill('12000');
    await page.fill('#password', COORD.password);
    await page.getByRole('button', { name: 'Créer le groupement' }).click();
    await page.waitForURL(`${srv.base}/desk?done=hub_created`);
    assert.match(await page.locator('.notice').innerText(), /groupement est créé/);
    // the depot is Crest's centre, from the gazetteer; the coordinator's role is recorded
    assert.deepEqual(db.sql('SELECT slug, legal_form, rcs_city, share_capital_cents, round(depot_lat::numeric, 2), round(depot_lon::numeric, 2) FROM hubs'),
      [['vercors-circuits', 'SCIC SAS', 'Romans', '1200000', '44.73', '5.02']]);
    assert.deepEqual(db.sql('SELECT old_role IS NULL, new_role, via FROM user_role_changes'), [['t', 'coordinator', 'setup']]);
    // the page is gone now that a hub exists
    assert.equal((await fetch(`${srv.base}/setup`)).status, 410);
  });

  it('adds two producers, with their checks, and makes their invitation links', { timeout: 120000 }, async () => {
    const page = desk;
    for (const [i, f] of FARMS.entries()) {
      await page.goto(`${srv.base}/desk`);
      await page.getByRole('link', { name: 'Producteurs', exact: true }).click();
      await page.getByRole('link', { name: 'Ajouter un producteur' }).click();
      await page.fill('#slug', f.slug);
      await page.fill('#name', f.name);
      await page.getByLabel('SIRET').fill(i === 0 ? '71106658903513' : f.siret); // the first one mistyped
      await page.getByLabel('Régime de TVA').selectOption(f.regime);
      if (f.vat) await page.getByLabel('Numéro de TVA').fill(f.vat);
      await page.getByLabel('IBAN').fill(i === 0 ? f.iban.replace('189', '188') : f.iban);
      await page.fill('#address', f.address);
      await page.fill('#email', f.email);
      await page.getByRole('button', { name: 'Ajouter le producteur' }).click();
      if (i === 0) {
        // both checksums named at once, nothing written, what was typed kept
        await page.locator('.error-summary').waitFor();
        const summary = await page.locator('.error-summary').innerText();
        assert.match(summary, /SIRET/);
        assert.match(summary, /IBAN/);
        assert.equal(await page.locator('#name').inputValue(), f.name);
        assert.equal(db.one('SELECT count(*) FROM producers'), '0');
        await page.getByLabel('SIRET').fill(f.siret);
        await page.getByLabel('IBAN').fill(f.iban);
        await page.getByRole('button', { name: 'Ajouter le producteur' }).click();
      }
      await page.waitForURL(`${srv.base}/desk/producers/${f.slug}?done=created_producer`);
      await page.getByRole('button', { name: 'Créer un lien d’invitation' }).click();
      const link = await page.locator('#invite-link').inputValue();
      assert.match(link, /\/invitation\?t=[A-Za-z0-9_-]{43}$/);
      links[f.slug] = new URL(link).pathname + new URL(link).search;
    }
    assert.deepEqual(db.sql('SELECT slug, vat_regime, iban FROM producers ORDER BY slug'), [
      ['chevres-du-col', 'standard', 'DE89370400440532013000'],
      ['ferme-des-cimes', 'franchise', 'FR7630006000011234567890189'],
    ]);
    // only the tokens' hashes are stored
    assert.equal(db.one(`SELECT count(*) FROM invitations WHERE encode(token_sha256, 'escape') LIKE '%${links['ferme-des-cimes'].slice(-20)}%'`), '0');
  });

  it('lets each invited producer set a password through the link, then upload a catalog', { timeout: 180000 }, async () => {
    for (const f of FARMS) {
      const { ctx, page } = await page0();
      await page.goto(srv.base + links[f.slug]);
      assert.match(await page.locator('main').innerText(), new RegExp(f.name));
      await page.getByLabel('Votre nom').fill(`Responsable ${f.name}`);
      await page.getByLabel('Mot de passe').fill(f.password);
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      await page.waitForURL(`${srv.base}/producer`);
      const file = path.join(tmpdir(), `${f.slug}-${process.pid}.csv`);
      writeFileSync(file, f.csv);
      await page.setInputFiles('#catalog-file', file);
      await page.locator('#catalog-import').click();
      // a first catalog read on a guess (no byte order mark) waits for the producer's word
      await page.locator('#result, #warnings, #errors').first().waitFor();
      assert.equal(await page.locator('#errors').count(), 0, await page.locator('main').innerText());
      if (await page.getByLabel(/J’ai vérifié/).count()) {
        await page.getByLabel(/J’ai vérifié/).check();
        await page.getByRole('button', { name: /Importer ce fichier/ }).click();
      }
      await page.getByText('Catalogue importé').waitFor();
      // the producer's own page: its description and contact
      await page.goto(`${srv.base}/producer/profile`);
      await page.getByLabel('Présentation').fill(`Chez ${f.name}, tout pousse en altitude.`);
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForURL(/saved=1/);
      await ctx.close();
      // the link served once
      const again = await fetch(srv.base + links[f.slug]);
      assert.equal(again.status, 410);
    }
    assert.deepEqual(db.sql(`SELECT p.slug, count(x.*) FROM producers p JOIN products x ON x.producer_id = p.id GROUP BY p.slug ORDER BY p.slug`),
      [['chevres-du-col', '1'], ['ferme-des-cimes', '1']]);
    assert.deepEqual(db.sql("SELECT new_role, via FROM user_role_changes WHERE via = 'invitation' ORDER BY id"),
      [['producer', 'invitation'], ['producer', 'invitation']]);
    assert.match(await (await fetch(`${srv.base}/producers/ferme-des-cimes`)).text(), /tout pousse en altitude/);
  });

  it('adds a pickup point (a slot is required) and a van (a capacity is required)', { timeout: 120000 }, async () => {
    const page = desk;
    await page.goto(`${srv.base}/desk/pickup-points`);
    await page.getByRole('link', { name: 'Ajouter un point de retrait' }).click();
    await page.fill('#slug', 'die-halle');
    await page.fill('#name', 'Halle de Die');
    await page.fill('#address', 'Place de la République, 26150 Die');
    await page.getByRole('button', { name: 'Ajouter' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.locator('.error-summary').innerText(), /au moins un créneau/);
    assert.equal(db.one('SELECT count(*) FROM pickup_points'), '0');
    await page.getByLabel('Créneau 1 : jour').selectOption('4');
    await page.locator('#slot_from_1').fill('17:00');
    await page.locator('#slot_to_1').fill('19:00');
    await page.getByLabel('Créneau 2 : jour').selectOption('6');
    await page.locator('#slot_from_2').fill('10:00');
    await page.locator('#slot_to_2').fill('12:00');
    await page.getByRole('button', { name: 'Ajouter' }).click();
    await page.waitForURL(`${srv.base}/desk/pickup-points?done=created_place`);
    assert.deepEqual(db.sql('SELECT slug, opening, opening_dow, round(lat::numeric, 2) FROM pickup_points'),
      [['die-halle', 'jeudi 17:00-19:00, samedi 10:00-12:00', '4', '44.75']]);
    await page.goto(`${srv.base}/desk/vehicles`);
    await page.getByRole('link', { name: 'Ajouter un véhicule' }).click();
    await page.fill('#slug', 'camion-1');
    await page.fill('#name', 'Le camion frigo');
    await page.getByRole('button', { name: 'Ajouter' }).click();
    await page.locator('#capacity_kg-error').waitFor();
    assert.equal(db.one('SELECT count(*) FROM vehicles'), '0');
    await page.getByLabel('Charge utile (kg)').fill('800');
    await page.getByRole('button', { name: 'Ajouter' }).click();
    await page.waitForURL(`${srv.base}/desk/vehicles?done=created_place`);
    assert.deepEqual(db.sql("SELECT slug, capacity_g, speed_kmh, to_char(departs, 'HH24:MI') FROM vehicles"),
      [['camion-1', '800000', '50', '07:00']]);
  });

  let cycle;
  it('opens a cycle', { timeout: 60000 }, async () => {
    const page = desk;
    const at = (i) => db.one(`SELECT to_char((now() + interval '${i}') AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD"T"HH24:MI')`);
    await page.goto(`${srv.base}/desk`);
    await page.fill('#name', 'Première semaine');
    await page.fill('#opens', at('1 hour'));
    await page.fill('#closes', at('3 days'));
    await page.fill('#delivery', at('5 days').slice(0, 10));
    await page.getByRole('button', { name: 'Créer le cycle' }).click();
    await page.waitForURL(/\/desk\/cycles\/\d+\?done=created/);
    cycle = Number(/cycles\/(\d+)/.exec(page.url())[1]);
    await page.goto(`${srv.base}/desk`);
    await page.getByRole('button', { name: 'Ouvrir maintenant' }).click();
    await page.waitForURL(/done=opened/);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cycle}`), 'open');
    assert.equal(db.one(`SELECT count(*) FROM offers WHERE cycle_id = ${cycle}`), '2');
  });

  it('lets a consumer sign up and order from both new producers', { timeout: 120000 }, async () => {
    const { ctx, page } = await page0();
    await page.goto(`${srv.base}/signup`);
    await page.locator('#email').fill('lea@example.org');
    await page.locator('#password').fill('le mot de passe de léa');
    await page.locator('#name').fill('Léa Martin');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.waitForLoadState();
    // a first order needs a confirmed address (the hub's require_verified_email, on by
    // default): the link of the sign-up message, which this test (no MTA) stands in for
    db.sql(`UPDATE users SET email_verified_at = now() WHERE email = 'lea@example.org'`);
    await page.goto(`${srv.base}/`);
    const offer = (sku) => db.one(`SELECT id FROM offers WHERE cycle_id = ${cycle} AND sku = '${sku}'`);
    await page.getByLabel(/Halle de Die/).check();
    await page.locator(`#q${offer('CAR')}`).fill('1,5');
    await page.locator(`#q${offer('PICO')}`).fill('2');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/saved=1/);
    await page.getByRole('button', { name: 'Valider ma commande' }).click();
    await page.waitForURL(/\/orders\/\d+\?saved=1/);
    assert.deepEqual(db.sql(`SELECT p.slug, l.quantity_milli FROM order_lines l JOIN offers o ON o.id = l.offer_id
      JOIN producers p ON p.id = o.producer_id JOIN orders r ON r.id = l.order_id WHERE r.cycle_id = ${cycle} ORDER BY p.slug`),
    [['chevres-du-col', '2000'], ['ferme-des-cimes', '1500']]);
    await ctx.close();
  });

  it('fits a 320 px screen on every new page, and passes axe-core', { timeout: 180000 }, async () => {
    const pages = ['/desk/producers', '/desk/producers/new', '/desk/producers/ferme-des-cimes', '/desk/pickup-points',
      '/desk/pickup-points/new', '/desk/pickup-points/die-halle', '/desk/vehicles', '/desk/vehicles/new',
      '/desk/vehicles/camion-1', '/desk/people', '/desk/hub', '/producers/ferme-des-cimes'];
    const customer = db.one("SELECT id FROM customers WHERE email = 'lea@example.org'");
    pages.push(`/desk/people/${customer}`);
    for (const js of [false, true]) {
      const ctx = await browser.newContext({ viewport: { width: 320, height: 700 }, javaScriptEnabled: js, locale: 'fr-FR' });
      const page = await ctx.newPage();
      await page.goto(`${srv.base}/login`);
      await page.fill('#email', COORD.email);
      await page.fill('#password', COORD.password);
      await page.click('form[action="/login"] button[type=submit]');
      await page.waitForURL(`${srv.base}/desk`);
      for (const p of pages) {
        const r = await page.goto(srv.base + p);
        assert.equal(r.status(), 200, p);
        if (!js) {
          const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
          assert.ok(scroll <= width, `${p}: ${scroll} px wide on a ${width} px screen`);
        } else {
          assert.deepEqual(await axeProblems(page), [], p);
        }
      }
      await ctx.close();
    }
    // the first-run page and the invitation page, as their visitors see them
    const e2 = emptyDb('hub_admin_axe');
    const s2 = await startServer(e2);
    try {
      const ctx = await browser.newContext({ viewport: { width: 320, height: 700 }, locale: 'fr-FR' });
      const page = await ctx.newPage();
      await page.goto(`${s2.base}/setup`);
      assert.deepEqual(await axeProblems(page), [], '/setup');
      const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= width, `/setup: ${scroll} px on ${width}`);
      await ctx.close();
    } finally {
      await s2.stop();
      e2.drop();
    }
  });
});
