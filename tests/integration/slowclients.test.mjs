// Slow clients and many connections: connections that send their headers a byte at a
// time do not hold the workers (libmicrohttpd reads every connection from event
// loops), so others are still served; a connection that stops sending is closed
// after connection_timeout_s; past connection_limit, new connections are turned
// away without harm and served again once the idle ones are gone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freshDb, startServer, makeConsumers, clientFor, insertProducts, openCycle, tmpDir } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';

const LIMIT = 64;
const TIMEOUT_S = 2;
const SLOW = 48; // trickling connections, under the limit

/** A connection that sends `text` one byte every `gapMs`; resolves {closedByServer} at its end. */
function trickle(port, text, gapMs) {
  const sock = net.connect(port, '127.0.0.1');
  let i = 0, timer = null, mine = false;
  const ended = new Promise((resolve) => {
    sock.on('close', () => { clearInterval(timer); resolve({ closedByServer: !mine }); });
    sock.on('error', () => {});
  });
  sock.on('connect', () => {
    timer = setInterval(() => {
      if (i < text.length) sock.write(text[i++]);
    }, gapMs);
  });
  return { ended, stop() { mine = true; clearInterval(timer); sock.destroy(); } };
}

const until = async (cond, tries = 400, ms = 50) => {
  for (let i = 0; i < tries; i++) { if (await cond()) return true; await new Promise((r) => setTimeout(r, ms)); }
  return false;
};

describe('slow clients and many connections', () => {
  let db, srv, cycle, buyer;
  before(async () => {
    db = freshDb('slowloris');
    insertProducts(db, 'ferme-trois-chenes', [{ sku: 'CAR', name: 'Carottes', price: '2.37', stock: '1000', step: '0.5' }]);
    cycle = openCycle(db);
    [buyer] = makeConsumers(db, 1, 'slow');
    const conf = writeConf(tmpDir('km0-slow'), 'km0.conf', `connection_limit = ${LIMIT}\nconnection_timeout_s = ${TIMEOUT_S}\nthreads = 4`);
    srv = await startServer(db, { config: conf });
  });
  after(async () => { await srv.stop(); db.drop(); });

  it(`serves others while ${SLOW} connections send their headers byte by byte`, async () => {
    const head = 'GET /healthz HTTP/1.1\r\nHost: km0.test\r\nUser-Agent: ' + 'slow'.repeat(200) + '\r\n\r\n';
    // a byte every half timeout: each keeps its connection alive, none completes
    const slow = Array.from({ length: SLOW }, () => trickle(srv.port, head, (TIMEOUT_S * 1000) / 2));
    let gone = 0;
    for (const s of slow) s.ended.then(({ closedByServer }) => { if (closedByServer) gone++; });
    try {
      await new Promise((r) => setTimeout(r, 300)); // all connected and trickling
      for (let i = 0; i < 5; i++) {
        const h = await srv.client().get('/healthz');
        assert.equal(h.status, 200);
        const r = await clientFor(srv, buyer).put(`/api/v1/cycles/${cycle}/order`,
          { pickup_point: 'crest-halle', lines: [{ producer: 'ferme-trois-chenes', sku: 'CAR', quantity: String(1 + i) }] });
        assert.equal(r.status, 200, r.text);
      }
      assert.equal(gone, 0, 'the slow connections were still open while others were served');
    } finally {
      for (const s of slow) s.stop();
    }
  });

  it(`closes a connection that stops sending, after connection_timeout_s`, async () => {
    const stalled = trickle(srv.port, 'GET /healthz HTTP/1.1\r\nHost:', 1);
    const { closedByServer } = await stalled.ended; // the test's own timeout bounds the wait
    assert.ok(closedByServer, 'km0 closed the stalled connection');
  });

  it(`turns away connections past connection_limit, and serves again once the idle ones are gone`, async () => {
    // idle connections that send nothing at all, more than the limit
    const idle = [];
    for (let i = 0; i < LIMIT + 16; i++) {
      const s = net.connect(srv.port, '127.0.0.1');
      s.on('error', () => {});
      idle.push(new Promise((resolve) => { s.on('close', resolve); s.on('connect', () => {}); }));
    }
    await new Promise((r) => setTimeout(r, 200));
    // the server is alive and answers as soon as a slot frees: the idle ones time out
    const back = await until(async () => {
      try { return (await srv.client().get('/healthz')).status === 200; } catch { return false; }
    });
    assert.ok(back, '/healthz answered again');
    await Promise.all(idle); // every idle connection was closed by the server
    assert.equal(srv.proc.exitCode, null, 'still running');
  });
});
