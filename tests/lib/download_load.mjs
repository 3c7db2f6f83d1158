// tests/lib/download_load.mjs — many clients downloading archived invoices at once.
//
//   node tests/lib/download_load.mjs BASE COOKIE FILES.json CLIENTS DURATION_MS
//
// FILES.json: [{"number": "...", "sha": "<hex SHA-256>"}]. CLIENTS loops each ask for
// the next file's ?format=facturx for DURATION_MS and check its bytes against its
// SHA-256 and its ETag; prints {"downloads", "bad", "per_s"} as JSON. A process of its
// own (archive.test.mjs runs it at a lower priority), so that the load it makes is
// the server's to carry, not the latency sampler's.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [base, cookie, filesPath, clients = '32', durationMs = '10000'] = process.argv.slice(2);
const files = JSON.parse(readFileSync(filesPath, 'utf8'));
let downloads = 0, bad = 0;
const started = Date.now();
const until = started + Number(durationMs);
await Promise.all(Array.from({ length: Number(clients) }, async (_, w) => {
  for (let k = w; Date.now() < until; k += Number(clients)) {
    const f = files[k % files.length];
    try {
      const r = await fetch(`${base}/api/v1/invoices/${f.number}?format=facturx`,
        { headers: { cookie }, signal: AbortSignal.timeout(30000) });
      const body = Buffer.from(await r.arrayBuffer());
      const sha = createHash('sha256').update(body).digest('hex');
      if (r.status !== 200 || sha !== f.sha || r.headers.get('etag') !== `"${f.sha}"`) bad++;
    } catch {
      bad++;
    }
    downloads++;
  }
}));
const seconds = (Date.now() - started) / 1000;
console.log(JSON.stringify({ downloads, bad, per_s: Math.round(downloads / seconds) }));
