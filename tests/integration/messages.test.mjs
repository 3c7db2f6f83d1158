// Messages (issue 18): each message km0 sends arrives, through a real Postfix, in a
// Maildir, to the right recipient, in their language, with the right content — the
// address check at sign-up, the password reset and change, the order confirmed,
// changed and cancelled, "the shop is open" and "closes soon" with a one-click
// unsubscribe (RFC 8058), each producer's summary with the collection sheet, the
// invoices with their Factur-X, a payment reminder, a coordinator's message, what
// changed at weigh-in; the payment instructions of a transfer (IBAN, reference, amount,
// the EPC QR code attached and decoded); a producer's invitation (desk and API); a permanent refusal
// (5xx) shown on the desk and sent again; bad input refused with nothing sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  freshDb, startServer, km0, addUser, insertProducts, openCycle, tmpDir,
} from '../lib/harness.mjs';
import { startPostfix, postfixUnavailable } from '../lib/postfix.mjs';
import { writeConf } from '../lib/scale.mjs';
import { makeIban, grouped, rf } from '../lib/payments.mjs';
import { spawnSync } from 'node:child_process';

const PASSWORD = 'correct horse battery';
const FTC = 'ferme-trois-chenes';
const PICKUP = 'crest-halle';
const unavailable = postfixUnavailable();

/** The path and query of the first link of text whose path starts with prefix. */
function linkIn(text, prefix) {
  const m = new RegExp(`https?://[^/\\s]+(${prefix.replace(/[/?]/g, '\\$&')}[^\\s"<]*)`).exec(text);
  assert.ok(m, `a link to ${prefix} in:\n${text}`);
  return m[1];
}

describe('messages through a real MTA', { skip: unavailable || false }, () => {
  let db, srv, mta, conf, dir, coord, cycle;
  const to = (addr) => (ms) => ms.filter((m) => m.to === addr);
  const waitOne = async (addr, re, what) => {
    const ms = await mta.waitFor((all) => to(addr)(all).some((m) => re.test(m.subject)), 60000, what || `${re} to ${addr}`);
    return to(addr)(ms).filter((m) => re.test(m.subject)).at(-1);
  };

  before(async () => {
    mta = await startPostfix();
    db = freshDb('messages');
    dir = tmpDir('km0-messages');
    conf = writeConf(dir, 'serve.conf', `
      smtp_url = ${mta.url}
      smtp_tls = none
      mail_from = hub@km0.test
      public_url = https://shop.km0.test
      mail_retry_base_s = 1
      mail_retry_max_s = 2`);
    db.sql(`UPDATE producers SET email = slug || '@example.org'`);
    insertProducts(db, FTC, [
      { sku: 'CAR', name: 'Carottes', price: '2.37', vat: '5.5', stock: '100', step: '0.5' },
      { sku: 'POM', name: 'Pommes', price: '3.10', vat: '5.5', stock: '100', step: '1' },
    ]);
    addUser(db, { email: 'coord@example.org', role: 'coordinator', name: 'Coordinatrice' });
    srv = await startServer(db, { config: conf });
    coord = srv.client();
    await coord.login('coord@example.org', PASSWORD);
    cycle = openCycle(db, { closesIn: '3 days' });
  });
  after(async () => { await srv?.stop(); mta?.destroy(); db?.drop(); });

  it('asks a new account to confirm its address, in its language, before a first order', async () => {
    const c = srv.client();
    const email = 'anne@example.org';
    let r = await c.req('POST', '/api/v1/accounts', {
      json: { email, password: PASSWORD, name: 'Anne Ünal' }, headers: { 'accept-language': 'en' },
    });
    assert.equal(r.status, 201, r.text);
    c.csrf = r.json.user.csrf_token;
    const order = { pickup_point: PICKUP, lines: [{ producer: FTC, sku: 'CAR', quantity: '1.5' }] };
    r = await c.put(`/api/v1/cycles/${cycle}/order`, order);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.code, 'email_not_verified');

    const m = await waitOne(email, /Confirm your email address/);
    assert.equal(m.lang, 'en');
    assert.equal(m.toHeader, 'Anne Ünal <anne@example.org>');
    assert.match(m.headers.to, /=\?UTF-8\?B\?/, 'a name that is not ASCII is an encoded word');
    assert.match(m.text, /^Hello Anne Ünal,/);
    assert.match(m.html, /<html lang="en">/);
    assert.doesNotMatch(m.html, /<img|<script|src=/i, 'no remote image, no script');
    assert.equal(m.headers['list-unsubscribe'], undefined, 'a message about the account is not optional');
    const link = linkIn(m.text, '/verify?t=');
    const token = new URL(link, srv.base).searchParams.get('t');
    // stored hashed only: neither the outbox nor the tokens table holds the token
    assert.equal(db.one(`SELECT count(*) FROM outbox WHERE body_text LIKE '%${token}%'`), '0');
    assert.equal(db.one(`SELECT count(*) FROM account_tokens WHERE token_sha256 = '\\x${createHash('sha256').update(token).digest('hex')}'`), '1');

    // the link opens a page with a button; opening it changes nothing
    const page = await c.get(link);
    assert.equal(page.status, 200);
    assert.equal(db.one(`SELECT email_verified_at IS NULL FROM users WHERE email = '${email}'`), 't');
    r = await c.post('/api/v1/account/verify', { token });
    assert.equal(r.status, 200, r.text);
    r = await c.post('/api/v1/account/verify', { token });
    assert.equal(r.status, 422, 'a token serves once');

    r = await c.put(`/api/v1/cycles/${cycle}/order`, order);
    assert.equal(r.status, 200, r.text);
    const total = r.json.order.total_incl_vat_cents;
    const confirmed = await waitOne(email, /Order confirmed/);
    assert.match(confirmed.text, /1\.5 kg Carottes \(Ferme des Trois Chênes\)/);
    assert.ok(confirmed.text.includes(`Total incl. VAT: €${(total / 100).toFixed(2)}`), confirmed.text);
    assert.ok(confirmed.text.includes(`/orders/${cycle}`));
    // payment instructions: the amount, on the invoices, due on receipt (payment days 0)
    assert.ok(confirmed.text.includes(`Payment: €${(total / 100).toFixed(2)}, on your invoices, made after the pickup and due on receipt.`), confirmed.text);

    r = await c.put(`/api/v1/cycles/${cycle}/order`, { ...order, lines: [...order.lines, { producer: FTC, sku: 'POM', quantity: '2' }] });
    assert.equal(r.status, 200, r.text);
    const changed = await waitOne(email, /Order changed/);
    assert.match(changed.text, /2 kg Pommes/);
    assert.ok(changed.text.includes(`€${(r.json.order.total_incl_vat_cents / 100).toFixed(2)}`));

    r = await c.del(`/api/v1/cycles/${cycle}/order`);
    assert.equal(r.status, 204, r.text);
    const cancelled = await waitOne(email, /Order cancelled/);
    assert.match(cancelled.text, /cancelled: you will be charged nothing/);
  });

  it('writes in French to a French account, and every message has its own stable Message-ID', async () => {
    const c = srv.client();
    const r = await c.post('/api/v1/accounts', { email: 'bruno@example.org', password: PASSWORD, name: 'Bruno' });
    assert.equal(r.status, 201, r.text);
    const m = await waitOne('bruno@example.org', /Confirmez votre adresse e-mail/);
    assert.equal(m.lang, 'fr');
    assert.match(m.text, /^Bonjour Bruno,/);
    assert.match(m.messageId, /^<km0\.[a-z0-9-]+\.\d+\.\d+@km0\.test>$/);
    const ids = mta.messages().map((x) => x.messageId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('resets a password by a single-use link, answering the same whether the address exists', async () => {
    const email = 'carla@example.org';
    addUser(db, { email, role: 'consumer', name: 'Carla' });
    const other = srv.client();
    await other.login(email, PASSWORD); // a session that the reset must end
    const c = srv.client();
    const known = await c.post('/api/v1/password/forgot', { email });
    const unknown = await c.post('/api/v1/password/forgot', { email: 'nobody-here@example.org' });
    assert.equal(known.status, 202);
    assert.deepEqual([unknown.status, unknown.text], [known.status, known.text]);
    const m = await waitOne(email, /Changer votre mot de passe/);
    const token = new URL(linkIn(m.text, '/password/reset?t='), srv.base).searchParams.get('t');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(mta.messages().filter((x) => x.to === 'nobody-here@example.org').length, 0);

    let r = await c.post('/api/v1/password/reset', { token: 'A'.repeat(43), password: 'another long password' });
    assert.equal(r.status, 422, 'a guessed token');
    r = await c.post('/api/v1/password/reset', { token, password: 'short' });
    assert.equal(r.status, 422);
    r = await c.post('/api/v1/password/reset', { token, password: 'another long password' });
    assert.equal(r.status, 200, r.text);
    r = await c.post('/api/v1/password/reset', { token, password: 'yet another password' });
    assert.equal(r.status, 422, 'used once');
    assert.equal((await other.get('/api/v1/session')).status, 401, 'the other sessions ended');
    assert.equal((await srv.client().post('/api/v1/session', { email, password: PASSWORD })).status, 401);
    await srv.client().login(email, 'another long password');
    await waitOne(email, /Votre mot de passe a changé/);

    // an expired link: asked again, aged past its hour
    assert.equal((await c.post('/api/v1/password/forgot', { email })).status, 202);
    const m2 = await mta.waitFor((all) => to(email)(all).filter((x) => /Changer votre mot de passe/.test(x.subject)).length === 2);
    const t2 = new URL(linkIn(to(email)(m2).filter((x) => /Changer/.test(x.subject)).at(-1).text, '/password/reset?t='), srv.base).searchParams.get('t');
    assert.notEqual(t2, token);
    db.sql(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL AND purpose = 'reset'`);
    r = await c.post('/api/v1/password/reset', { token: t2, password: 'a third long password' });
    assert.equal(r.status, 410, r.text);

    // an address that is not an address: refused, nothing queued
    const events = db.one('SELECT count(*) FROM mail_events');
    for (const bad of ['not an address', 'carla@example.org\r\nBcc: x@example.org', 'a@b@example.org']) {
      r = await c.post('/api/v1/password/forgot', { email: bad });
      assert.equal(r.status, 422, bad);
      assert.equal(r.json.error.code, 'invalid_email');
      r = await c.post('/api/v1/accounts', { email: bad, password: PASSWORD, name: 'X' });
      assert.equal(r.status, 422, bad);
    }
    assert.equal(db.one('SELECT count(*) FROM mail_events'), events, 'nothing queued');

    // throttled per address, known or not, with the same answer
    for (let i = 0; i < 5; i++) await c.post('/api/v1/password/forgot', { email: 'ghost@example.org' });
    r = await c.post('/api/v1/password/forgot', { email: 'ghost@example.org' });
    assert.equal(r.status, 429);
  });

  it('changes a password with the current one, ending the other sessions', async () => {
    const email = 'dora@example.org';
    addUser(db, { email, role: 'consumer', name: 'Dora' });
    const a = srv.client(), b = srv.client();
    await a.login(email, PASSWORD);
    await b.login(email, PASSWORD);
    let r = await a.put('/api/v1/account/password', { current_password: 'wrong password here', password: 'a brand new password' });
    assert.equal(r.status, 401);
    r = await a.put('/api/v1/account/password', { current_password: PASSWORD, password: 'short' });
    assert.equal(r.status, 422);
    r = await a.put('/api/v1/account/password', { current_password: PASSWORD, password: 'a brand new password' });
    assert.equal(r.status, 200, r.text);
    assert.equal((await a.get('/api/v1/session')).status, 200, 'this session goes on');
    assert.equal((await b.get('/api/v1/session')).status, 401, 'the other one ended');
    await waitOne(email, /Votre mot de passe a changé/);
  });

  it('tells those who asked that the shop is open and closes soon, with a one-click unsubscribe', async () => {
    const emails = ['eve@example.org', 'fred@example.org', 'gus@example.org'];
    const clients = [];
    for (const email of emails) {
      addUser(db, { email, role: 'consumer', name: email.split('@')[0] });
      const c = srv.client();
      await c.login(email, PASSWORD);
      clients.push(c);
    }
    // eve and fred ask for both; gus for nothing
    for (const c of clients.slice(0, 2)) {
      const r = await c.patch('/api/v1/account', { lang: 'en', messages: { shop_open: true, shop_closing: true } });
      assert.equal(r.status, 200, r.text);
    }
    db.sql(`UPDATE hub_settings SET closing_reminder_hours = 72`);
    const week = openCycle(db, { closesIn: '2 days' });
    const open = await waitOne('eve@example.org', /The shop is open/);
    await waitOne('fred@example.org', /The shop is open/);
    // fred orders; only eve is reminded (the reminder is due: 72 h before a close in 2 days)
    let r = await clients[1].put(`/api/v1/cycles/${week}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku: 'POM', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    await waitOne('fred@example.org', /Order confirmed/);
    // the reminder goes 72 h before the close, once the window is open: as if the cycle
    // had opened three days ago, it is due now
    db.sql(`UPDATE cycles SET opens_at = now() - interval '3 days' WHERE id = ${week}`);
    const closing = await waitOne('eve@example.org', /The shop closes soon/);
    assert.match(closing.text, /You have not ordered yet/);
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(mta.messages().filter((m) => m.to === 'fred@example.org' && /closes soon/.test(m.subject)).length, 0);
    assert.equal(mta.messages().filter((m) => m.to === 'gus@example.org').length, 0);

    // RFC 8058
    const header = open.headers['list-unsubscribe'];
    assert.match(header, /^<https:\/\/shop\.km0\.test\/unsubscribe\?u=\d+&k=shop_open&t=[A-Za-z0-9_-]{43}>$/);
    assert.equal(open.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    const url = new URL(header.slice(1, -1));
    const fredId = db.one(`SELECT id FROM users WHERE email = 'fred@example.org'`);
    const attack = `/unsubscribe?u=${fredId}&k=shop_open&t=${url.searchParams.get('t')}`;
    const anon = srv.client();
    const oneClick = (p) => anon.req('POST', p, { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    r = await oneClick(attack);
    assert.equal(r.status, 422, 'eve’s link does not unsubscribe fred');
    r = await oneClick(`/unsubscribe?u=${url.searchParams.get('u')}&k=shop_closing&t=${url.searchParams.get('t')}`);
    assert.equal(r.status, 422, 'nor another kind of message');
    r = await anon.get(url.pathname + url.search);
    assert.equal(r.status, 200);
    assert.equal(db.one(`SELECT msg_shop_open FROM users WHERE email = 'eve@example.org'`), 't', 'opening the link changes nothing');
    r = await oneClick(url.pathname + url.search);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(db.sql(`SELECT email, msg_shop_open, msg_shop_closing FROM users WHERE email IN ('eve@example.org', 'fred@example.org') ORDER BY email`),
      [['eve@example.org', 'f', 't'], ['fred@example.org', 't', 't']]);
  });

  it('sends each producer what to bring once the rounds are made, with the collection sheet', async () => {
    const c = srv.client();
    addUser(db, { email: 'hugo@example.org', role: 'consumer', name: 'Hugo' });
    await c.login('hugo@example.org', PASSWORD);
    let r = await coord.patch('/api/v1/hub/settings', { payment_days: 15 });
    assert.equal(r.status, 200, r.text);
    const week = openCycle(db);
    r = await c.put(`/api/v1/cycles/${week}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku: 'CAR', quantity: '2.5' }] });
    assert.equal(r.status, 200, r.text);
    // the payment days frozen on the cycle, in the confirmation (in French)
    const sum = `${(r.json.order.total_incl_vat_cents / 100).toFixed(2).replace('.', ',')}\u00a0€`;
    const confirmed = await waitOne('hugo@example.org', /Commande confirmée/);
    assert.ok(confirmed.text.includes(`Paiement : ${sum}, sur vos factures, établies après le retrait, à régler dans les 15 jours.`), confirmed.text);
    r = await coord.patch(`/api/v1/cycles/${week}`, { state: 'closed' });
    assert.equal(r.status, 200, r.text);
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(mta.messages().filter((m) => m.to === `${FTC}@example.org`).length, 0, 'waits for the rounds');
    r = await coord.post(`/api/v1/cycles/${week}/batch`);
    assert.equal(r.status, 200, r.text);
    const m = await waitOne(`${FTC}@example.org`, /À apporter/);
    assert.match(m.text, /Carottes — 2,5 kg \(1 commande\)/);
    assert.equal(m.attachments.length, 1);
    assert.equal(m.attachments[0].type, 'application/pdf');
    const pdf = path.join(dir, 'collection.pdf');
    writeFileSync(pdf, m.attachments[0].data);
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    assert.match(text, /Carottes/);

    // invoices, with their Factur-X; then a payment reminder of what is owed
    r = await coord.post(`/api/v1/cycles/${week}/invoices`);
    assert.equal(r.status, 201, r.text);
    const inv = await waitOne('hugo@example.org', /Vos factures/);
    const numbers = db.sql(`SELECT number, total_incl_vat_cents FROM invoices WHERE cycle_id = ${week} ORDER BY number`);
    assert.equal(inv.attachments.length, numbers.length);
    for (const a of inv.attachments) {
      assert.equal(a.data.subarray(0, 5).toString(), '%PDF-');
      assert.ok(a.data.includes('factur-x.xml'), 'the CII is inside');
    }
    r = await coord.post(`/api/v1/cycles/${week}/payment-reminders`);
    assert.equal(r.status, 202, r.text);
    const rem = await waitOne('hugo@example.org', /Rappel de paiement/);
    const owed = numbers.reduce((s, [, t]) => s + Number(t), 0);
    assert.ok(rem.text.includes(`${(owed / 100).toFixed(2).replace('.', ',')}\u00a0€`), rem.text);
  });

  it('delivers a coordinator’s message to a cycle’s customers, and refuses a header injection', async () => {
    const before = db.one('SELECT count(*) FROM mail_events');
    let r = await coord.post('/api/v1/messages', { cycle, subject: 'Retard\r\nBcc: victim@example.org', text: 'x' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'subject');
    r = await coord.post('/api/v1/messages', { subject: 'Sans cible', text: 'x' });
    assert.equal(r.status, 422);
    assert.equal(db.one('SELECT count(*) FROM mail_events'), before, 'nothing queued');
    const c = srv.client();
    addUser(db, { email: 'irene@example.org', role: 'consumer', name: 'Irène' });
    await c.login('irene@example.org', PASSWORD);
    r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku: 'CAR', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    r = await coord.post('/api/v1/messages', { cycle, pickup_point: PICKUP, subject: 'Livraison décalée à 18 h', text: 'Bonjour,\n\nLa livraison arrive à 18 h.' });
    assert.equal(r.status, 202, r.text);
    const m = await waitOne('irene@example.org', /Livraison décalée à 18 h/);
    assert.match(m.text, /La livraison arrive à 18 h\./);
  });

  it('tells a customer what changed at weigh-in', async () => {
    const customer = db.one(`SELECT customer_id FROM users WHERE email = 'irene@example.org'`);
    // the event as core/outbox_events.c writes it (outbox_weighin_changes)
    db.sql(`INSERT INTO mail_events (hub_id, kind, payload) SELECT id, 'weighin_changes',
      '{"cycle": ${cycle}, "customer": ${customer}, "changes": [{"name": "Carottes", "unit": "kg", "ordered_milli": 1000, "delivered_milli": 1180}, {"name": "Pommes", "unit": "kg", "ordered_milli": 2000, "delivered_milli": 0}]}'
      FROM hubs`);
    const m = await waitOne('irene@example.org', /Votre commande à la pesée/);
    assert.match(m.text, /Carottes : commandé 1 kg, livré 1,18 kg/);
    assert.match(m.text, /Pommes : commandé 2 kg, livré rien \(manquant\)/);
  });

  // issue 24: a producer's invitation leaves by e-mail, in French then English (no
  // account yet, so no language of its own), with a link of its own made as it leaves
  const sentTo = async (email) => {
    const deadline = Date.now() + 30000;
    while (db.one(`SELECT count(*) FROM outbox WHERE to_address = '${email}' AND state = 'sent'`) !== '1') {
      assert.ok(Date.now() < deadline, `the message to ${email} is marked sent`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  const tokenOf = (link) => new URL(link, 'https://x.test').searchParams.get('t');

  it('e-mails a producer’s invitation once, with a link that serves once', { timeout: 120000 }, async () => {
    const email = 'invitee@example.org';
    let r = await coord.post('/api/v1/producers/oeufs-puy/invitations', { email });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.invitation.mailed, true);
    assert.equal(r.json.invitation.email, email);
    const deskToken = tokenOf(r.json.invitation.link);
    const m = await waitOne(email, /Invitation à créer votre compte \/ Invitation to create your account/);
    assert.equal(m.lang, 'fr');
    assert.equal(m.toHeader, `Les Œufs de Puy-Saint-Martin <${email}>`);
    assert.match(m.text, /^Bonjour,/);
    assert.match(m.text, /Drôme Paysanne \(SCIC\) vous invite à gérer l’espace producteur de Les Œufs de Puy-Saint-Martin/);
    assert.match(m.text, /Hello,[\s\S]*invites you to manage the producer space of Les Œufs de Puy-Saint-Martin/);
    const link = linkIn(m.text, '/invitation?t=');
    assert.ok(m.html.includes(`https://shop.km0.test${link}`), 'the same link in the HTML part');
    const token = tokenOf(link);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(token, deskToken, 'the message carries a link of its own');
    // no usable token is stored or logged
    await sentTo(email);
    const stored = db.sql(`SELECT body_text || body_html FROM outbox WHERE to_address = '${email}'`)[0][0];
    for (const t of [token, deskToken]) {
      assert.ok(!stored.includes(t), 'no token in the outbox');
      assert.ok(!srv.logs().includes(t), 'no token in the logs');
    }
    // the link opens the invitation, serves once, and spends the one shown on the desk
    r = await srv.client().get(link);
    assert.equal(r.status, 200);
    assert.match(r.text, /Les Œufs de Puy-Saint-Martin/);
    r = await srv.client().post('/api/v1/invitations', { token, password: PASSWORD, name: 'Paul' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.producer, 'oeufs-puy');
    for (const t of [token, deskToken]) {
      r = await srv.client().post('/api/v1/invitations', { token: t, password: PASSWORD });
      assert.equal(r.status, 410);
      assert.equal(r.json.error.code, 'invitation_used');
    }
    // once: one message to that address, and no other queued
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(mta.messages().filter((x) => x.to === email).length, 1);
    assert.equal(db.one(`SELECT count(*) FROM outbox WHERE to_address = '${email}'`), '1');
  });

  it('e-mails an invitation made on the desk, whose shown link stays the fallback', { timeout: 120000 }, async () => {
    const email = 'desk-invitee@example.org';
    await coord.get(`/desk/producers/${FTC}`);
    let r = await coord.form(`/desk/producers/${FTC}/invitations`, { invite_email: email });
    assert.equal(r.status, 200, r.text.slice(0, 500));
    assert.match(r.text, /Invitation envoyée par e-mail/);
    const shown = /id="invite-link" value="([^"]+)"/.exec(r.text);
    assert.ok(shown, 'the link is shown');
    const deskToken = tokenOf(shown[1]);
    const m = await waitOne(email, /Invitation to create your account/);
    const token = tokenOf(linkIn(m.text, '/invitation?t='));
    assert.notEqual(token, deskToken);
    await sentTo(email);
    r = await srv.client().post('/api/v1/invitations', { token: deskToken, password: PASSWORD });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.producer, FTC);
    r = await srv.client().post('/api/v1/invitations', { token, password: PASSWORD });
    assert.equal(r.status, 410, 'the e-mailed link is spent with it');
    assert.equal(r.json.error.code, 'invitation_used');
  });

  it('marks a permanent refusal failed, shows it on the desk, and sends it again on request', async () => {
    const c = srv.client();
    const r = await c.post('/api/v1/accounts', { email: 'reject-me@example.org', password: PASSWORD, name: 'Refusé' });
    assert.equal(r.status, 201, r.text);
    const deadline = Date.now() + 30000;
    let row;
    while (Date.now() < deadline) {
      row = db.sql(`SELECT id, state, last_error FROM outbox WHERE to_address = 'reject-me@example.org'`)[0];
      if (row && row[1] === 'failed') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(row[1], 'failed');
    assert.match(row[2], /550/);
    const list = await coord.get('/api/v1/outbox');
    assert.equal(list.status, 200);
    assert.ok(list.json.unsent.some((m) => m.id === Number(row[0]) && m.state === 'failed'));
    const page = await coord.get('/desk/messages');
    assert.match(page.text, new RegExp(`id="message-${row[0]}"`));
    const retry = await coord.form(`/desk/messages/${row[0]}/retry`, {});
    assert.equal(retry.status, 303);
    assert.notEqual(db.one(`SELECT state FROM outbox WHERE id = ${row[0]}`), 'failed');
    const again = await coord.post(`/api/v1/outbox/${row[0]}/retry`);
    assert.ok([200, 409].includes(again.status));
  });

  it('puts the payment instructions of a transfer in the confirmation: IBAN, reference, amount and the EPC QR code', async (t) => {
    const iban = makeIban('FR', '30006000011234567890189');
    let r = await coord.patch('/api/v1/hub/settings', { payment_methods: ['transfer', 'onsite'], bank_iban: iban, bank_bic: 'AGRIFRPP882' });
    assert.equal(r.status, 200, r.text);
    const week = openCycle(db); // the methods are the cycle's, frozen when it opens
    const c = srv.client();
    addUser(db, { email: 'pay-transfer@example.org', role: 'consumer', name: 'Inès Virement' });
    await c.login('pay-transfer@example.org', PASSWORD);
    r = await c.put(`/api/v1/cycles/${week}/order`, {
      pickup_point: PICKUP, payment_method: 'transfer', lines: [{ producer: FTC, sku: 'POM', quantity: '3' }],
    });
    assert.equal(r.status, 200, r.text);
    const order = Number(db.one(`SELECT id FROM orders WHERE cycle_id = ${week}`));
    const total = r.json.order.total_incl_vat_cents;
    const sum = `${(total / 100).toFixed(2).replace('.', ',')}\u00a0€`;
    const hub = db.one('SELECT name FROM hubs');
    const m = await waitOne('pay-transfer@example.org', /Commande confirmée/);
    for (const want of ['Moyen de paiement : Virement bancaire.', `À l’ordre de : ${hub}`, `IBAN : ${grouped(iban)}`,
      'BIC : AGRIFRPP882', `Référence (à recopier) : ${grouped(rf(1, order))}`, `Montant : ${sum}`]) {
      assert.ok(m.text.includes(want), `"${want}" in:\n${m.text}`);
      assert.ok(m.html.includes(want), `"${want}" in the HTML part`);
    }
    assert.doesNotMatch(m.html, /<img|src=/i, 'the HTML part loads nothing');
    assert.equal(m.attachments.length, 1, 'the QR code attached');
    assert.equal(m.attachments[0].type, 'image/png');
    if (spawnSync('zbarimg', ['--version']).error) { t.skip('zbarimg missing (zbar-tools)'); return; }
    const png = path.join(dir, 'transfer-qr.png');
    writeFileSync(png, m.attachments[0].data);
    // -Sbinary: the bytes as encoded (UTF-8, the payload's character set "1"), not a guessed charset
    const z = spawnSync('zbarimg', ['--raw', '-q', '-Sbinary', png], { encoding: 'utf8', timeout: 30000 });
    assert.equal(z.status, 0, z.stderr);
    const lines = z.stdout.split('\n'); // binary: the payload as it is, without a newline of zbarimg's
    assert.deepEqual(lines, ['BCD', '002', '1', 'SCT', 'AGRIFRPP882', hub, iban, `EUR${(total / 100).toFixed(2)}`, '', rf(1, order), ''],
      'beneficiary, IBAN, amount, purpose (none), reference, no unstructured remittance');

    // at the pickup: the order page's sentence, no bank details, nothing attached
    const d = srv.client();
    addUser(db, { email: 'pay-onsite@example.org', role: 'consumer', name: 'Julien' });
    await d.login('pay-onsite@example.org', PASSWORD);
    r = await d.put(`/api/v1/cycles/${week}/order`, {
      pickup_point: PICKUP, payment_method: 'onsite', lines: [{ producer: FTC, sku: 'POM', quantity: '1' }],
    });
    assert.equal(r.status, 200, r.text);
    const n = await waitOne('pay-onsite@example.org', /Order confirmed|Commande confirmée/);
    assert.ok(/Payment method: At the pickup|Moyen de paiement : Sur place/.test(n.text), n.text);
    assert.ok(/To pay at the pickup: cash, cheque or card\.|À régler au retrait : espèces, chèque ou carte\./.test(n.text), n.text);
    assert.ok(!n.text.includes('IBAN'), 'no bank details for a payment at the pickup');
    assert.equal(n.attachments.length, 0);
  });

  it('shows what waits with km0 mail queue', () => {
    const r = km0(['--config', conf, 'mail', 'queue'], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^events \d+\nwaiting \d+\nsending \d+\nsent \d+\nfailed \d+\n/);
    assert.ok(Number(/sent (\d+)/.exec(r.stdout)[1]) > 10);
    assert.equal(km0(['mail', 'bogus'], { db }).status, 2);
  });
});
