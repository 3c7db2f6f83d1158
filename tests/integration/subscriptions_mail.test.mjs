// What a cycle's opening could not place of the subscriptions is told (issue 21): each
// customer with a miss gets one message, in their account's language, naming what was
// not ordered and why; each coordinator one summary naming those customers. The
// messages go through the outbox and a real Postfix (tests/lib/postfix.mjs) and are
// read from its Maildir. The event that makes them is written by the opening's own
// transaction, once; customers with nothing missed get nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  freshDb, startServer, addUser, clientFor, makeConsumers, insertProducts, openCycle, tmpDir,
} from '../lib/harness.mjs';
import { startPostfix, postfixUnavailable } from '../lib/postfix.mjs';
import { writeConf } from '../lib/scale.mjs';

const X = 'ferme-trois-chenes';
const unavailable = postfixUnavailable();

describe('subscriptions not placed are told by mail', { skip: unavailable || false }, () => {
  let db, srv, mta, people, picks, cycle;
  const cycleName = () => db.one(`SELECT name FROM cycles WHERE id = ${cycle}`);

  before(async () => {
    mta = await startPostfix();
    db = freshDb('submail');
    const dir = tmpDir('km0-submail');
    const conf = writeConf(dir, 'serve.conf', `
      smtp_url = ${mta.url}
      smtp_tls = none
      mail_from = hub@km0.test
      public_url = https://shop.km0.test
      mail_retry_base_s = 1
      mail_retry_max_s = 2`);
    insertProducts(db, X, [
      { sku: 'MAIL-OEU', name: 'Œufs frais', unit: 'piece', price: '0.40', stock: '2', step: '1' },
      { sku: 'MAIL-POM', name: 'Pommes Reinette', unit: 'kg', price: '2.60', stock: null, step: '1' },
    ]);
    addUser(db, { email: 'coord@example.org', role: 'coordinator', name: 'Coordinatrice' });
    addUser(db, { email: 'coord2@example.org', role: 'coordinator', name: 'Second Coordinator' });
    db.sql("UPDATE users SET lang = 'en' WHERE email = 'coord2@example.org'");
    picks = db.sql('SELECT slug FROM pickup_points WHERE active ORDER BY id').map(([s]) => s);
    // the second point takes one order a week
    db.sql(`UPDATE pickup_points SET capacity_orders = NULL; UPDATE pickup_points SET capacity_orders = 1 WHERE slug = '${picks[1]}'`);
    srv = await startServer(db, { config: conf });
    people = makeConsumers(db, 4, 'sm');
    // A (fr) and B (en) want the two eggs there are, A first; C and D (fr) the second
    // point, C first. B misses the eggs, D the whole order; A and C miss nothing.
    db.sql(`UPDATE users SET lang = 'fr' WHERE customer_id IN (${people.map((p) => p.customerId).join(',')});
            UPDATE users SET lang = 'en' WHERE customer_id = ${people[1].customerId}`);
    const today = db.one("SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD')");
    const plan = [
      [picks[0], [['MAIL-OEU', '2'], ['MAIL-POM', '1']]],
      [picks[0], [['MAIL-OEU', '2'], ['MAIL-POM', '1']]],
      [picks[1], [['MAIL-POM', '1']]],
      [picks[1], [['MAIL-POM', '2']]],
    ];
    for (const [i, [pickup, lines]] of plan.entries()) {
      const r = await clientFor(srv, people[i]).post('/api/v1/subscriptions', {
        every_weeks: 1, starts_on: today, pickup_point: pickup,
        lines: lines.map(([sku, quantity]) => ({ producer: X, sku, quantity })),
      });
      assert.equal(r.status, 201, r.text);
    }
    cycle = openCycle(db); // created as a draft, then opened by the CLI: the subscriptions are placed
  });
  after(async () => { await srv?.stop(); mta?.destroy?.(); db?.drop(); });

  it('tells each customer what was missed, in their language, and the coordinators once', { timeout: 120000 }, async () => {
    // the opening wrote one event, in its transaction
    assert.equal(db.one(`SELECT count(*) FROM mail_events WHERE kind = 'subscription_misses' AND payload->>'cycle' = '${cycle}'`), '1');
    assert.deepEqual(db.sql(`SELECT s.customer_id, r.outcome FROM subscription_runs r JOIN subscriptions s ON s.id = r.subscription_id
      WHERE r.cycle_id = ${cycle} ORDER BY s.customer_id`).map(([c, o]) => [Number(c), o]),
    [[people[0].customerId, 'placed'], [people[1].customerId, 'partial'], [people[2].customerId, 'placed'], [people[3].customerId, 'not_placed']]);
    const name = cycleName();
    const want = [people[1].email, people[3].email, 'coord@example.org', 'coord2@example.org'];
    const all = await mta.waitFor((ms) => want.every((w) => ms.some((m) => m.to === w)), 60000, 'the four messages');
    const of = (addr) => all.filter((m) => m.to === addr);
    for (const w of want) assert.equal(of(w).length, 1, `one message to ${w}`);
    assert.equal(of(people[0].email).length, 0, 'nothing missed, nothing said');
    assert.equal(of(people[2].email).length, 0, 'nothing missed, nothing said');

    const b = of(people[1].email)[0];
    assert.equal(b.lang, 'en');
    assert.equal(b.subject, `Subscription: not all ordered — ${name}`);
    assert.match(b.text, /was ordered for .*, except this:/);
    assert.match(b.text, /Œufs frais \(2[^)]*\) — sold out/);
    assert.doesNotMatch(b.text, /Pommes/, 'what was placed is not listed');
    assert.match(b.text, /https:\/\/shop\.km0\.test\/subscriptions/);

    const d = of(people[3].email)[0];
    assert.equal(d.lang, 'fr');
    assert.equal(d.subject, `Abonnement : pas tout commandé — ${name}`);
    assert.match(d.text, /vous n’avez pas de commande cette semaine/);
    assert.match(d.text, /toute la commande — point de retrait complet/);
    assert.match(d.html, /point de retrait complet/);

    const names = db.sql(`SELECT id, name FROM customers WHERE id IN (${people[1].customerId}, ${people[3].customerId})`);
    const nameOf = (id) => names.find(([i]) => Number(i) === id)[1];
    // a customer's message names no other customer
    assert.ok(!b.text.includes(nameOf(people[3].customerId)) && !d.text.includes(nameOf(people[1].customerId)));
    const c1 = of('coord@example.org')[0];
    assert.equal(c1.lang, 'fr');
    assert.equal(c1.subject, `Abonnements non placés — ${name}`);
    assert.match(c1.text, /pour 2 client\(s\)/);
    assert.ok(c1.text.includes(`${nameOf(people[1].customerId)} : Œufs frais`), c1.text);
    assert.ok(c1.text.includes(`${nameOf(people[3].customerId)} : toute la commande — point de retrait complet`), c1.text);
    assert.match(c1.text, new RegExp(`/desk/cycles/${cycle}/subscriptions`));
    const c2 = of('coord2@example.org')[0];
    assert.equal(c2.lang, 'en');
    assert.equal(c2.subject, `Subscriptions not placed — ${name}`);
    assert.ok(c2.text.includes(`${nameOf(people[3].customerId)}: the whole order — pickup point full`), c2.text);
    // one statement queued them all: four outbox rows of the one event
    assert.equal(db.one(`SELECT count(*) FROM outbox o JOIN mail_events e ON e.id = o.event_id
      WHERE e.kind = 'subscription_misses'`), '4');
  });

  it('writes no event when everything was placed', { timeout: 60000 }, () => {
    // a second cycle the same week: D's capacity problem remains, so empty the point's
    // limit and give eggs enough; nothing is missed, nothing is said
    db.sql("UPDATE pickup_points SET capacity_orders = NULL; UPDATE products SET stock_milli = NULL WHERE sku = 'MAIL-OEU'");
    const before = Number(db.one("SELECT count(*) FROM mail_events WHERE kind = 'subscription_misses'"));
    const second = openCycle(db, { closesIn: '4 days' });
    assert.equal(db.one(`SELECT count(*) FROM subscription_runs WHERE cycle_id = ${second} AND outcome <> 'placed'`), '0');
    assert.equal(Number(db.one("SELECT count(*) FROM mail_events WHERE kind = 'subscription_misses'")), before);
  });
});
