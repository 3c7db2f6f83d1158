// Memory after large uploads: catalog dry runs of 10 MB, several at once, used to
// leave the server at 1.7–2.3 GB resident — glibc keeps an allocator arena per thread
// that allocates, each holding what it once held. km0 caps the arenas (mallopt
// M_ARENA_MAX) and gives free memory back after a large request (malloc_trim). The
// plain build is measured (AddressSanitizer has an allocator of its own); the bound
// is generous, the figures are printed for docs/BENCH.md-style comparison.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, freshDb, startServer, tmpDir } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';
import { account, sessionClient } from '../lib/security.mjs';

const PLAIN = path.resolve(ROOT, process.env.KM0_PLAIN_BIN || 'build/km0');
const ROUNDS = 3, AT_ONCE = 8;
const BOUND_MB = 600;

/** A CSV catalog of about `bytes` (the fixture's columns), every row valid. */
function catalog(bytes) {
  const head = 'sku,name,category,unit,price_excl_vat,vat_rate,weight_kg,stock,step,organic,description\n';
  const rows = [];
  let size = head.length;
  for (let i = 0; size < bytes; i++) {
    const row = `MEM-${String(i).padStart(6, '0')},Produit de test numéro ${i} un peu long,Légumes,kg,2.37,5.5,1,120,0.5,yes,Une description de produit qui occupe de la place\n`;
    rows.push(row);
    size += Buffer.byteLength(row);
  }
  return head + rows.join('');
}

const rssMb = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

describe('memory after concurrent 10 MB catalog dry runs', { skip: existsSync(PLAIN) ? false : `${PLAIN} is not built (make all)` }, () => {
  let db, srv, producer;
  before(async () => {
    db = freshDb('memory');
    producer = account(db, { email: `mem-${process.pid}@example.org`, role: 'producer', producer: 'ferme-trois-chenes' });
    const conf = writeConf(tmpDir('km0-mem'), 'km0.conf', 'threads = 16\ncatalog_max_rows = 200000');
    srv = await startServer(db, { config: conf, bin: PLAIN });
  });
  after(async () => { await srv.stop(); db.drop(); });

  it(`stays under ${BOUND_MB} MB resident after ${ROUNDS} rounds of ${AT_ONCE} dry runs at once`, { timeout: 600000 }, async () => {
    const body = catalog(10 * 1000 * 1000);
    const start = rssMb(srv.proc.pid);
    const c = sessionClient(srv, producer);
    let peakAfter = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const rs = await Promise.all(Array.from({ length: AT_ONCE }, () =>
        c.req('PUT', '/api/v1/producers/ferme-trois-chenes/catalog?dry_run=1', { body, headers: { 'content-type': 'text/csv' } })));
      for (const r of rs) assert.equal(r.status, 200, r.text.slice(0, 300));
      await new Promise((res) => setTimeout(res, 300));
      peakAfter = Math.max(peakAfter, rssMb(srv.proc.pid));
    }
    console.log(`  resident: ${start.toFixed(0)} MB at start, ${peakAfter.toFixed(0)} MB after ${ROUNDS}×${AT_ONCE} dry runs of ${(body.length / 1e6).toFixed(1)} MB`);
    assert.ok(peakAfter < BOUND_MB, `${peakAfter.toFixed(0)} MB resident after the dry runs`);
  });
});
