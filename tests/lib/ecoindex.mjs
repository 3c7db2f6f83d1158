// tests/lib/ecoindex.mjs — the EcoIndex of a page as a browser loads it: DOM elements,
// requests and bytes transferred, scored with the published formula.
//
// The formula and the quantiles are those published by the EcoIndex project (GreenIT /
// Collectif Conception Numérique Responsable, https://www.ecoindex.fr/comment-ca-marche/,
// and its reference implementation https://github.com/cnumr/ecoindex_reference): each
// of the three measures is placed between the bounds of 20 quantiles computed over the
// HTTP Archive (its position interpolated inside its quantile), and
//   score = 100 - 5 × (3 × q_dom + 2 × q_requests + q_size) / 6
// rounded; grades A > 80, B > 70, C > 55, D > 40, E > 25, F > 10, G otherwise. Size is
// in KB (1 024 bytes) as transferred over the network, compression and headers
// included; the DOM count is every element of the document.
import assert from 'node:assert/strict';

const QUANTILES = {
  dom: [0, 47, 75, 159, 233, 298, 358, 417, 476, 537, 603, 674, 753, 843, 949, 1076, 1237, 1459, 1801, 2479, 594601],
  requests: [0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78, 86, 95, 105, 117, 130, 147, 170, 205, 281, 3920],
  size: [0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32, 1648.27,
    1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223212.26],
};
const GRADES = [['A', 80], ['B', 70], ['C', 55], ['D', 40], ['E', 25], ['F', 10], ['G', -Infinity]];

/** Position of value among the quantiles: i plus how far it lies into quantile i. */
export function quantile(bounds, value) {
  for (let i = 1; i < bounds.length; i++) {
    if (value < bounds[i]) return i - 1 + (value - bounds[i - 1]) / (bounds[i] - bounds[i - 1]);
  }
  return bounds.length - 1;
}

export function ecoindex({ dom, requests, kb }) {
  const score = 100 - (5 * (3 * quantile(QUANTILES.dom, dom) + 2 * quantile(QUANTILES.requests, requests)
    + quantile(QUANTILES.size, kb))) / 6;
  const rounded = Math.round(score);
  return { score: rounded, exact: score, grade: GRADES.find(([, min]) => rounded > min)[0] };
}

/** Load url in a fresh page of ctx and measure it as EcoIndex does: every request the
 *  page makes (the document, its stylesheet, its icon...), the bytes they took on the
 *  wire (CDP's encodedDataLength: headers and compressed bodies), and the elements of
 *  the DOM once loaded. Works with JavaScript off (the count runs in the page's own
 *  world through CDP). Returns {dom, requests, bytes, kb, score, grade}. */
export async function measure(ctx, url) {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  // nothing from a previous page: what a first visit costs
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const seen = new Map();
  const kinds = new Map(); // requestId → [resource type, url]
  cdp.on('Network.requestWillBeSent', (e) => { seen.set(e.requestId, 0); kinds.set(e.requestId, [e.type, e.request.url]); });
  cdp.on('Network.loadingFinished', (e) => seen.set(e.requestId, e.encodedDataLength));
  await page.goto(url, { waitUntil: 'load' });
  // let the icon and any late request finish, as the EcoIndex protocol waits
  await page.waitForTimeout(300);
  const { result } = await cdp.send('Runtime.evaluate', { expression: "document.getElementsByTagName('*').length" });
  const dom = result.value;
  const bytes = [...seen.values()].reduce((a, b) => a + b, 0);
  const requests = seen.size;
  await page.close();
  assert.ok(dom > 0 && requests > 0, `nothing measured at ${url}`);
  const kb = bytes / 1024;
  // bytes by kind (Document, Stylesheet, Image...), and what went to another host
  const byType = {};
  const origin = new URL(url).origin;
  const external = [];
  for (const [id, n] of seen) {
    const [type = 'Other', u = ''] = kinds.get(id) || [];
    byType[type] = (byType[type] || 0) + n;
    if (u && !u.startsWith(origin) && !u.startsWith('data:')) external.push(u);
  }
  return { url, dom, requests, bytes, kb, byType, external, ...ecoindex({ dom, requests, kb }) };
}
