// The SMTP session km0 keeps with the relay (mail/smtp.c): libcurl opens it, km0 sends
// the messages on it, MAIL FROM, RCPT TO and DATA in one write when the relay offers
// PIPELINING (RFC 2920), one at a time when it does not.
//
//  - A relay that drops an idle session (Postfix's smtpd_timeout, here 2 s, with its
//    421 left unread on the socket) costs the next message nothing: it goes at once on
//    a new session, first attempt, no pause (the retry delay is set to two minutes, so
//    a message taken for "relay down" would not arrive within the test).
//  - The same with a relay that does not offer PIPELINING (smtpd_discard_ehlo_keywords):
//    km0 then sends each command after the answer to the previous one, a path of its
//    own (a refusal stops the envelope there). Whether km0 pipelines at all is seen in
//    `strace` of a worker (docs/BENCH.md, "Messages"): Postfix accepts a client that
//    sends ahead even when it did not offer PIPELINING, so no test here can tell.
//  - A recipient refused at RCPT is failed for good with the relay's code and enhanced
//    code (never its words, which quote the address), in both modes, and the session
//    goes on: the next message leaves on it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, ROOT, freshDb, track, tmpDir } from '../lib/harness.mjs';
import { startPostfix, postfixUnavailable } from '../lib/postfix.mjs';
import { writeConf } from '../lib/scale.mjs';

const unavailable = postfixUnavailable();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const mode of ['pipelining', 'one command at a time']) {
  describe(`the SMTP session with a relay (${mode})`, { skip: unavailable || false, timeout: 180000 }, () => {
    let db, mta, conf, sender, logs = '';
    before(async () => {
      mta = await startPostfix({
        smtpdExtra: `smtpd_timeout = 2s\n${mode === 'pipelining' ? '' : 'smtpd_discard_ehlo_keywords = pipelining\n'}`,
      });
      db = freshDb(mode === 'pipelining' ? 'mailsess1' : 'mailsess2');
      conf = writeConf(tmpDir('km0-mailsession'), 'mail.conf', `
        smtp_url = ${mta.url}
        smtp_tls = none
        mail_from = hub@km0.test
        mail_retry_base_s = 120
        mail_retry_max_s = 120`);
      sender = track(spawn(BIN, ['--config', conf, 'mail', 'run', '--threads', '1'], {
        cwd: ROOT, env: { ...process.env, KM0_DATABASE_URL: db.url }, stdio: ['ignore', 'ignore', 'pipe'],
      }));
      sender.stderr.on('data', (d) => { logs += d; });
    });
    after(() => { sender?.kill('SIGTERM'); mta?.destroy(); db?.drop(); });

    const queue = (to, subject) => db.one(`INSERT INTO outbox (hub_id, kind, to_address, lang, subject, body_text, body_html)
      SELECT id, 'notice', '${to}', 'fr', '${subject}', 'Bonjour,' || chr(10) || chr(10) || '${subject}', '<p>${subject}</p>'
        FROM hubs RETURNING id`);
    const row = (id) => db.sql(`SELECT state, attempts, coalesce(last_error, '') FROM outbox WHERE id = ${id}`)[0];
    const arrives = (to, ms) => mta.waitFor((all) => all.some((m) => m.to === to), ms, `the message to ${to}`);

    it('sends a message, and the next one at once on a new session after the relay dropped the idle one', async () => {
      const first = queue('first@example.org', 'Premier');
      await arrives('first@example.org', 30000);
      assert.equal(row(first)[0], 'sent');
      await sleep(4000); // twice the relay's idle timeout: it has hung up (421)
      assert.match(mta.maillog(), /timeout after END-OF-MESSAGE|timeout after/, 'the relay dropped the idle session');
      const second = queue('second@example.org', 'Second');
      await arrives('second@example.org', 20000);
      const [state, attempts, error] = row(second);
      assert.equal(state, 'sent');
      assert.equal(Number(attempts), 1, 'first attempt: no deferral for the closed session');
      assert.equal(error, '');
      assert.doesNotMatch(logs, /event=mail\.deferred/, logs.slice(-2000));
    });

    it('fails a recipient the relay refuses with its codes only, and the session carries on', async () => {
      const refused = queue('reject-nobody@example.org', 'Refus');
      const after = queue('after@example.org', 'Ensuite');
      await arrives('after@example.org', 30000);
      const deadline = Date.now() + 10000;
      while (row(refused)[0] !== 'failed' && Date.now() < deadline) await sleep(100);
      const [state, , error] = row(refused);
      assert.equal(state, 'failed');
      assert.match(error, /^smtp 550 5\.\d\.\d+: the relay refused RCPT TO$/);
      assert.doesNotMatch(error, /reject-nobody/, 'the relay’s words (with the address) are not kept');
      assert.equal(row(after)[0], 'sent');
    });

  });
}
