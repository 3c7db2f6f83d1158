// Prices that add up (DESIGN: the amount a consumer sees on the form equals the invoice
// total to the cent): random orders placed over HTTP, their order pages read as a person
// reads them, then the cycle closed, batched and invoiced. On every page the lines incl.
// VAT add up to the total shown; each line is quantity × unit price, or says the
// rounding it carries; the total shown is the sum of the order's invoices — in both
// seller modes (one invoice per producer, or the hub selling).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, insertProducts, makeConsumers, clientFor, km0, tmpDir, addUser } from '../lib/harness.mjs';
import { writeConfig, openCycleWith } from '../lib/invoicing.mjs';

/** mulberry32: the same orders on every run. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** "1 234,56 €" → 123456 */
const cents = (s) => Math.round(Number(s.replace(/[\s\u00a0€]/g, '').replace(',', '.')) * 100);
/** "1,5" → 1500 */
const milli = (s) => Math.round(Number(s.replace(',', '.')) * 1000);
/** round(a / b), half away from zero, on integers */
const divRound = (a, b) => (a >= 0 ? Math.floor((2 * a + b) / (2 * b)) : -Math.floor((-2 * a + b) / (2 * b)));

const CATALOG = {
  // prices as producers state them: incl. VAT to the cent (4-decimal excl. kept), or excl.
  'ferme-trois-chenes': [['C1', 'kg', 2.37, 5.5, '0.5'], ['C2', 'piece', 3.1818, 10, '1'], ['C3', 'bottle', 2.5, 20, '1'], ['C4', 'kg', 4.1232, 5.5, '0.25']],
  'fournil-saillans': [['F1', 'piece', 3.6967, 5.5, '1'], ['F2', 'kg', 5.27, 5.5, '0.5'], ['F3', 'piece', 1.0833, 20, '1']],
  'chevrerie-gervanne': [['G1', 'piece', 2.75, 5.5, '1'], ['G2', 'kg', 26.5403, 5.5, '0.25'], ['G3', 'piece', 0.9091, 10, '1']],
  'vergers-grane': [['V1', 'kg', 2.6, 0, '0.5'], ['V2', 'bottle', 3.85, 0, '1']], // VAT franchise
};

for (const mode of ['producers', 'hub']) {
  describe(`prices that add up, seller mode "${mode}"`, () => {
    let db, srv, cycle, conf, consumers;
    const shown = new Map(); // order id → total shown on its page, in cents
    before(async () => {
      db = freshDb(`prices_${mode}`);
      conf = writeConfig(tmpDir('prices'), 'km0', {});
      for (const [producer, items] of Object.entries(CATALOG)) {
        insertProducts(db, producer, items.map(([sku, unit, price, vat, step]) => (
          { sku, name: `Produit ${sku}`, unit, price: String(price), vat: String(vat), stock: null, step })));
      }
      // the seller mode is the hub's setting, set by its coordinator; the cycle opened
      // next freezes it with the offers
      addUser(db, { email: `coord-${mode}@example.org`, role: 'coordinator' });
      srv = await startServer(db, { config: conf });
      const coord = srv.client();
      await coord.login(`coord-${mode}@example.org`, 'correct horse battery');
      const set = await coord.patch('/api/v1/hub/settings', { seller_mode: mode });
      assert.equal(set.status, 200, set.text);
      cycle = openCycleWith(db, conf);
      consumers = makeConsumers(db, 30, `p${mode[0]}`);
    });
    after(async () => { await srv?.stop(); db?.drop(); });

    it('shows lines incl. VAT that add up to the total, each checkable by hand', async () => {
      const rand = rng(mode === 'hub' ? 7 : 42);
      const offers = Object.entries(CATALOG).flatMap(([p, items]) => items.map(([sku, , , , step]) => [p, sku, milli(step)]));
      let carried = 0, lines = 0;
      for (const c of consumers) {
        const picked = offers.filter(() => rand() < 0.4);
        if (!picked.length) picked.push(offers[Math.floor(rand() * offers.length)]);
        const order = picked.map(([producer, sku, step]) => ({ producer, sku, quantity: String((step * (1 + Math.floor(rand() * 12))) / 1000) }));
        const client = clientFor(srv, c);
        const put = await client.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: order });
        assert.equal(put.status, 200, put.text);
        const page = await client.get(`/orders/${cycle}`);
        assert.equal(page.status, 200);
        const items = [...page.text.matchAll(/<li id="line-\d+"><b>[^<]*<\/b><span class="amt">([^<]+)<\/span><small>([^<]*)<\/small><\/li>/g)];
        assert.equal(items.length, order.length, 'one block per line');
        let sum = 0, here = 0;
        for (const [, amount, detail] of items) {
          const a = cents(amount);
          sum += a;
          lines++;
          // "1,5 kg × 2,50 €" or "... × 2,50 € = 3,75 €, arrondi +0,01 €*"
          const m = /^([\d,]+) \S+ × ([\d\s,]+\u00a0€)(?: = ([\d\s,]+\u00a0€), arrondi ([+−])([\d,]+\u00a0€)\*)?/.exec(detail);
          assert.ok(m, detail);
          const hand = divRound(milli(m[1]) * cents(m[2]), 1000);
          if (m[3]) {
            carried++;
            here++;
            assert.equal(cents(m[3]), hand, detail);
            assert.equal(a - hand, (m[4] === '+' ? 1 : -1) * cents(m[5]), detail);
          } else {
            assert.equal(a, hand, `${detail}: ${a} is not quantity × unit price`);
          }
        }
        const total = cents(/Total TTC à régler<\/th><td class="num">([^<]+)</.exec(page.text)[1]);
        assert.equal(sum, total, 'the lines add up to the total shown');
        assert.equal(total, put.json.order.total_incl_vat_cents, 'the API says the same');
        assert.equal(/<p class="hint">\* /.test(page.text), here > 0, 'the note on the rounding, when a line carries one');
        shown.set(put.json.order.id, total);
      }
      assert.ok(lines > 60, `${lines} lines`);
      console.log(`  ${mode}: ${consumers.length} orders, ${lines} lines, ${carried} carrying a rounding`);
    });

    it('invoices each order for exactly the total its page showed', () => {
      for (const args of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)], ['invoice', 'issue', '--cycle', String(cycle)]]) {
        const r = km0(['--config', conf, ...args], { db });
        assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      }
      const invoiced = new Map(db.sql(`SELECT order_id, sum(total_incl_vat_cents), count(*) FROM invoices
        WHERE cycle_id = ${cycle} AND type_code = 380 GROUP BY order_id`).map(([o, t, n]) => [Number(o), [Number(t), Number(n)]]));
      assert.equal(invoiced.size, shown.size);
      for (const [order, total] of shown) {
        const [t, n] = invoiced.get(order);
        assert.equal(t, total, `order ${order}: shown ${total}, invoiced ${t} over ${n} invoice(s)`);
        if (mode === 'hub') assert.equal(n, 1);
      }
    });
  });
}
