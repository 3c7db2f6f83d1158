// bench/shop_2g.mjs URL [RUNS] — the first view of a page on a 2G link, in chromium.
//
// The link is Chrome DevTools' "Regular 2G" profile, emulated through the DevTools
// protocol (Network.emulateNetworkConditions): 300 ms round trip, 250 kbit/s down,
// 50 kbit/s up. No cache (a first visit), JavaScript off (as km0's pages need none).
// Prints one JSON object: the median over RUNS of the first contentful paint and of
// the load event, in milliseconds, and the bytes transferred.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.resolve('tests/package.json'));
const { chromium } = require('playwright-core');

const [url, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const browser = await chromium.launch({
  executablePath: process.env.KM0_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const fcp = [], load = [], bytes = [];
try {
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 300, downloadThroughput: (250 * 1024) / 8, uploadThroughput: (50 * 1024) / 8,
    });
    let got = 0;
    cdp.on('Network.loadingFinished', (e) => { got += e.encodedDataLength; });
    await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    const { result } = await cdp.send('Runtime.evaluate', {
      returnByValue: true,
      expression: `(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return { fcp: paint ? paint.startTime : null, load: nav.loadEventEnd };
      })()`,
    });
    fcp.push(result.value.fcp ?? result.value.load);
    load.push(result.value.load);
    bytes.push(got);
    await ctx.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ fcp_ms: Math.round(median(fcp)), load_ms: Math.round(median(load)), bytes: median(bytes), runs }));
