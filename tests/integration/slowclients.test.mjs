// Slow clients and many connections. libmicrohttpd's connection timeout only measures
// silence: a client sending a byte of its headers every second keeps its connection
// forever (slowloris). km0 adds a deadline (server/conn_limits.c): a request's headers
// arrive whole within connection_timeout_s, or the connection is shut down; and one
// client address holds at most connections_per_address connections. So 600 idle or
// trickling connections, from a dozen addresses, neither stop km0 serving others nor
// stay open past the deadline.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freshDb, startServer, makeConsumers, clientFor, insertProducts, openCycle, tmpDir } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';

const PER_ADDRESS = 50;
const TIMEOUT_S = 5;
const LIMIT = 700;
const HEAD = 'GET /healthz HTTP/1.1\r\nHost: km0.test\r\nUser-Agent: ' + 'slow'.repeat(200) + '\r\n\r\n';

/** A connection from address `from` that sends `text` a byte every gapMs (gapMs 0:
 *  nothing at all). {opened, ended → {closedByServer, ms, data}} and stop(). */
function conn(port, from, text = '', gapMs = 0) {
  const t0 = Date.now();
  const sock = net.connect({ port, host: '127.0.0.1', localAddress: from });
  let i = 0, timer = null, mine = false, data = '';
  const opened = new Promise((resolve) => { sock.on('connect', resolve); sock.on('error', resolve); });
  const ended = new Promise((resolve) => {
    sock.on('close', () => { clearInterval(timer); resolve({ closedByServer: !mine, ms: Date.now() - t0, data }); });
    sock.on('error', () => {});
  });
  sock.on('data', (d) => { data += d; });
  sock.on('connect', () => {
    if (gapMs) timer = setInterval(() => { if (i < text.length) sock.write(text[i++]); }, gapMs);
    else if (text) sock.write(text);
  });
  return { opened, ended, stop() { mine = true; clearInterval(timer); sock.destroy(); } };
}

/** An HTTP/1.1 request from address `from` on a connection of its own: the status. */
async function getFrom(port, from, path = '/healthz') {
  const c = conn(port, from, `GET ${path} HTTP/1.1\r\nHost: km0.test\r\nConnection: close\r\n\r\n`);
  const { data } = await c.ended;
  const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
  return m ? Number(m[1]) : 0;
}

const addr = (i) => `127.0.0.${10 + i}`;

describe('slow clients and many connections', () => {
  let db, srv, cycle, buyer;
  before(async () => {
    db = freshDb('slowloris');
    insertProducts(db, 'ferme-trois-chenes', [{ sku: 'CAR', name: 'Carottes', price: '2.37', stock: '1000', step: '0.5' }]);
    cycle = openCycle(db);
    [buyer] = makeConsumers(db, 1, 'slow');
    const conf = writeConf(tmpDir('km0-slow'), 'km0.conf',
      `connection_limit = ${LIMIT}\nconnection_timeout_s = ${TIMEOUT_S}\nconnections_per_address = ${PER_ADDRESS}\nthreads = 4`);
    srv = await startServer(db, { config: conf });
  });
  after(async () => { await srv.stop(); db.drop(); });

  it(`refuses a connection past connections_per_address (${PER_ADDRESS}), and serves other addresses`, async () => {
    const held = Array.from({ length: PER_ADDRESS }, () => conn(srv.port, addr(0)));
    try {
      await Promise.all(held.map((c) => c.opened));
      await new Promise((r) => setTimeout(r, 200)); // all accepted
      const extra = conn(srv.port, addr(0), 'GET /healthz HTTP/1.1\r\nHost: km0.test\r\n\r\n');
      const gone = await extra.ended; // the server closes it at once, unanswered
      assert.ok(gone.closedByServer, 'closed by the server');
      assert.equal(gone.data, '', 'no answer on a connection past the limit');
      assert.ok(gone.ms < (TIMEOUT_S * 1000) / 2, `refused in ${gone.ms} ms, not left to time out`);
      assert.equal(await getFrom(srv.port, addr(1)), 200, 'another address is served');
    } finally {
      for (const c of held) c.stop();
    }
  });

  it(`closes an idle connection, and one that sends its headers a byte a second, within connection_timeout_s`, async () => {
    const idle = conn(srv.port, addr(2));
    const trickling = conn(srv.port, addr(2), HEAD, 300); // never silent long enough to time out
    const bound = TIMEOUT_S * 1000 + 1500;
    for (const [what, c] of [['idle', idle], ['trickling', trickling]]) {
      const end = await Promise.race([c.ended, new Promise((r) => setTimeout(() => r(null), bound))]);
      c.stop();
      assert.ok(end, `${what}: still open after ${bound} ms`);
      assert.ok(end.closedByServer, `${what}: closed by the server`);
      assert.ok(end.ms >= TIMEOUT_S * 1000 - 500, `${what}: closed after ${end.ms} ms, not before the timeout`);
    }
  });

  it('serves a normal client while 600 idle or trickling connections from 12 addresses are held', async () => {
    const held = [];
    for (let a = 0; a < 12; a++) {
      for (let i = 0; i < PER_ADDRESS; i++) held.push(i % 2 ? conn(srv.port, addr(3 + a)) : conn(srv.port, addr(3 + a), HEAD, 1000));
    }
    let closed = 0;
    for (const c of held) c.ended.then(() => { closed++; });
    try {
      await Promise.all(held.map((c) => c.opened));
      for (let i = 0; i < 5; i++) {
        const h = await srv.client().get('/healthz');
        assert.equal(h.status, 200);
        const r = await clientFor(srv, buyer).put(`/api/v1/cycles/${cycle}/order`,
          { pickup_point: 'crest-halle', lines: [{ producer: 'ferme-trois-chenes', sku: 'CAR', quantity: String(1 + i) }] });
        assert.equal(r.status, 200, r.text);
      }
      assert.equal(closed, 0, 'the 600 connections were all held while others were served');
      // and the deadline closes them all
      const all = await Promise.race([Promise.all(held.map((c) => c.ended)), new Promise((r) => setTimeout(() => r(null), TIMEOUT_S * 1000 + 3000))]);
      assert.ok(all, `${600 - closed} connections still open past the deadline`);
      assert.ok(all.every((e) => e.closedByServer));
    } finally {
      for (const c of held) c.stop();
    }
  });

  it(`turns away connections past connection_limit (${LIMIT}), and serves again once the deadline closes them`, async () => {
    const held = [];
    for (let a = 0; a < 15; a++) for (let i = 0; i < PER_ADDRESS; i++) held.push(conn(srv.port, addr(20 + a)));
    try {
      await Promise.all(held.map((c) => c.opened));
      let back = false;
      for (let i = 0; i < 200 && !back; i++) {
        back = (await getFrom(srv.port, '127.0.0.1')) === 200;
        if (!back) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(back, '/healthz answered again');
      assert.equal(srv.proc.exitCode, null, 'still running');
    } finally {
      for (const c of held) c.stop();
    }
  });
});
