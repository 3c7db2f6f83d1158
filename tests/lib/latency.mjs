// tests/lib/latency.mjs — how long a URL takes to answer, sampled on its own.
//
//   node tests/lib/latency.mjs URL INTERVAL_MS DURATION_MS
//
// One request at a time on a kept-alive connection, one every INTERVAL_MS, for
// DURATION_MS; prints {"n", "p50_ms", "p90_ms", "p99_ms", "max_ms", "failed",
// "statuses"} as JSON. A process of its own, so that the load a test puts on the
// server from its own event loop does not delay the samples' timing.
import http from 'node:http';

const [url, intervalMs = '20', durationMs = '10000'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node tests/lib/latency.mjs URL INTERVAL_MS DURATION_MS');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function once() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(url, { agent, timeout: 30000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: 0 }));
  });
}

const samples = [];
const statuses = {};
const end = Date.now() + Number(durationMs);
while (Date.now() < end) {
  const started = Date.now();
  const s = await once();
  samples.push(s.ms);
  statuses[s.status] = (statuses[s.status] || 0) + 1;
  const rest = Number(intervalMs) - (Date.now() - started);
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
}
samples.sort((a, b) => a - b);
const at = (q) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
const round = (v) => Math.round(v * 100) / 100;
console.log(JSON.stringify({
  n: samples.length, p50_ms: round(at(0.5)), p90_ms: round(at(0.9)), p99_ms: round(at(0.99)),
  max_ms: round(samples[samples.length - 1]), failed: samples.length - (statuses[200] || 0), statuses,
}));
agent.destroy();
