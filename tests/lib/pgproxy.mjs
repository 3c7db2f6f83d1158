// tests/lib/pgproxy.mjs — a TCP proxy between km0 and PostgreSQL that can lose the
// connection at a chosen moment, as a network or a crashed host would: after the
// server has received (and run) a statement, before its answer reaches km0.
//
//   const p = await pgProxy(db.url);       // p.url: the same database through the proxy
//   p.dropAnswerTo('COMMIT', { after: 'crest-halle' });  // arm once
//   p.dropAfterAnswerTo('COMMIT', …)        // the answer arrives, then the connection dies
//   p.refuseFor(ms);                        // new connections closed at once meanwhile
//   await p.close();
//
// PostgreSQL's test cluster listens on a Unix socket only (scripts/pg.sh): the proxy
// listens on loopback TCP and connects to that socket.

import net from 'node:net';
import path from 'node:path';

function parseConninfo(url) {
  const kv = Object.fromEntries(url.trim().split(/\s+/).map((p) => p.split('=')));
  return { socket: path.join(kv.host, `.s.PGSQL.${kv.port || 5432}`), user: kv.user, dbname: kv.dbname };
}

export async function pgProxy(url) {
  const target = parseConninfo(url);
  let armed = null; // {marker, after, done}
  let refuseUntil = 0;
  const pairs = new Set();
  const server = net.createServer((client) => {
    if (Date.now() < refuseUntil) { client.destroy(); return; }
    const upstream = net.connect(target.socket);
    const pair = { client, upstream, seenAfter: false, dropping: false, tail: '' };
    pairs.add(pair);
    const end = () => { client.destroy(); upstream.destroy(); pairs.delete(pair); };
    client.on('error', end); upstream.on('error', end);
    client.on('close', end); upstream.on('close', end);
    client.on('data', (d) => {
      const text = pair.tail + d.toString('latin1');
      pair.tail = text.slice(-64);
      if (armed && !armed.done) {
        if (!armed.after || text.includes(armed.after)) pair.seenAfter = true;
        if (pair.seenAfter && text.includes(armed.marker)) {
          armed.done = true;
          // what the server says next never reaches km0 (or does, and is the last)
          pair.dropping = armed.deliver ? 'deliver' : true;
          if (armed.refuseMs) refuseUntil = Date.now() + armed.refuseMs;
          armed.resolve();
        }
      }
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (pair.dropping === 'deliver') { client.write(d, end); return; }
      if (pair.dropping) { end(); return; }
      client.write(d);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `host=127.0.0.1 port=${port} user=${target.user} dbname=${target.dbname} sslmode=disable gssencmode=disable`,
    /** Lose the connection once a client message holding `marker` has reached the
     *  server (on a connection that earlier sent `after`, if given): its answer is
     *  dropped and both sides closed; then refuse new connections for refuseMs.
     *  Resolves when it happened. */
    dropAnswerTo(marker, { after = null, refuseMs = 0 } = {}) {
      return new Promise((resolve) => { armed = { marker, after, refuseMs, done: false, resolve }; });
    },
    /** The same, but the answer goes through and the connection is lost just after it. */
    dropAfterAnswerTo(marker, { after = null, refuseMs = 0 } = {}) {
      return new Promise((resolve) => { armed = { marker, after, refuseMs, deliver: true, done: false, resolve }; });
    },
    disarm() { armed = null; },
    async close() {
      for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); }
      await new Promise((r) => server.close(r));
    },
  };
}
