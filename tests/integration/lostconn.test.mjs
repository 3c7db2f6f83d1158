// A connection to PostgreSQL lost at the worst moments, through a proxy that drops it
// after the server has received a statement (tests/lib/pgproxy.mjs):
// - at COMMIT, with the order committed and the answer lost: km0 cannot know, and
//   says so (503 outcome_unknown), never "nothing was written"; the same PUT sent
//   again gives the same final order as one PUT would have;
// - just after COMMIT's answer, with PostgreSQL out of reach for a moment: the order
//   is saved and km0 answers 200 with it (the reply was built inside the transaction,
//   no statement runs after COMMIT);
// - after a write outside any transaction (a login attempt counted): not sent again
//   on a new connection (it ran), and reported as outcome_unknown.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, makeConsumers, clientFor, insertProducts, openCycle, tmpDir, addUser } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';
import { pgProxy } from '../lib/pgproxy.mjs';

const FTC = 'ferme-trois-chenes';
/** The proxy's drop, or a failure if the statement never reached it. */
const happened = (p) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('the connection was not dropped')), 10000))]);
const order = (q) => ({ pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'CAR', quantity: String(q) }] });

describe('a connection to PostgreSQL lost at COMMIT, after it, and after a lone write', { timeout: 120000 }, () => {
  let db, proxy, srv, cycle, buyers;
  /** Everything the customer's order is, in the database. */
  const state = (c) => db.one(`SELECT concat_ws(' | ',
      (SELECT count(*) FROM orders WHERE cycle_id = ${cycle} AND customer_id = ${c.customerId}),
      (SELECT string_agg(l.quantity_milli || '@' || l.line_excl_vat_cents, ',') FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.cycle_id = ${cycle} AND o.customer_id = ${c.customerId}),
      (SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'CAR'),
      (SELECT sum(orders_count) FROM cycle_pickup_points WHERE cycle_id = ${cycle}))`);

  before(async () => {
    db = freshDb('lostconn');
    insertProducts(db, FTC, [{ sku: 'CAR', name: 'Carottes', price: '2.37', stock: '1000', step: '0.5' }]);
    cycle = openCycle(db);
    buyers = makeConsumers(db, 3, 'lost');
    proxy = await pgProxy(db.url);
    const conf = writeConf(tmpDir('km0-lost'), 'km0.conf', 'threads = 2\ndb_connect_timeout_s = 2');
    srv = await startServer({ ...db, url: proxy.url }, { config: conf });
  });
  after(async () => { await srv.stop(); await proxy.close(); db.drop(); });

  it('answers outcome_unknown when the answer to COMMIT is lost, and the same PUT again gives the same order', async () => {
    const [b] = buyers;
    const c = clientFor(srv, b);
    const dropped = proxy.dropAnswerTo('COMMIT', { after: 'crest-halle' });
    const r = await c.put(`/api/v1/cycles/${cycle}/order`, order('2.5'));
    await happened(dropped);
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'outcome_unknown');
    assert.doesNotMatch(r.json.error.message, /rien n’a changé|nothing was (changed|written)/i);
    // PostgreSQL did commit it: the reply "nothing written" would have been false
    const committed = state(b);
    assert.equal(committed, '1 | 2500@593 | 2500 | 1');
    // retried as the message says: the same whole order, not a second one on top
    const again = await c.put(`/api/v1/cycles/${cycle}/order`, order('2.5'));
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.order.lines[0].quantity, '2.5');
    assert.equal(state(b), committed);
    // the same as one PUT on a connection that never broke, for another customer
    const [, ref] = buyers;
    assert.equal((await clientFor(srv, ref).put(`/api/v1/cycles/${cycle}/order`, order('2.5'))).status, 200);
    assert.equal(state(ref).replace(/ \| \d+ \| \d+$/, ''), committed.replace(/ \| \d+ \| \d+$/, ''));
    assert.equal(db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'CAR'`), '5000');
  });

  it('answers 200 with the order when the connection is lost just after COMMIT, PostgreSQL out of reach', async () => {
    const [, , b] = buyers;
    const dropped = proxy.dropAfterAnswerTo('COMMIT', { after: 'crest-halle', refuseMs: 3000 });
    try {
      const r = await clientFor(srv, b).put(`/api/v1/cycles/${cycle}/order`, order('1'));
      await happened(dropped);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.order.lines[0].quantity, '1');
      assert.equal(state(b).split(' | ').slice(0, 2).join(' | '), '1 | 1000@237');
    } finally {
      await new Promise((res) => setTimeout(res, 3000)); // reachable again
    }
  });

  it('does not send a write again after a lost connection: a login attempt is counted once, outcome unknown', async () => {
    const email = `lost-login-${process.pid}@example.org`;
    addUser(db, { email, role: 'consumer' });
    const dropped = proxy.dropAnswerTo(email);
    const r = await srv.client().post('/api/v1/session', { email, password: 'not the password' });
    await happened(dropped);
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'outcome_unknown');
    assert.equal(db.one(`SELECT attempts FROM login_attempts WHERE email = '${email}'`), '1');
    // and km0 is itself again at the next request
    const next = await srv.client().post('/api/v1/session', { email, password: 'not the password' });
    assert.equal(next.status, 401, next.text);
    assert.equal(db.one(`SELECT attempts FROM login_attempts WHERE email = '${email}'`), '2');
  });

  it('logs the lost connections as warnings of their own, no db.prepare_failed', () => {
    const lines = srv.logs().split('\n');
    assert.ok(lines.some((l) => /level=warn event=db\.connection_lost /.test(l)), 'db.connection_lost logged');
    assert.ok(!lines.some((l) => /event=db\.prepare_failed/.test(l)));
  });
});
