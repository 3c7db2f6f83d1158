// Hostile requests, from a table: oversize bodies and headers, invalid UTF-8, NUL
// bytes, huge and negative numbers, injection strings where lookups happen, path
// traversal, wrong content types, duplicate parameters. Each gets its 4xx with a
// message that says why; none gets a 5xx; nothing is written. Then injection
// strings in every text field that is stored: kept verbatim in the database,
// escaped wherever a page shows them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest, snapshot, send, multipart, sessionClient } from '../lib/security.mjs';
import { buildWorld, X, PICKUP } from '../lib/route_matrix.mjs';

const SQLI = "x' OR '1'='1'; DROP TABLE orders; --";
const line = (over = {}) => ({ producer: X, sku: 'CAR', quantity: '1', ...over });
const order = (over = {}) => ({ pickup_point: PICKUP, lines: [line()], ...over });
const json = (text) => ({ body: text, headers: { 'content-type': 'application/json' } });

/** Each row: [what, who, request, status, code?]. who is a role of the world;
 *  request is a send() spec, or {raw: bytes} for what fetch() will not send; code is
 *  the JSON error's (HTML pages carry their message in a role="alert" paragraph). */
function table(w) {
  const c = w.cycle;
  const orderUrl = `/api/v1/cycles/${c}/order`;
  const put = (body) => ({ method: 'PUT', url: orderUrl, json: body });
  const putText = (text) => ({ method: 'PUT', url: orderUrl, ...json(text) });
  const raw = (head, body = '') => ({ raw: Buffer.concat([Buffer.from(`${head}\r\nHost: km0.test\r\nConnection: close\r\n\r\n`, 'latin1'), Buffer.from(body, 'latin1')]) });
  return [
    // sizes
    // (the server answers 413 as soon as Content-Length says too much, so these send
    // the head alone; a body streamed without a length is measured as it comes)
    ['Content-Length over max_body_bytes', 'cA', raw(`PUT ${orderUrl} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 1100000`), 413, 'body_too_large'],
    ['Content-Length past 2^64', 'cA', raw(`PUT ${orderUrl} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999`), 413],
    ['a chunked body over max_body_bytes', 'anon', raw('POST /api/v1/session HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked',
      `${(300000).toString(16)}\r\n${'x'.repeat(300000)}\r\n`.repeat(4) + '0\r\n\r\n'), 413, 'body_too_large'],
    ['a catalog over catalog_max_bytes', 'pX', raw(`PUT /api/v1/producers/${X}/catalog HTTP/1.1\r\nContent-Type: text/csv\r\nContent-Length: ${10 * 1024 * 1024 + 1}`), 413, 'body_too_large'],
    // a visitor not logged in is held to anonymous_max_body_bytes (16 kB), declared or streamed
    ['a visitor’s 20 kB body', 'anon', raw('POST /api/v1/accounts HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 20000'), 413, 'body_too_large'],
    ['a visitor’s 40 kB body streamed', 'anon', raw('POST /api/v1/session HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked',
      `${(10000).toString(16)}\r\n${'x'.repeat(10000)}\r\n`.repeat(4) + '0\r\n\r\n'), 413, 'body_too_large'],
    // two lengths: a proxy in front may have framed the request by the other one
    ['two Content-Length headers', 'anon', raw('POST /api/v1/session HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40', '{}'), 400, 'bad_request'],
    ['a 70 kB header', 'anon', raw(`GET /healthz HTTP/1.1\r\nX-Big: ${'a'.repeat(70000)}`), 431],
    ['a 70 kB address', 'anon', raw(`GET /${'a'.repeat(70000)} HTTP/1.1`), 414],
    ['a 10 kB name', 'cA', { method: 'POST', url: '/api/v1/accounts', json: { email: 'long@example.org', password: 'a long password', name: 'n'.repeat(10000) } }, 422, 'too_long'],
    ['2000 lines in an order', 'cA', put(order({ lines: Array.from({ length: 2000 }, (_, i) => line({ sku: `S${i}` })) })), 422, 'too_many_lines'],
    ['JSON nested 5000 deep', 'cA', putText('['.repeat(5000) + ']'.repeat(5000)), 400, 'bad_json'],
    // encodings
    ['invalid UTF-8 bytes in a JSON body', 'cA', { method: 'PUT', url: orderUrl, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), headers: { 'content-type': 'application/json' } }, 400, 'bad_encoding'],
    ['a NUL byte in a JSON body', 'cA', { method: 'PUT', url: orderUrl, body: Buffer.from('{"pickup_point": "a\0b"}'), headers: { 'content-type': 'application/json' } }, 400, 'bad_encoding'],
    ['a \\u0000 escape in a JSON string', 'cA', putText('{"pickup_point": "crest-halle\\u0000<script>", "lines": []}'), 400, 'bad_encoding'],
    ['a control character in a JSON string', 'cA', { method: 'POST', url: '/api/v1/accounts', json: { email: 'ctl@example.org', password: 'a long password', name: 'bell\u0007' } }, 422, 'invalid_text'],
    ['invalid UTF-8 in a form', 'cA', { method: 'POST', url: '/order', body: `cycle=${c}&pickup=%ff%fe`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 400],
    ['a NUL in a form value', 'coord', { method: 'POST', url: '/desk/cycles', form: { name: 'a\0b', opens: 'x', closes: 'y', delivery: 'z' } }, 400],
    ['a NUL in the path', 'anon', raw('GET /healthz%00.php HTTP/1.1'), 404],
    ['a NUL in a path segment', 'coord', { method: 'GET', url: `/desk/producers/${X}%00x` }, 404],
    ['invalid UTF-8 in a path segment', 'coord', { method: 'GET', url: '/desk/producers/%ff' }, 400, 'bad_encoding'],
    ['invalid UTF-8 in a catalog slug', 'coord', { method: 'GET', url: '/api/v1/producers/%c3%28/catalog' }, 400, 'bad_encoding'],
    ['invalid UTF-8 in a query value', 'coord', { method: 'GET', url: `/api/v1/cycles/${c}/reports/delivery?pickup=%ff` }, 400, 'bad_encoding'],
    // numbers
    ['a quantity of 1e308', 'cA', put(order({ lines: [line({ quantity: 1e308 })] })), 422, 'invalid_quantity'],
    ['a quantity of 10^25 as text', 'cA', put(order({ lines: [line({ quantity: '10000000000000000000000000' })] })), 422, 'invalid_quantity'],
    ['a quantity past the per-line cap', 'cA', put(order({ lines: [line({ quantity: '9999999999' })] })), 422],
    ['a negative quantity', 'cA', put(order({ lines: [line({ quantity: '-1' })] })), 422],
    ['a negative quantity as a number', 'cA', put(order({ lines: [line({ quantity: -0.5 })] })), 422],
    ['a negative quantity in the form', 'cA', { method: 'POST', url: '/order', form: { cycle: c, pickup: PICKUP, [`q${w.offer}`]: '-3' } }, 422],
    ['a quantity of NaN text', 'cA', put(order({ lines: [line({ quantity: 'NaN' })] })), 422, 'invalid_quantity'],
    ['weeks = 10^20', 'coord', { method: 'POST', url: '/api/v1/cycles', json: { from_template: true, weeks: 1e20 } }, 422, 'invalid_field'],
    ['a cycle id past int64', 'cA', { method: 'GET', url: '/api/v1/cycles/99999999999999999999999' }, 404],
    ['a negative cycle id', 'cA', { method: 'GET', url: '/api/v1/cycles/-1' }, 404],
    ['a round id that is not a number', 'coord', { method: 'GET', url: `/api/v1/cycles/${c}/reports/route?round=1e9999` }, 400],
    // injection strings where km0 looks things up (never stored)
    ['SQL in a pickup point', 'cA', put(order({ pickup_point: SQLI })), 422, 'unknown_pickup_point'],
    ['SQL in a sku', 'cA', put(order({ lines: [line({ sku: SQLI })] })), 422],
    ['SQL in a producer slug', 'cA', put(order({ lines: [line({ producer: SQLI })] })), 422],
    ['SQL in a catalog path', 'coord', { method: 'GET', url: `/api/v1/producers/${encodeURIComponent(SQLI)}/catalog` }, 404],
    ['SQL in a login', 'anon', { method: 'POST', url: '/api/v1/session', json: { email: `a@b.c' OR 1=1 --`, password: SQLI } }, 401],
    ['SQL in a report filter', 'coord', { method: 'GET', url: `/api/v1/cycles/${c}/reports/delivery?format=xml&pickup=${encodeURIComponent(SQLI)}` }, 409],
    // traversal and odd paths
    ['/static/../ raw', 'anon', raw('GET /static/../../etc/passwd HTTP/1.1'), 404],
    ['/static/%2e%2e/ encoded', 'anon', raw('GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1'), 404],
    ['/static/..%2f encoded slash', 'anon', raw('GET /static/..%2f..%2fetc%2fpasswd HTTP/1.1'), 404],
    ['double-encoded ..', 'anon', raw('GET /static/%252e%252e/km0.css HTTP/1.1'), 404],
    ['backslashes', 'anon', raw('GET /static\\..\\km0.css HTTP/1.1'), 404],
    ['an absolute URL to another host', 'anon', raw('GET http://evil.example/etc/passwd HTTP/1.1'), 404],
    ['an open redirect in next', 'anon', { method: 'POST', url: '/login', form: { email: 'x@example.org', password: 'wrong password', next: '//evil.example' } }, 401],
    // content types
    ['a JSON route sent a form', 'cA', { method: 'PUT', url: orderUrl, body: 'pickup_point=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
    ['a JSON route sent no content type', 'coord', { method: 'PATCH', url: `/api/v1/cycles/${c}`, body: '{"state":"closed"}', headers: { 'content-type': '' } }, 415],
    ['a form sent JSON', 'coord', { method: 'POST', url: '/desk/cycles/generate', json: { weeks: 1 } }, 415],
    ['multipart without a boundary', 'pX', { method: 'POST', url: '/producer/catalog', body: 'x', headers: { 'content-type': 'multipart/form-data' } }, 400],
    ['multipart cut short', 'pX', { method: 'POST', url: '/producer/catalog', body: '--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nx', headers: { 'content-type': 'multipart/form-data; boundary=b' } }, 400],
    ['a JSON array body', 'cA', putText('[]'), 400, 'bad_json'],
    ['JSON cut short', 'cA', putText('{"pickup_point": "crest'), 400, 'bad_json'],
    ['an empty JSON body', 'cA', putText(''), 400, 'empty_body'],
    // duplicates
    ['a duplicate JSON key', 'cA', putText(`{"pickup_point": "${PICKUP}", "pickup_point": "die-mjc", "lines": []}`), 400, 'duplicate_key'],
    ['a duplicate key inside a line', 'cA', putText(`{"pickup_point": "${PICKUP}", "lines": [{"producer": "${X}", "sku": "CAR", "quantity": "1", "quantity": "90"}]}`), 400, 'duplicate_key'],
    ['a repeated form field', 'coord', { method: 'POST', url: `/desk/producers/${X}/active`, form: [['active', '1'], ['active', '0']] }, 400],
    ['a repeated query parameter', 'coord', { method: 'GET', url: `/api/v1/cycles/${c}/reports/collection?format=xml&format=pdf` }, 400, 'duplicate_parameter'],
    // answered at once, not left silent until the connection times out
    ['1000 query parameters', 'anon', raw(`GET /api/v1/cycles?${Array.from({ length: 1000 }, (_, i) => `p${i}=1`).join('&')} HTTP/1.1`), 400, 'too_many_parameters'],
    // ids in paths are canonical decimal: one resource, one address
    ['a cycle id with a plus sign', 'anon', { method: 'GET', url: `/api/v1/cycles/+${c}` }, 404, 'not_found'],
    ['a cycle id with a leading zero', 'anon', { method: 'GET', url: `/api/v1/cycles/0${c}` }, 404, 'not_found'],
    ['a cycle id with a leading space', 'anon', { method: 'GET', url: `/api/v1/cycles/%20${c}` }, 404, 'not_found'],
    ['an order page with a leading zero', 'cA', { method: 'GET', url: `/orders/0${c}` }, 404],
    ['65 query parameters', 'anon', { method: 'GET', url: '/api/v1/cycles?' + Array.from({ length: 65 }, (_, i) => `p${i}=1`).join('&') }, 400, 'too_many_parameters'],
    // methods
    ['an unknown method', 'anon', raw('BREW /healthz HTTP/1.1'), 405],
    ['TRACE', 'anon', raw('TRACE / HTTP/1.1'), 405],
    ['a Content-Length that is not a number', 'anon', raw('POST /api/v1/session HTTP/1.1\r\nContent-Length: abc'), 400],
  ];
}

describe('hostile requests', () => {
  let w;
  before(async () => { w = await buildWorld('hostile'); });
  after(async () => { await w.srv.stop(); w.db.drop(); });

  it('answers each with its 4xx and a clear message, never a 5xx, and writes nothing', async () => {
    const rows = table(w);
    const wrong = [];
    const before = snapshot(w.db);
    for (const [what, role, spec, status, code] of rows) {
      let r;
      if (spec.raw) {
        const res = await rawRequest(w.srv.port, spec.raw);
        let body;
        try { body = JSON.parse(res.body); } catch { body = undefined; }
        r = { status: res.status, json: body, text: res.body };
      } else {
        r = await send(await w.client(role), spec);
      }
      if (r.status >= 500 || r.status === 0) wrong.push(`${what}: ${r.status || 'no answer'} (5xx or none)`);
      else if (r.status !== status) wrong.push(`${what}: ${r.status}, expected ${status} — ${r.text.slice(0, 120)}`);
      // the machine code: in the JSON error, or on an HTML error page's message (data-code)
      const got = r.json?.error?.code ?? (/role="alert" data-code="([^"]*)"/.exec(r.text) || [])[1];
      if (code && got !== code) wrong.push(`${what}: code ${got}, expected ${code}`);
      // a message a person can act on: in JSON, a sentence; on a page, a paragraph
      const message = r.json?.error?.message ?? (/role="alert"[^>]*>([^<]+)/.exec(r.text) || /<title>([^<]+)<\/title>/.exec(r.text) || [])[1];
      if (!message || message.length < 10) wrong.push(`${what}: no clear message (${r.text.slice(0, 80)})`);
    }
    assert.deepEqual(wrong, [], `\n${wrong.join('\n')}`);
    assert.deepEqual(snapshot(w.db), before, 'a hostile request wrote something');
    assert.equal((await w.srv.client().get('/healthz')).status, 200, 'still serving');
  });

  it('never answers a 5xx to a header it does not understand', async () => {
    const odd = ['X-A: a\0b', 'Bad Header: x', 'Cookie: km0_session=' + 'A'.repeat(4000), 'Cookie: km0_session=../../x; km0_lang=\xff',
      'Accept-Language: ' + 'en;q=0.1,'.repeat(500), 'Host: ' + 'h'.repeat(300), 'X-Request-Id: ' + 'r'.repeat(200), 'Host: [::1]:80',
      'Sec-Fetch-Site: ' + '\xff'.repeat(10), 'Content-Type: application/json; charset=' + 'x'.repeat(1000)];
    for (const h of odd) {
      const res = await rawRequest(w.srv.port, Buffer.from(`GET /api/v1/cycles HTTP/1.1\r\nHost: km0.test\r\n${h}\r\nConnection: close\r\n\r\n`, 'latin1'));
      assert.ok(res.status > 0 && res.status < 500, `${h.slice(0, 40)}: ${res.status}`);
    }
  });
});

// A string with everything that breaks SQL, HTML, attributes and JSON.
const PAYLOAD = `<script>alert('km0')</script>"'><img src=x onerror=alert(1)>${SQLI} & é 🥕`;
const RAW = ['<script>alert', '<img src=x'];
const escapedIn = (html) => RAW.every((s) => !html.includes(s)) && /&lt;script&gt;alert\((&#39;|&#x27;|')km0/.test(html);

describe('injection strings in every stored text field', () => {
  let w, coord;
  before(async () => { w = await buildWorld('inject'); coord = await w.client('coord'); });
  after(async () => { await w.srv.stop(); w.db.drop(); });

  it('stores them verbatim and shows them escaped: accounts (API and form)', async () => {
    const api = w.srv.client();
    let r = await api.post('/api/v1/accounts', { email: 'inject-api@example.org', password: 'a long password', name: PAYLOAD,
      legal_name: PAYLOAD, siret: '73282932000074', address: PAYLOAD });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(w.db.sql("SELECT name, legal_name, address FROM customers WHERE email = 'inject-api@example.org'"), [[PAYLOAD, PAYLOAD, PAYLOAD]]);
    assert.equal(w.db.one("SELECT name FROM users WHERE email = 'inject-api@example.org'"), PAYLOAD);
    assert.equal((await api.get('/api/v1/session')).json.user.name, PAYLOAD, 'JSON carries it as data');
    const v = await w.client('anon');
    r = await send(v, { method: 'POST', url: '/signup', form: { email: 'inject-form@example.org', password: 'a long password', name: PAYLOAD, address: PAYLOAD } });
    assert.equal(r.status, 303, r.text);
    assert.equal(w.db.one("SELECT name FROM customers WHERE email = 'inject-form@example.org'"), PAYLOAD);
    // a refused form comes back with what was typed, escaped
    r = await send(await w.client('anon'), { method: 'POST', url: '/signup', form: { email: 'bad', password: 'a long password', name: PAYLOAD } });
    assert.equal(r.status, 422);
    assert.ok(escapedIn(r.text), 'the sign-up form echoes the name escaped');
    r = await send(await w.client('anon'), { method: 'POST', url: '/login', form: { email: PAYLOAD, password: 'wrong password' } });
    assert.ok(r.status === 401 || r.status === 422, String(r.status));
    assert.ok(escapedIn(r.text), 'the login form echoes the email escaped');
  });

  it('stores them verbatim and shows them escaped: cycles, producers, pickup points (desk and API)', async () => {
    const t = (i) => w.db.one(`SELECT to_char(now() + interval '${i}', 'YYYY-MM-DD"T"HH24:MI')`);
    let r = await coord.post('/api/v1/cycles', { name: PAYLOAD.slice(0, 90), opens: t('1 day'), closes: t('2 days'), delivery: w.db.one('SELECT current_date + 4') });
    assert.equal(r.status, 201, r.text);
    assert.equal(w.db.one(`SELECT name FROM cycles WHERE id = ${r.json.cycle.id}`), PAYLOAD.slice(0, 90));
    r = await send(coord, { method: 'POST', url: '/desk/cycles', form: { name: PAYLOAD.slice(0, 90), opens: t('1 day'), closes: t('2 days'), delivery: w.db.one('SELECT current_date + 4') } });
    assert.equal(r.status, 303, r.text);
    r = await send(coord, { method: 'POST', url: `/desk/producers/${X}`, form: { name: PAYLOAD, email: 'x@example.org', address: PAYLOAD, town: PAYLOAD.slice(0, 90) } });
    assert.equal(r.status, 303, r.text);
    assert.deepEqual(w.db.sql(`SELECT name, address FROM producers WHERE slug = '${X}'`), [[PAYLOAD, PAYLOAD]]);
    r = await send(coord, { method: 'POST', url: `/desk/pickup-points/${PICKUP}`, form: { name: PAYLOAD, address: PAYLOAD, opening: 'jeudi 17:00-19:00', capacity: '' } });
    assert.equal(r.status, 303, r.text);
    assert.deepEqual(w.db.sql(`SELECT name, address FROM pickup_points WHERE slug = '${PICKUP}'`), [[PAYLOAD, PAYLOAD]]);
    for (const url of ['/desk', `/desk/producers`, `/desk/producers/${X}`, '/desk/pickup-points', `/desk/pickup-points/${PICKUP}`, `/desk/cycles/${w.cycle}`]) {
      r = await coord.get(url);
      assert.equal(r.status, 200, url);
      assert.ok(escapedIn(r.text), `${url} shows a stored string unescaped (or not at all)`);
    }
  });

  it('stores them verbatim and shows them escaped: catalogs, the shop and orders', async () => {
    const producer = await w.client('pX');
    const csv = `sku,name,category,unit,price_excl_vat,vat_rate,description\nINJ,"${PAYLOAD.replace(/"/g, '""')}","${PAYLOAD.replace(/"/g, '""').slice(0, 60)}",kg,2.00,5.5,"${PAYLOAD.replace(/"/g, '""')}"\n`;
    let r = await producer.req('PUT', `/api/v1/producers/${X}/catalog`, { body: csv, headers: { 'content-type': 'text/csv' } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(w.db.sql(`SELECT name, description FROM products WHERE sku = 'INJ'`), [[PAYLOAD, PAYLOAD]]);
    r = await producer.get('/producer');
    assert.ok(escapedIn(r.text), 'the producer page');
    // a new cycle freezes it into an offer; the shop and the order pages show it
    const t = (i) => w.db.one(`SELECT to_char(now() + interval '${i}', 'YYYY-MM-DD"T"HH24:MI')`);
    const made = await coord.post('/api/v1/cycles', { name: PAYLOAD.slice(0, 90), opens: t('1 hour'), closes: t('2 days'), delivery: w.db.one('SELECT current_date + 4') });
    assert.equal((await coord.patch(`/api/v1/cycles/${made.json.cycle.id}`, { state: 'open' })).status, 200);
    const buyer = sessionClient(w.srv, w.acc.cB);
    r = await buyer.put(`/api/v1/cycles/${made.json.cycle.id}/order`, { pickup_point: PICKUP, lines: [{ producer: X, sku: 'INJ', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order.lines[0].name, PAYLOAD);
    for (const url of ['/', '/orders', `/orders/${made.json.cycle.id}`]) {
      r = await buyer.get(url);
      assert.equal(r.status, 200, url);
      assert.ok(escapedIn(r.text), `${url} shows a stored string unescaped (or not at all)`);
    }
  });
});
