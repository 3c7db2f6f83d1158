// Sessions kept in a server's memory (server/session_cache.h, schema/021): a request
// whose cookie was just looked up is not looked up again for session_cache_s seconds —
// but a session ended or an account changed is never served from memory: not by the
// server that ended it (the very next request), not by another server sharing the
// database (PostgreSQL's notice, within a second where the cache would keep it ten),
// not after a change made with psql or the CLI, and not after a server's listening
// connection is cut (it forgets everything and reads PostgreSQL until it listens again).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, makeConsumers, clientFor, tmpDir } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('sessions kept in memory', () => {
  let db, a, b;
  before(async () => {
    db = freshDb('session_cache');
    const conf = writeConf(tmpDir('km0-sc'), 'serve.conf', 'session_cache_s = 30');
    a = await startServer(db, { config: conf });
    b = await startServer(db, { config: conf });
    // both listening (server/session_cache.c logs nothing at info level in tests: poll)
    for (let i = 0; i < 100 && db.one("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'km0-sessions' AND query LIKE 'LISTEN%'") !== '2'; i++) await sleep(50);
    assert.equal(db.one("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'km0-sessions'"), '2', 'each server listens');
  });
  after(async () => { await a?.stop(); await b?.stop(); db?.drop(); });

  /** status of GET /api/v1/session on srv for consumer's cookie, n times */
  const statuses = async (srv, who, n = 3) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push((await clientFor(srv, who).get('/api/v1/session')).status);
    return out;
  };
  /** ms until srv answers 401 for who's cookie (polling every 20 ms), or -1 after limit */
  const untilRefused = async (srv, who, limit = 5000) => {
    const t0 = Date.now();
    while (Date.now() - t0 < limit) {
      if ((await clientFor(srv, who).get('/api/v1/session')).status === 401) return Date.now() - t0;
      await sleep(20);
    }
    return -1;
  };

  it('serves a session from memory: a request does not read it from PostgreSQL again', async () => {
    const [c] = makeConsumers(db, 1, 'mem');
    assert.deepEqual(await statuses(a, c), [200, 200, 200]);
    // the sessions row gone behind the server's back without a notice (triggers off for
    // this one statement): the server still knows the session — it was kept
    db.sql(`BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM sessions WHERE user_id = ${c.userId}; COMMIT`);
    assert.deepEqual(await statuses(a, c, 1), [200], 'kept in memory');
    // what any change sends (here an empty one), and it is forgotten
    db.sql("SELECT pg_notify('km0_sessions', '')");
    assert.ok((await untilRefused(a, c, 2000)) >= 0, 'forgotten on the notice');
  });

  it('refuses an ended session at once on the server that ended it, and within a second on another', async () => {
    const [c] = makeConsumers(db, 1, 'out');
    assert.deepEqual(await statuses(a, c), [200, 200, 200]);
    assert.deepEqual(await statuses(b, c), [200, 200, 200]);
    const r = await clientFor(a, c).del('/api/v1/session');
    assert.equal(r.status, 204);
    assert.deepEqual(await statuses(a, c, 1), [401], 'the very next request on the same server');
    const ms = await untilRefused(b, c);
    assert.ok(ms >= 0 && ms < 1000, `refused by the other server after ${ms} ms (session_cache_s is 30 s)`);
  });

  it('sees an account closed or changed with psql (as the CLI would) within a second, on every server', async () => {
    const [c, d] = makeConsumers(db, 2, 'chg');
    for (const srv of [a, b]) for (const who of [c, d]) assert.deepEqual(await statuses(srv, who, 2), [200, 200]);
    db.sql(`UPDATE users SET active = false WHERE id = ${c.userId}`);
    for (const srv of [a, b]) {
      const ms = await untilRefused(srv, c);
      assert.ok(ms >= 0 && ms < 1000, `inactive account refused after ${ms} ms`);
    }
    db.sql(`UPDATE users SET name = 'Nouveau Nom' WHERE id = ${d.userId}`);
    for (const srv of [a, b]) {
      let name;
      const t0 = Date.now();
      do name = (await clientFor(srv, d).get('/api/v1/session')).json?.user?.name;
      while (name !== 'Nouveau Nom' && Date.now() - t0 < 1000 && (await sleep(20), true));
      assert.equal(name, 'Nouveau Nom', 'the new name within a second');
    }
  });

  it('forgets what it kept when its listening connection is cut, and listens again', async () => {
    const [c] = makeConsumers(db, 1, 'lost');
    assert.deepEqual(await statuses(a, c), [200, 200, 200]);
    // the listening connections cut, and in the same breath the session ended without a
    // notice (none could reach a server that is not listening): each server notices the
    // cut (its socket closes), forgets, and reads sessions from PostgreSQL until it
    // listens again
    db.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'km0-sessions';
            BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM sessions WHERE user_id = ${c.userId}; COMMIT`);
    for (const srv of [a, b]) {
      const ms = await untilRefused(srv, c);
      assert.ok(ms >= 0 && ms < 1000, `refused after ${ms} ms (session_cache_s is 30 s)`);
    }
    for (let i = 0; i < 100 && db.one("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'km0-sessions'") !== '2'; i++) await sleep(50);
    assert.equal(db.one("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'km0-sessions'"), '2', 'listening again');
  });
});
