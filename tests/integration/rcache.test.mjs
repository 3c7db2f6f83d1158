// The shop's one-second cache (core/rcache.c) under concurrent readers: when an entry
// has expired, one request runs its statement again and the others read the previous
// result meanwhile. Before, every request arriving during the refresh ran the same
// statement: over a 100 000-offer cycle, sixteen threads each running the 150 ms
// category counts every second (bench/search.sh).
//
// A lock on `offers` held by another session makes "during the refresh" last as long
// as the test needs: the statements that read offers wait, and pg_stat_activity shows
// which ones and how many.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { freshDb, startServer, openCycle, insertProducts, TIMEOUT, track } from '../lib/harness.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the one-second cache under concurrent readers', { timeout: 120000 }, () => {
  let db, srv;
  before(async () => {
    db = freshDb('rcache');
    insertProducts(db, 'ferme-trois-chenes', Array.from({ length: 12 }, (_, i) => ({
      sku: `R${i}`, name: `Légume ${i}`, price: '2.50', vat: '5.5', stock: '50', step: '1', category: `Rayon ${i % 3}` })));
    openCycle(db);
    srv = await startServer(db);
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('refreshes an expired entry once, the other requests answering from the previous result', async () => {
    const visitor = srv.client();
    const first = await visitor.get('/');
    assert.equal(first.status, 200);
    assert.match(first.text, /<ul class="offers">/);
    await sleep(1100); // every entry the page read is now past its second
    // another session takes the table the shop's statements read, and keeps it 4 s
    const locker = track(spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', db.url, '-c',
      'BEGIN; LOCK TABLE offers IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;'], { timeout: TIMEOUT.cmd }));
    const lockerDone = new Promise((resolve) => locker.on('exit', resolve));
    const locked = () => db.one(`SELECT count(*) FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event = 'PgSleep'`) === '1';
    for (let waited = 0; !locked(); waited += 20) {
      assert.ok(waited < 3000, 'the locking session never got to its pg_sleep');
      await sleep(20);
    }
    // eight visitors, a little apart, so that each new connection goes to a thread
    // that is not already waiting (libmicrohttpd accepts a burst on one thread)
    const answered = [];
    const requests = [];
    for (let i = 0; i < 8; i++) {
      requests.push(fetch(`${srv.base}/`, { headers: { 'accept-language': 'fr' } }).then(async (r) => {
        answered.push(i);
        return { status: r.status, text: await r.text() };
      }).catch((e) => ({ status: 0, text: String(e) })));
      await sleep(80);
    }
    await sleep(600);
    // the category counts: run by one request; the others did not run them again
    const waiting = (start) => Number(db.one(`SELECT count(*) FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '${start}%'`));
    assert.equal(waiting('SELECT o.category, count(*)'), 1, 'one request refreshes the category counts');
    // one refresher per expired entry (categories, the page, the producers); the rest
    // answered from the previous results while the table was still locked
    assert.ok(answered.length >= 1, `${answered.length} of 8 requests answered while the offers were locked`);
    const results = await Promise.all(requests);
    assert.equal(await lockerDone, 0);
    for (const r of results) {
      assert.equal(r.status, 200);
      assert.match(r.text, /<ul class="offers">/, 'the offers, from the previous result or the new one');
    }
    // past the refresh, the page reads the new entries (nothing stays stale)
    assert.equal((await visitor.get('/')).status, 200);
  });
});
