// The relay as a real one is set up (issue 18): a private Postfix that takes mail only
// over STARTTLS and only from an authenticated client (SASL PLAIN/LOGIN against its
// own sasldb), with a certificate of its own. km0 mail run sends through it with
// smtp_tls = required, smtp_user / smtp_password and smtp_ca_file; Postfix records
// the session as "ESMTPSA" (S: TLS, A: authenticated) in its Received header.
// A wrong password is the relay's refusal, not the message's: the message waits and
// leaves once the password is right. A certificate km0 cannot check is refused the
// same way: nothing goes out in clear or to an unchecked relay.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, chownSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { freshDb, tmpDir, km0 } from '../lib/harness.mjs';
import { startPostfix, postfixUnavailable } from '../lib/postfix.mjs';
import { writeConf } from '../lib/scale.mjs';

const unavailable = postfixUnavailable();
const USER = 'relayuser';
const PASSWORD = 'relay password 7Qx';

function idOf(flag, name) {
  return Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
}

describe('STARTTLS and AUTH to the relay', { skip: unavailable || false, timeout: 180000 }, () => {
  let db, mta, dir, tls, sasl;
  before(async () => {
    dir = tmpDir('km0-mailtls');
    tls = path.join(dir, 'tls');
    sasl = path.join(dir, 'sasl');
    mkdirSync(tls);
    mkdirSync(sasl);
    chmodSync(dir, 0o755); // Postfix's smtpd (the postfix user) reads sasl/sasldb2
    chmodSync(sasl, 0o755);
    // the relay's certificate, for the address km0 connects to
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', path.join(tls, 'key.pem'), '-out', path.join(tls, 'cert.pem')], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    // the relay's one account, in a sasldb that only this Postfix reads
    const db2 = path.join(sasl, 'sasldb2');
    const p = spawnSync('saslpasswd2', ['-f', db2, '-c', '-p', '-u', 'km0.test', USER], { input: PASSWORD, encoding: 'utf8', timeout: 30000 });
    assert.equal(p.status, 0, p.stderr);
    chownSync(db2, idOf('-u', 'postfix'), idOf('-g', 'postfix'));
    mta = await startPostfix({
      etcFiles: { 'sasl/smtpd.conf': `pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: ${db2}\nmech_list: PLAIN LOGIN\n` },
      smtpdExtra: `
smtpd_tls_cert_file = ${tls}/cert.pem
smtpd_tls_key_file = ${tls}/key.pem
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = km0.test
smtpd_client_restrictions = permit_sasl_authenticated, reject
`,
    });
    db = freshDb('mailtls');
  });
  after(() => { mta?.destroy(); db?.drop(); });

  const conf = (name, extra) => writeConf(dir, name, `
    smtp_url = ${mta.url}
    smtp_tls = required
    smtp_user = ${USER}
    mail_from = hub@km0.test
    mail_retry_base_s = 1
    mail_retry_max_s = 1
    ${extra}`);
  const queue = (to) => db.one(`INSERT INTO outbox (hub_id, kind, to_address, lang, subject, body_text, body_html)
    SELECT id, 'notice', '${to}', 'fr', 'Par TLS', 'Bonjour,' || chr(10) || chr(10) || 'chiffré', '<p>chiffré</p>'
      FROM hubs RETURNING id`);
  const row = (id) => db.sql(`SELECT state, attempts, coalesce(last_error, '') FROM outbox WHERE id = ${id}`)[0];
  const sendOnce = (c) => {
    const r = km0(['--config', c, 'mail', 'run', '--once'], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, new RegExp(PASSWORD), 'the password is never logged');
    return r;
  };
  const makeDue = (id) => db.sql(`UPDATE outbox SET next_attempt_at = now() WHERE id = ${id}`);

  it('sends over STARTTLS with AUTH, the relay’s own certificate checked', async () => {
    const good = conf('good.conf', `smtp_password = ${PASSWORD}\n    smtp_ca_file = ${tls}/cert.pem`);
    const id = queue('tls@example.org');
    sendOnce(good);
    assert.equal(row(id)[0], 'sent', row(id).join(' ') + mta.maillog().slice(-3000));
    const [m] = await mta.waitFor((ms) => ms.some((x) => x.to === 'tls@example.org'), 30000);
    const received = m.rawHeaders.filter(([n]) => n === 'received').map(([, v]) => v).join('\n');
    assert.match(received, /with ESMTPSA/, `encrypted and authenticated:\n${received}`);
    assert.match(m.text, /chiffré/);
  });

  it('keeps a message waiting when the relay refuses the login, and sends it once it is right', async () => {
    const wrong = conf('wrong.conf', `smtp_password = not the password\n    smtp_ca_file = ${tls}/cert.pem`);
    const id = queue('login@example.org');
    sendOnce(wrong);
    const [state, , error] = row(id);
    assert.notEqual(state, 'sent');
    assert.notEqual(state, 'failed', 'a refused login is not the message’s fault');
    assert.match(error, /smtp/);
    makeDue(id);
    sendOnce(conf('good2.conf', `smtp_password = ${PASSWORD}\n    smtp_ca_file = ${tls}/cert.pem`));
    assert.equal(row(id)[0], 'sent');
    await mta.waitFor((ms) => ms.filter((x) => x.to === 'login@example.org').length === 1, 30000);
  });

  it('sends nothing to a relay whose certificate it cannot check', async () => {
    const id = queue('unchecked@example.org');
    sendOnce(conf('nocafile.conf', `smtp_password = ${PASSWORD}`));
    const [state, , error] = row(id);
    assert.equal(state, 'waiting', error);
    assert.match(error, /certificate|SSL/i);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(mta.messages().filter((x) => x.to === 'unchecked@example.org').length, 0);
  });
});
