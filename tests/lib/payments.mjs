// tests/lib/payments.mjs — what the payment tests need besides the harness: bank
// identifiers made and checked here (independently of km0's C code), bank statements
// written as a bank would (camt.053 .001.02 / .001.08, camt.054, a French bank's CSV in
// Windows-1252), pain.008 files read back, and the official ISO 20022 schemas.
//
// The schemas are third-party: they are read from ../shared/standards/iso20022 (or
// KM0_SHARED), never copied into km0; iso20022Missing() says why a check cannot run.

import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { SHARED, TIMEOUT } from './harness.mjs';

export const ISO20022 = path.join(SHARED, 'standards/iso20022');

export function iso20022Missing() {
  if (!existsSync(path.join(ISO20022, 'pain.008.001.02.xsd'))) {
    return `${ISO20022} not found: the ISO 20022 schemas are third-party and not part of km0 ` +
      '(they are read from ../shared/standards); the official validation cannot run';
  }
  if (spawnSync('sh', ['-c', 'command -v xmllint'], { timeout: TIMEOUT.cmd }).status !== 0) return 'xmllint missing (libxml2-utils)';
  return null;
}

/** xmllint --schema: {ok, errors}. */
export function validateXsd(file, xsd) {
  const r = spawnSync('xmllint', ['--noout', '--schema', path.join(ISO20022, xsd), file],
    { encoding: 'utf8', timeout: TIMEOUT.cmd, maxBuffer: 1 << 26 });
  return { ok: r.status === 0, errors: r.stderr };
}

// ---- ISO 7064 MOD 97-10, written out again --------------------------------------------

function mod97(s) {
  let rem = 0;
  for (const ch of s) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem;
}

/** An IBAN for country and BBAN, with its check digits. */
export function makeIban(country, bban) {
  const check = 98 - mod97(bban + country + '00');
  return country + String(check).padStart(2, '0') + bban;
}
export function ibanValid(iban) {
  const s = iban.replace(/\s/g, '').toUpperCase();
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s) && mod97(s.slice(4) + s.slice(0, 4)) === 1;
}
export const grouped = (s) => s.replace(/(.{4})/g, '$1 ').trim();

/** A SEPA creditor identifier: country, check digits, business code, national id. */
export function makeIcs(country, business, national) {
  const check = 98 - mod97(national + country + '00');
  return country + String(check).padStart(2, '0') + business + national;
}

/** km0's RF reference for an order (kind 1) or a customer's top-ups (kind 2). */
export function rf(kind, id) {
  const body = `${kind}${id}`;
  const check = 98 - mod97(body + 'RF00');
  return 'RF' + String(check).padStart(2, '0') + body;
}

// ---- statements, as a bank writes them ------------------------------------------------

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const euros = (cents) => (cents / 100).toFixed(2);

/** One <Ntry>: {amount (cents, > 0 credit, < 0 debit), booked, ref (AcctSvcrRef), name,
 *  iban, ustrd, strd (a structured reference), e2e: [ids], pmtInfId, family, amountText,
 *  ccy, status} */
function entry(e, v8) {
  const credit = e.amount > 0;
  const party = (tag, name) => (name === undefined ? '' : v8
    ? `<${tag}><Pty><Nm>${esc(name)}</Nm></Pty></${tag}>` : `<${tag}><Nm>${esc(name)}</Nm></${tag}>`);
  const txs = (e.e2e && e.e2e.length ? e.e2e : [null]).map((id, i) => `
          <TxDtls>
            <Refs>${e.pmtInfId ? `<PmtInfId>${esc(e.pmtInfId)}</PmtInfId>` : ''}${id ? `<EndToEndId>${esc(id)}</EndToEndId>` : '<EndToEndId>NOTPROVIDED</EndToEndId>'}</Refs>
            ${i === 0 ? `<RltdPties>${party(credit ? 'Dbtr' : 'Cdtr', e.name)}${e.iban ? `<${credit ? 'DbtrAcct' : 'CdtrAcct'}><Id><IBAN>${e.iban}</IBAN></Id></${credit ? 'DbtrAcct' : 'CdtrAcct'}>` : ''}</RltdPties>` : ''}
            ${i === 0 && (e.ustrd || e.strd) ? `<RmtInf>${e.ustrd ? `<Ustrd>${esc(e.ustrd)}</Ustrd>` : ''}${e.strd ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>${esc(e.strd)}</Ref></CdtrRefInf></Strd>` : ''}</RmtInf>` : ''}
          </TxDtls>`).join('');
  const status = e.status || 'BOOK';
  return `
      <Ntry>
        <Amt Ccy="${e.ccy || 'EUR'}">${e.amountText || euros(Math.abs(e.amount))}</Amt>
        <CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>
        <Sts>${v8 ? `<Cd>${status}</Cd>` : status}</Sts>
        <BookgDt><Dt>${e.booked}</Dt></BookgDt>
        <ValDt><Dt>${e.booked}</Dt></ValDt>
        ${e.ref ? `<AcctSvcrRef>${esc(e.ref)}</AcctSvcrRef>` : ''}
        <BkTxCd><Domn><Cd>${e.family === 'CHRG' ? 'ACMT' : 'PMNT'}</Cd><Fmly><Cd>${e.family || (credit ? 'RCDT' : 'ICDT')}</Cd><SubFmlyCd>${e.family === 'CHRG' ? 'CHRG' : 'ESCT'}</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>${txs}
        </NtryDtls>
      </Ntry>`;
}

/** A camt.053 statement of account (version '02' or '08') holding entries. */
export function camt053({ version = '02', account, id = 'STMT-1', entries }) {
  const v8 = version === '08';
  const sum = entries.reduce((s, e) => s + e.amount, 0);
  const bal = (cd, cents) => `
      <Bal><Tp><CdOrPrtry><Cd>${cd}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${euros(Math.abs(cents))}</Amt>
        <CdtDbtInd>${cents >= 0 ? 'CRDT' : 'DBIT'}</CdtDbtInd><Dt><Dt>${entries[0]?.booked || '2026-01-01'}</Dt></Dt></Bal>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>${esc(id)}</MsgId><CreDtTm>2026-01-01T08:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${esc(id)}</Id>
      <CreDtTm>2026-01-01T08:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>${account}</IBAN></Id><Ccy>EUR</Ccy></Acct>${bal('OPBD', 0)}${bal('CLBD', sum)}${entries.map((e) => entry(e, v8)).join('')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

/** A camt.054 debit/credit notification (version '02' or '08'). */
export function camt054({ version = '02', account, id = 'NTF-1', entries }) {
  const v8 = version === '08';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.${version}">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>${esc(id)}</MsgId><CreDtTm>2026-01-01T08:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>${esc(id)}</Id>
      <CreDtTm>2026-01-01T08:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>${account}</IBAN></Id></Acct>${entries.map((e) => entry(e, v8)).join('')}
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
`;
}

/** Windows-1252 bytes of a string (what French Excel and banks write). */
export function cp1252(s) {
  const special = { '€': 0x80, '’': 0x92, 'œ': 0x9c, 'Œ': 0x8c };
  return Buffer.from([...s].map((ch) => special[ch] ?? (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 0x3f)));
}

/** A Crédit Agricole-like CSV export: a few lines about the account (its IBAN among
 *  them), then "Date;Libellé;Débit euros;Crédit euros;", decimal commas, CP1252. rows:
 *  [{date: 'DD/MM/YYYY', label, amount (cents)}] */
export function bankCsv({ account, rows }) {
  const lines = [
    'Téléchargement du 03/05/2026;',
    `Compte courant;IBAN : ${grouped(account)};`,
    'Solde au 03/05/2026;1 234,56 €;',
    '',
    'Date;Libellé;Débit euros;Crédit euros;',
    ...rows.map((r) => {
      const v = (Math.abs(r.amount) / 100).toFixed(2).replace('.', ',');
      return `${r.date};"${r.label.replace(/"/g, '""')}";${r.amount < 0 ? v : ''};${r.amount > 0 ? v : ''};`;
    }),
  ];
  return cp1252(lines.join('\r\n') + '\r\n');
}

/** The debits of a pain.008 file: [{e2e, amountCents, seq, mandate, iban}], and its
 *  payment information ids. */
export function readPain008(xml) {
  const debits = [];
  const infos = [];
  for (const pm of xml.matchAll(/<PmtInf>([\s\S]*?)<\/PmtInf>/g)) {
    const seq = /<SeqTp>(\w+)<\/SeqTp>/.exec(pm[1])[1];
    infos.push(/<PmtInfId>([^<]+)<\/PmtInfId>/.exec(pm[1])[1]);
    for (const tx of pm[1].matchAll(/<DrctDbtTxInf>([\s\S]*?)<\/DrctDbtTxInf>/g)) {
      debits.push({
        e2e: /<EndToEndId>([^<]+)<\/EndToEndId>/.exec(tx[1])[1],
        amountCents: Math.round(Number(/<InstdAmt Ccy="EUR">([^<]+)<\/InstdAmt>/.exec(tx[1])[1]) * 100),
        seq,
        mandate: /<MndtId>([^<]+)<\/MndtId>/.exec(tx[1])[1],
        iban: /<DbtrAcct>\s*<Id>\s*<IBAN>([^<]+)<\/IBAN>/.exec(tx[1])[1],
      });
    }
  }
  return { debits, infos, msgId: /<MsgId>([^<]+)<\/MsgId>/.exec(xml)[1] };
}

/** The outstanding CSV of km0 as rows of objects (amounts in cents). */
export function readOutstanding(csv) {
  const [head, ...rows] = csv.trim().split(/\r?\n/).filter((l) => l.length);
  const cols = head.split(',');
  return rows.map((line) => {
    const cells = [];
    let cur = '', quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') { cells.push(cur); cur = ''; } else cur += ch;
    }
    cells.push(cur);
    const o = Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
    for (const k of ['amount_eur', 'paid_eur', 'due_eur']) o[k.replace('_eur', '_cents')] = Math.round(Number(o[k]) * 100);
    return o;
  });
}
