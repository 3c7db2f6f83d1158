// Product information the law requires, over the real binary and PostgreSQL (issue 19):
// every catalog format carrying it (km0 CSV with French and English headers, the Open
// Food Network template, DFC JSON-LD) and the DFC export reading back; allergens written
// in French words mapped to codes; what is frozen on offers and shown before purchase
// (allergens, price per kg or litre, the product page); what is missing flagged to the
// producer and, when the hub asks, kept out of the shop; the search (French stemming,
// accents, operators harmless, a 10 000-character query refused) and its filters;
// one product's form; photos (refusals, no half-stored upload, strong ETag); the legal
// pages and the new hub settings.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, addUser, openCycle, km0, tmpDir } from '../lib/harness.mjs';
import { multipart } from '../lib/security.mjs';
import { png, pngClaiming, exifWithGps } from '../lib/images.mjs';

const FTC = 'ferme-trois-chenes';
const FOURNIL = 'fournil-saillans';
const BRASSERIE = 'brasserie-crest';

// A bakery's catalog as a French spreadsheet would have it: allergens in words.
const FOURNIL_CSV = `Référence;Désignation;Catégorie;Unité;Prix TTC;TVA;Nature;Ingrédients;Allergènes;Traces;Quantité nette;Origine;Labels;Organisme certificateur;Conservation
PAIN-NOIX;Pain aux noix;Pains;pièce;5,50;5,5;préemballé;Farine de BLÉ, eau, _noix_, sel;gluten, œuf, fruits à coque;sésame;500 g;France (Drôme);AB;FR-BIO-01;Au sec
PAIN-SEIGLE;Pain de seigle;Pains;pièce;4,20;5,5;vrac;Farine de SEIGLE, eau, sel;Gluten;;;;;;
BRIOCHE;Brioche;Viennoiseries;pièce;6,00;5,5;préemballé;;;;400 g;;;;
`;

describe('product information', () => {
  let db, srv, dir, farmer, baker, coord, visitor;
  before(async () => {
    db = freshDb('product_info');
    dir = tmpDir('km0-info');
    addUser(db, { email: 'ferme@example.org', role: 'producer', producer: FTC, password: 'producer pass 1' });
    addUser(db, { email: 'fournil@example.org', role: 'producer', producer: FOURNIL, password: 'producer pass 2' });
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    farmer = srv.client();
    await farmer.login('ferme@example.org', 'producer pass 1');
    baker = srv.client();
    await baker.login('fournil@example.org', 'producer pass 2');
    coord = srv.client();
    await coord.login('coord@example.org', 'coordinator pass');
    visitor = srv.client();
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  const file = (name, text) => { const p = path.join(dir, name); writeFileSync(p, text); return p; };
  const row = (slug, sku, cols) => db.sql(`SELECT ${cols} FROM products WHERE sku = '${sku}' AND producer_id = (SELECT id FROM producers WHERE slug = '${slug}')`)[0];

  it('reads French words for allergens, traces, labels, origin and net quantity from a km0 CSV', () => {
    const r = km0(['import', 'catalog', '--producer', FOURNIL, file('fournil.csv', FOURNIL_CSV)], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(row(FOURNIL, 'PAIN-NOIX', 'kind, allergens::text, allergen_traces::text, net_quantity_milli, net_unit, origin_country, origin_region, labels::text, certifier, organic, storage'),
      ['prepacked', '{gluten,eggs,nuts}', '{sesame}', '500000', 'g', 'FR', 'Drôme', '{organic}', 'FR-BIO-01', 't', 'Au sec']);
    assert.deepEqual(row(FOURNIL, 'PAIN-SEIGLE', 'kind, allergens::text, net_quantity_milli'), ['loose', '{gluten}', '']);
    // a pre-packed brioche without ingredients nor allergens: flagged, not refused
    assert.equal(db.one(`SELECT product_info_missing(kind, ingredients, allergens, net_quantity_milli, origin_country, alcohol_bp, labels, certifier)::text
      FROM products WHERE sku = 'BRIOCHE'`), '{ingredients,allergens}');
    // the same file again changes nothing
    const again = km0(['import', 'catalog', '--producer', FOURNIL, file('fournil.csv', FOURNIL_CSV)], { db });
    assert.match(again.stdout, /new 0, changed 0, unchanged 3/);
  });

  it('refuses an allergen, label, country or kind it does not know, by line and column, writing nothing', () => {
    const bad = `sku,name,unit,price,vat,allergens,labels,origin,kind,net quantity,alcohol
X1,Tarte,piece,5,5.5,"gluten, céleri-rave, moutarde de Dijon, arachide","Label Rouge",Espagne,préemballé,300 g,
X2,Tarte,piece,5,5.5,"noisettes, poivre","Label Vert",Atlantide,emballé sous vide,trois kilos,douze
`;
    const r = km0(['import', 'catalog', '--producer', FTC, file('bad.csv', bad)], { db, env: { LANG: 'en_US.UTF-8' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.csv:3:allergens: unknown allergen "poivre"/);
    assert.match(r.stderr, /bad\.csv:3:labels: unknown label "Label Vert"/);
    assert.match(r.stderr, /bad\.csv:3:origin: origin "Atlantide"/);
    assert.match(r.stderr, /bad\.csv:3:kind: unknown kind "emballé sous vide"/);
    assert.match(r.stderr, /bad\.csv:3:net quantity: net quantity "trois kilos"/);
    assert.match(r.stderr, /bad\.csv:3:alcohol: alcohol strength "douze"/);
    assert.doesNotMatch(r.stderr, /bad\.csv:2:/, 'line 2 is right: "céleri-rave" is celery, "moutarde de Dijon" mustard');
    assert.equal(db.one(`SELECT count(*) FROM products WHERE sku LIKE 'X%'`), '0');
  });

  it('reads English headers, and the Open Food Network template with km0 columns and its net quantity', async () => {
    const en = `sku,name,unit,price,vat rate,kind,ingredients,allergens,may contain,net quantity,country of origin,region,labels,certifier,alcohol,storage conditions
CIDRE,Cidre brut,bottle,4.00,20,alcohol,"Apples, SULPHITES",sulphites,,75 cl,FR,Normandie,"AOP, organic",fr-bio-10,4.5 % vol,Keep cool
`;
    let r = km0(['import', 'catalog', '--producer', BRASSERIE, file('en.csv', en)], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(row(BRASSERIE, 'CIDRE', 'kind, allergens::text, net_quantity_milli, net_unit, origin_region, labels::text, certifier, alcohol_bp, organic'),
      ['alcohol', '{sulphites}', '75000', 'cl', 'Normandie', '{organic,aop}', 'FR-BIO-10', '450', 't']);
    const ofn = `producer,sku,name,display_name,category,description,units,unit_type,variant_unit_name,price,on_hand,on_demand,shipping_category,tax_category,allergenes,ingredients,origine
Ferme des Trois Chênes,MIEL-500,Miel de lavande,,Épicerie,Miel toutes fleurs,500,g,,7.50,20,,Standard,TVA 5.5,aucun,Miel,France
`;
    r = km0(['import', 'catalog', '--producer', FTC, file('ofn.csv', ofn)], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /format ofn/);
    assert.deepEqual(row(FTC, 'MIEL-500', 'unit, weight_g, net_quantity_milli, net_unit, allergens::text, origin_country, ingredients'),
      ['piece', '500', '500000', 'g', '{}', 'FR', 'Miel']);
  });

  it('reads DFC allergen characteristics, alcohol, storage, certifications and origin, and exports them so that they read back', async () => {
    const dfc = {
      '@context': 'https://www.datafoodconsortium.org',
      '@graph': [
        { '@id': 'http://x/sp/1', '@type': 'dfc-b:SuppliedProduct', 'dfc-b:name': 'Bière ambrée',
          'dfc-b:hasQuantity': { '@type': 'dfc-b:QuantitativeValue', 'dfc-b:hasUnit': 'dfc-m:Litre', 'dfc-b:value': 0.33 },
          'dfc-b:alcoholPercentage': 6.5, 'dfc-b:usageOrStorageCondition': 'À l’abri de la lumière',
          'dfc-b:hasAllergenCharacteristic': [
            { '@type': 'dfc-b:AllergenCharacteristic', 'dfc-b:hasAllergenDimension': 'dfc-m:CerealsWithGluten', 'dfc-b:value': 1 },
            { '@type': 'dfc-b:AllergenCharacteristic', 'dfc-b:hasAllergenDimension': 'dfc-m:Peanuts', 'dfc-b:value': 0 }],
          'dfc-b:hasCertification': ['dfc-f:Organic-AB', 'dfc-f:Vegan'], 'dfc-b:hasGeographicalOrigin': 'dfc-f:AuvergneRhoneAlpes',
          'dfc-b:referencedBy': 'http://x/ci/1' },
        { '@id': 'http://x/ci/1', '@type': 'dfc-b:CatalogItem', 'dfc-b:sku': 'AMBREE-DFC', 'dfc-b:stockLimitation': '-1',
          'dfc-b:offeredThrough': { '@type': 'dfc-b:Offer', 'dfc-b:hasPrice': { '@type': 'dfc-b:Price', 'dfc-b:value': '3.00', 'dfc-b:VATrate': '20', 'dfc-b:hasUnit': 'dfc-m:Euro' } } },
      ],
    };
    let r = await baker.req('PUT', `/api/v1/producers/${FOURNIL}/catalog`, { body: JSON.stringify(dfc), headers: { 'content-type': 'application/ld+json' } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(row(FOURNIL, 'AMBREE-DFC', 'allergens::text, alcohol_bp, storage, labels::text, origin_country, origin_region, net_quantity_milli, net_unit'),
      ['{gluten}', '650', 'À l’abri de la lumière', '{organic}', 'FR', 'Auvergne-Rhône-Alpes', '330', 'l']);
    // the export: DFC's own properties, km0's for the rest; imported back, nothing changes
    r = await baker.get(`/api/v1/producers/${FOURNIL}/catalog?format=dfc`);
    assert.equal(r.status, 200);
    const text = r.text;
    assert.match(text, /"dfc-b:hasAllergenDimension": "dfc-m:CerealsWithGluten"/);
    assert.match(text, /"dfc-b:alcoholPercentage": 6\.5/);
    assert.match(text, /"dfc-b:hasCertification": \["dfc-f:Organic-EU"\]/);
    assert.match(text, /"km0:allergens": "gluten, eggs, nuts"/);
    assert.match(text, /"km0:mayContain": "sesame"/);
    r = await baker.req('PUT', `/api/v1/producers/${FOURNIL}/catalog?dry_run=1`, { body: text, headers: { 'content-type': 'application/ld+json' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.import.changed, 0, JSON.stringify(r.json.import));
    assert.equal(r.json.import.unchanged, 4);
    // the JSON list says it too
    r = await baker.get(`/api/v1/producers/${FOURNIL}/catalog`);
    const noix = r.json.products.find((p) => p.sku === 'PAIN-NOIX');
    assert.deepEqual([noix.allergens, noix.may_contain, noix.net_quantity, noix.labels], [['gluten', 'eggs', 'nuts'], ['sesame'], '500 g', ['organic']]);
    assert.deepEqual(r.json.products.find((p) => p.sku === 'BRIOCHE').missing_information, ['ingredients', 'allergens']);
  });

  describe('in the shop', () => {
    let cycle, offer;
    before(() => {
      cycle = openCycle(db);
      offer = (sku) => db.one(`SELECT id FROM offers WHERE cycle_id = ${cycle} AND sku = '${sku}'`);
    });

    it('freezes the information on offers and shows allergens and the price per kg or litre next to every product', async () => {
      assert.equal(db.one(`SELECT allergens::text || ' ' || net_unit FROM offers WHERE cycle_id = ${cycle} AND sku = 'PAIN-NOIX'`), '{gluten,eggs,nuts} g');
      const r = await visitor.get('/?q=cidre');
      assert.equal(r.status, 200);
      // 4.00 € excl. VAT at 20 % = 4,80 € the 75 cl bottle: 6,40 € the litre
      assert.match(r.text, /4,80\u00a0€ \/ bouteille — 6,40\u00a0€ \/ L/);
      assert.match(r.text, /Allergènes\u00a0: sulfites/);
      const bread = await visitor.get('/?q=noix');
      // 5,50 € the 500 g loaf: 11,00 € the kilogram
      assert.match(bread.text, /5,50\u00a0€ \/ pièce — 11,00\u00a0€ \/ kg/);
      assert.match(bread.text, /Allergènes\u00a0: gluten, œufs, fruits à coque · traces possibles\u00a0: sésame/);
    });

    it('has a page per offer with everything the law asks for', async () => {
      const r = await visitor.get(`/offers/${offer('PAIN-NOIX')}`);
      assert.equal(r.status, 200);
      assert.match(r.text, /<h1>Pain aux noix<\/h1>/);
      assert.match(r.text, /Farine de <strong>BLÉ<\/strong>, eau, <strong>noix<\/strong>, sel/);
      assert.match(r.text, /<dt>Quantité nette<\/dt><dd>500 g<\/dd>/);
      assert.match(r.text, /<dt>Origine<\/dt><dd>France \(Drôme\)<\/dd>/);
      assert.match(r.text, /certifié par FR-BIO-01/);
      assert.match(r.text, /href="\/producers\/fournil-saillans"/);
      const en = await visitor.get(`/offers/${offer('CIDRE')}?lang=en`);
      assert.match(en.text, /<dt>Alcohol strength<\/dt><dd>4\.5 % vol<\/dd>/);
      await visitor.get('/?lang=fr'); // the language cookie back to French
      assert.equal((await visitor.get('/offers/999999999')).status, 404);
      assert.equal((await visitor.get('/offers/abc')).status, 404);
    });

    it('searches in French, without accents, with operators harmless and a long query refused', async () => {
      const names = async (q) => [...(await visitor.get(`/?q=${encodeURIComponent(q)}`)).text.matchAll(/<li>(?:<img[^>]*>)?([^<]+)/g)].map((m) => m[1].trim());
      assert.deepEqual(await names('PAINS'), ['Pain aux noix', 'Pain de seigle']);
      assert.deepEqual(await names('biere ambree'), ['Bière ambrée'], 'accents ignored');
      assert.deepEqual(await names('miels'), ['Miel de lavande'], 'French stemming: plural');
      assert.deepEqual(await names('sulfites'), [], 'an allergen is not a word of the name');
      for (const q of ['pain & | ! ( ) :*', "'; DROP TABLE offers; --", '"pain" -seigle', 'or and not <->', '\\']) {
        const r = await visitor.get(`/?q=${encodeURIComponent(q)}`);
        assert.equal(r.status, 200, q);
      }
      assert.deepEqual(await names('"pain" -seigle'), ['Pain aux noix'], 'websearch syntax');
      const long = await visitor.get(`/?q=${'a'.repeat(10000)}`);
      assert.equal(long.status, 400);
      assert.match(long.text, /La recherche est trop longue/);
      assert.match(long.text, /id="q"[^>]*aria-invalid="true"/);
    });

    it('filters by producer, label and allergens to avoid (unstated allergens never pass)', async () => {
      const names = async (qs) => [...(await visitor.get(`/?${qs}`)).text.matchAll(/<li>(?:<img[^>]*>)?([^<]+)/g)].map((m) => m[1].trim()).sort();
      assert.deepEqual(await names(`producer=${BRASSERIE}`), ['Cidre brut']);
      assert.deepEqual(await names('label=aop'), ['Cidre brut']);
      assert.deepEqual(await names('label=organic'), ['Bière ambrée', 'Cidre brut', 'Pain aux noix']);
      // without gluten: the cider (sulphites) and the honey (none); the rye bread has gluten,
      // the brioche states nothing
      assert.deepEqual(await names('no_gluten=1'), ['Cidre brut', 'Miel de lavande']);
      // sesame as traces excludes the walnut bread
      assert.deepEqual(await names('no_sesame=1&producer=' + FOURNIL), ['Bière ambrée', 'Pain de seigle']);
      assert.deepEqual(await names('no_gluten=1&no_sulphites=1'), ['Miel de lavande']);
    });

    it('has producer pages: who, where, what they sell this week', async () => {
      await baker.get('/producer/profile');
      let r = await baker.form('/producer/profile', { description: 'Boulangers au levain depuis 1998.', email: '', phone: '', website: '' });
      assert.equal(r.status, 303, r.text);
      r = await visitor.get(`/producers/${FOURNIL}`);
      assert.equal(r.status, 200);
      assert.match(r.text, /Boulangers au levain depuis 1998\./);
      const town = db.one(`SELECT town FROM producers WHERE slug = '${FOURNIL}'`);
      assert.ok(town && r.text.includes(`<p>${town}</p>`), 'where they are');
      assert.match(r.text, /<h2>Cette semaine<\/h2><ul class="offers"><li><a href="\/offers\/\d+">[^<]+<\/a>/);
      assert.match(r.text, /Pain aux noix/);
      assert.equal((await visitor.get('/producers/nobody-here')).status, 404);
    });
  });

  it('flags what the law requires and is missing to its producer, and leaves it out of the shop when the hub says so', async () => {
    let r = await baker.get('/producer');
    assert.match(r.text, /id="lacking"/);
    assert.match(r.text, /Brioche<\/a><br><span class="late">Manque : la liste des ingrédients, les allergènes/);
    r = await coord.req('PATCH', '/api/v1/hub/settings', { json: { hide_incomplete: true } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.settings.hide_incomplete, true);
    const next = openCycle(db, { closesIn: '5 days' });
    assert.equal(db.one(`SELECT count(*) FROM offers WHERE cycle_id = ${next} AND sku = 'BRIOCHE'`), '0');
    assert.equal(db.one(`SELECT count(*) FROM offers WHERE cycle_id = ${next} AND sku = 'PAIN-NOIX'`), '1');
    r = await coord.req('PATCH', '/api/v1/hub/settings', { json: { hide_incomplete: 'yes' } });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'hide_incomplete');
    r = await coord.req('PATCH', '/api/v1/hub/settings', { json: { hide_incomplete: false } });
    assert.equal(r.status, 200);
    assert.equal(db.one('SELECT setting FROM hub_settings_changes ORDER BY id DESC LIMIT 1'), 'hide_incomplete');
  });

  it('edits one product on a form, reporting problems on their fields', async () => {
    let r = await baker.get('/producer/product?sku=BRIOCHE');
    assert.equal(r.status, 200);
    assert.match(r.text, /id="missing"/);
    const fields = Object.fromEntries([...r.text.matchAll(/<input type="text" id="([^"]+)" name="[^"]+"[^>]* value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const brioche = { ...fields, existing: '1', kind: 'prepacked', ingredients: 'Farine de BLÉ, BEURRE, ŒUFS, sucre', a_gluten: '1', a_milk: '1', a_eggs: '1', storage: '', description: '' };
    r = await baker.form('/producer/product', { ...brioche, net_quantity: 'quatre cents grammes' });
    assert.equal(r.status, 422);
    assert.match(r.text, /href="#net_quantity">quantité nette « quatre cents grammes »/);
    assert.match(r.text, /id="net_quantity"[^>]*aria-invalid="true"/);
    r = await baker.form('/producer/product', { ...brioche, a_none: '1', net_quantity: '400 g' });
    assert.equal(r.status, 422, 'no allergen and allergens at once');
    r = await baker.form('/producer/product', { ...brioche, net_quantity: '400 g' });
    assert.equal(r.status, 303, r.text);
    assert.deepEqual(row(FOURNIL, 'BRIOCHE', 'allergens::text, net_quantity_milli, product_info_missing(kind, ingredients, allergens, net_quantity_milli, origin_country, alcohol_bp, labels, certifier)::text'),
      ['{gluten,eggs,milk}', '400000', '{}']);
    // another producer's product is not this producer's to open
    assert.equal((await farmer.get('/producer/product?sku=BRIOCHE')).status, 404);
  });

  describe('photos', () => {
    const send = (client, sku, file) => {
      const m = multipart({ csrf: client.csrf, sku, photo: file });
      return client.req('POST', '/producer/product/photo', { body: m.body, headers: m.headers });
    };
    const stored = () => db.one('SELECT count(*) FROM photos') + '/' + db.one(`SELECT coalesce(photo, '') FROM products WHERE sku = 'PAIN-NOIX'`);

    it('refuses what is not a photo it may decode, storing nothing', async () => {
      const before = stored();
      const cases = [
        [{ filename: 'x.svg', type: 'image/svg+xml', data: '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' }, 415, /SVG/],
        [{ filename: 'x.jpg', type: 'image/jpeg', data: 'not an image at all' }, 415, /pas une photo/],
        [{ filename: 'bomb.png', type: 'image/png', data: pngClaiming(30000, 30000) }, 422, /30000 × 30000 pixels/],
        [{ filename: 'huge.png', type: 'image/png', data: pngClaiming(20000, 10000) }, 422, /20000 × 10000 pixels/],
        [{ filename: 'cut.png', type: 'image/png', data: png(64, 64).subarray(0, 120) }, 422, /illisible/],
        [{ filename: 'big.png', type: 'image/png', data: Buffer.alloc(9 << 20, 1) }, 413, /octets/],
      ];
      for (const [f, status, message] of cases) {
        const r = await send(baker, 'PAIN-NOIX', f);
        assert.equal(r.status, status, `${f.filename}: ${r.text.slice(0, 300)}`);
        assert.match(r.text, message, f.filename);
        assert.equal(stored(), before, `${f.filename}: nothing stored`);
      }
    });

    it('strips the GPS position, re-encodes small WebP and AVIF, and serves them immutable with a strong ETag', async () => {
      const original = png(800, 600, { seed: 3, exif: exifWithGps() });
      assert.ok(original.includes('GPSmarker'));
      let r = await send(baker, 'PAIN-NOIX', { filename: 'pain.png', type: 'image/png', data: original });
      assert.equal(r.status, 303, r.text);
      const digest = db.one(`SELECT photo FROM products WHERE sku = 'PAIN-NOIX'`);
      assert.match(digest, /^[0-9a-f]{64}$/);
      for (const variant of ['thumb.webp', 'page.webp', 'thumb.avif', 'page.avif']) {
        r = await fetch(`${srv.base}/photos/${digest}/${variant}`);
        assert.equal(r.status, 200, variant);
        const bytes = Buffer.from(await r.arrayBuffer());
        assert.equal(r.headers.get('content-type'), variant.endsWith('webp') ? 'image/webp' : 'image/avif');
        assert.match(r.headers.get('cache-control'), /max-age=31536000, immutable/);
        const etag = r.headers.get('etag');
        assert.match(etag, /^"[0-9a-f]{32}-/, 'a strong ETag');
        assert.ok(!bytes.includes('GPSmarker') && !bytes.includes('Exif'), `${variant}: no metadata left`);
        assert.ok(bytes.length < (variant.startsWith('thumb') ? 8000 : 60000), `${variant}: ${bytes.length} bytes`);
        const again = await fetch(`${srv.base}/photos/${digest}/${variant}`, { headers: { 'if-none-match': etag } });
        assert.equal(again.status, 304);
      }
      assert.equal(db.one(`SELECT width || 'x' || height FROM photos WHERE digest = '${digest}'`), '640x480');
      // what km0 wrote, WebP and AVIF, it reads back as an upload
      for (const variant of ['page.webp', 'page.avif']) {
        const data = Buffer.from(await (await fetch(`${srv.base}/photos/${digest}/${variant}`)).arrayBuffer());
        r = await send(baker, 'PAIN-SEIGLE', { filename: variant, type: 'image/' + variant.split('.')[1], data });
        assert.equal(r.status, 303, `${variant}: ${r.text.slice(0, 200)}`);
      }
      assert.equal((await fetch(`${srv.base}/photos/${digest}/other.gif`)).status, 404);
      assert.equal((await fetch(`${srv.base}/photos/${'0'.repeat(64)}/thumb.webp`)).status, 404);
      // another producer cannot set a photo on it
      r = await send(farmer, 'PAIN-NOIX', { filename: 'p.png', type: 'image/png', data: png(50, 50) });
      assert.equal(r.status, 404);
    });
  });

  it('has the hub legal pages, edited by its coordinators and linked from every page', async () => {
    let r = await visitor.get('/legal/terms-of-sale?lang=fr');
    assert.equal(r.status, 200);
    assert.match(r.text, /L221-28/);
    assert.match(r.text, /ne s’applique pas aux denrées périssables/);
    r = await visitor.get('/legal/terms-of-sale?lang=en');
    assert.match(r.text, /does not apply to perishable goods/);
    r = await visitor.get('/?lang=fr');
    for (const k of ['legal-notice', 'terms-of-sale', 'privacy', 'accessibility']) assert.match(r.text, new RegExp(`href="/legal/${k}"`));
    assert.equal((await visitor.get('/legal/cookies')).status, 404);
    r = await coord.get('/desk/legal/privacy');
    assert.equal(r.status, 200);
    r = await coord.form('/desk/legal/privacy', { 'body-fr': '## Nos engagements\n\nNous gardons vos données le temps qu’il faut.\n\n- pas de publicité\n- pas de revente', 'body-en': '' });
    assert.equal(r.status, 303, r.text);
    r = await visitor.get('/legal/privacy?lang=fr');
    assert.match(r.text, /<h2>Nos engagements<\/h2><p>Nous gardons vos données le temps qu’il faut\.<\/p><ul><li>pas de publicité<\/li><li>pas de revente<\/li><\/ul>/);
    r = await visitor.get('/legal/privacy?lang=en');
    assert.match(r.text, /Controller/, 'English still the default');
    await coord.get('/desk/legal/privacy');
    r = await coord.form('/desk/legal/privacy', { 'body-fr': 'x'.repeat(20001), 'body-en': '' });
    assert.equal(r.status, 422);
    assert.match(r.text, /20 000 caractères/);
    r = await coord.form('/desk/legal/privacy', { 'body-fr': 'un \u0007 caractère de contrôle', 'body-en': '' });
    assert.equal(r.status, 422);
    assert.match((await visitor.get('/legal/privacy?lang=fr')).text, /Nos engagements/, 'nothing half-written');
  });
});
