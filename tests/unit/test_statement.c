/*
 * tests/unit/test_statement.c — the bank statement parsers (importers/camt.c,
 * importers/bank_csv.c) and the matching of bank lines (importers/bank_match.c), by
 * example: what each version of camt says where, what a French bank's CSV looks like,
 * the refusals that name the entry, and whose money each line is, with the ledger
 * entry that says so (amounts worked out by hand).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bank_match.h"
#include "statement.h"

#include <string.h>

#define HEAD02                                                                                     \
    "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"   \
    "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-05-04T08:00:00</CreDtTm></GrpHdr>"
#define STMT(iban) "<Stmt><Id>S</Id><Acct><Id><IBAN>" iban "</IBAN></Id><Ccy>EUR</Ccy></Acct>"
#define TAIL02     "</Stmt></BkToCstmrStmt></Document>"
#define NTRY(amt, ccy, sign, date, more)                                                           \
    "<Ntry><Amt Ccy=\"" ccy "\">" amt "</Amt><CdtDbtInd>" sign "</CdtDbtInd><Sts>BOOK</Sts>"       \
    "<BookgDt><Dt>" date "</Dt></BookgDt>" more "</Ntry>"
#define HUB "FR7630006000011234567890189"

static int parse(arena *a, const char *doc, stmt_file *f, refusal *why)
{
    return camt_parse(a, doc, strlen(doc), f, why);
}

static void test_amounts(void **state)
{
    (void)state;
    cents_t v;
    assert_true(stmt_amount("12.34", false, &v));
    assert_int_equal(v, 1234);
    assert_true(stmt_amount("12.3", false, &v));
    assert_int_equal(v, 1230);
    assert_true(stmt_amount("7", false, &v));
    assert_int_equal(v, 700);
    assert_false(stmt_amount("12.345", false, &v));
    assert_false(stmt_amount("12.340", false, &v)); /* written with three: refused, not guessed */
    assert_false(stmt_amount("12,34", false, &v));
    assert_false(stmt_amount("12.", false, &v));
    assert_false(stmt_amount(".5", false, &v));
    assert_false(stmt_amount("1e3", false, &v));
    assert_true(stmt_amount("-1 234,56", true, &v));
    assert_int_equal(v, -123456);
    assert_true(stmt_amount("1.234,56", true, &v));
    assert_int_equal(v, 123456);
    assert_true(stmt_amount("+3", true, &v));
    assert_int_equal(v, 300);
    assert_true(stmt_amount("1\xC2\xA0"
                            "000,5",
                            true, &v));
    assert_int_equal(v, 100050);
    assert_false(stmt_amount("12,345", true, &v));
    assert_false(stmt_amount("12 €", true, &v));
}

static void test_camt02(void **state)
{
    (void)state;
    arena *a = arena_new();
    stmt_file f;
    refusal why = {0};
    const char *doc = HEAD02 STMT(HUB) NTRY(
        "12.34", "EUR", "CRDT", "2026-05-04",
        "<AcctSvcrRef>BANK-1</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd>"
        "<SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs>"
        "<EndToEndId>E2E-9</EndToEndId></Refs><RltdPties><Dbtr><Nm>DURAND ELOISE</Nm></Dbtr>"
        "<DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></DbtrAcct></RltdPties>"
        "<RmtInf><Ustrd>Commande rf77 141</Ustrd><Ustrd>merci</Ustrd></RmtInf></TxDtls>"
        "</NtryDtls>")
        NTRY("3.5", "EUR", "DBIT", "2026-05-05",
             "") "<Ntry><Amt "
                 "Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts></Ntry>" TAIL02;
    assert_int_equal(parse(a, doc, &f, &why), 0);
    assert_string_equal(f.format, "camt.053.001.02");
    assert_string_equal(f.account_iban, HUB);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.not_booked, 1);
    const stmt_entry *e = &f.entries[0];
    assert_int_equal(e->amount, 1234);
    assert_string_equal(e->bank_ref, "BANK-1");
    assert_string_equal(e->booked_on, "2026-05-04");
    assert_string_equal(e->counterparty, "DURAND ELOISE");
    assert_string_equal(e->counterparty_iban, "FR1420041010050500013M02606");
    assert_string_equal(e->remittance, "Commande rf77 141 merci");
    assert_string_equal(e->reference, "RF77141");
    assert_string_equal(e->end_to_end_id, "E2E-9");
    assert_string_equal(e->bank_code, "PMNT/RCDT/ESCT");
    assert_int_equal(f.entries[1].amount, -350);
    assert_string_equal(f.entries[1].bank_ref, "");
    arena_free(a);
}

static void test_camt08(void **state)
{
    (void)state;
    arena *a = arena_new();
    stmt_file f;
    refusal why = {0};
    const char *doc =
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\"><BkToCstmrDbtCdtNtfctn>"
        "<GrpHdr><MsgId>M</MsgId></GrpHdr><Ntfctn><Id>N</Id><Acct><Id><Othr><Id>fr76 3000 6000 "
        "0112 3456 7890 189</Id></Othr></Id></Acct><Ntry><NtryRef>N-7</NtryRef><Amt Ccy=\"EUR\">45"
        "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></"
        "Sts><BookgDt><DtTm>2026-05-04T10:00:00"
        "+02:00</DtTm></BookgDt><NtryDtls><TxDtls><Refs><PmtInfId>KM0-7-20260505-FRST</PmtInfId>"
        "<EndToEndId>KM0-7-41</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>A B</Nm></Pty></Dbtr>"
        "</RltdPties><RmtInf><Strd><CdtrRefInf><Ref>RF1921</Ref></CdtrRefInf></Strd></RmtInf>"
        "</TxDtls><TxDtls><Refs><EndToEndId>KM0-7-42</EndToEndId></Refs></TxDtls></NtryDtls>"
        "</Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>";
    assert_int_equal(parse(a, doc, &f, &why), 0);
    assert_string_equal(f.format, "camt.054.001.08");
    assert_string_equal(f.account_iban, HUB); /* an IBAN named as "other": compacted */
    assert_int_equal(f.n, 1);
    const stmt_entry *e = &f.entries[0];
    assert_int_equal(e->amount, 4500);
    assert_string_equal(e->bank_ref, "N-7");
    assert_string_equal(e->booked_on, "2026-05-04");
    assert_string_equal(e->counterparty, "A B");
    assert_string_equal(e->reference, "RF1921"); /* the structured reference */
    assert_int_equal(e->nend_to_end, 2);
    assert_string_equal(e->end_to_end_ids[1], "KM0-7-42");
    assert_string_equal(e->payment_info_id, "KM0-7-20260505-FRST");
    arena_free(a);
}

static void refused(const char *doc, const char *en)
{
    arena *a = arena_new();
    stmt_file f;
    refusal why = {0};
    assert_int_equal(parse(a, doc, &f, &why), 1);
    assert_int_equal(why.status, 422);
    assert_string_equal(why.code, "invalid_statement");
    if (!strstr(why.en, en))
        fail_msg("\"%s\" does not say \"%s\"", why.en, en);
    arena_free(a);
}

static void test_camt_refusals(void **state)
{
    (void)state;
    refused(HEAD02 STMT(HUB) NTRY("1.00", "EUR", "CRDT", "2026-05-04", "")
                NTRY("9.99", "SEK", "CRDT", "2026-05-04", "") TAIL02,
            "Entry 2 (line 1): the amount is in SEK");
    refused(HEAD02 STMT(HUB) NTRY("1.001", "EUR", "CRDT", "2026-05-04", "") TAIL02,
            "Entry 1 (line 1): the amount \"1.001\"");
    refused(HEAD02 STMT(HUB) NTRY("0.00", "EUR", "CRDT", "2026-05-04", "") TAIL02,
            "is not a positive amount");
    refused(HEAD02 STMT(HUB) NTRY("1.00", "EUR", "CRDT", "2026-13-01", "") TAIL02,
            "the booking date");
    refused(HEAD02 STMT(HUB) NTRY("1.00", "EUR", "SIDEWAYS", "2026-05-04", "") TAIL02,
            "the direction");
    refused(HEAD02 STMT(HUB) "</Stmt>" STMT("GB82WEST12345698765432") TAIL02,
            "the file mixes two accounts");
    refused(HEAD02 "<Stmt><Id>S</Id><Acct><Id><IBAN>" HUB
                   "</IBAN></Id><Ccy>USD</Ccy></Acct>" TAIL02,
            "is in USD");
    refused(HEAD02 "</BkToCstmrStmt></Document>", "no statement (Stmt)");
    refused("<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"b\">]><Document xmlns=\"urn:iso:std:"
            "iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt/></Document>",
            "declares no DTD");
    refused(HEAD02 STMT(HUB), "not well-formed");
    refused("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"/>",
            "not a camt.053 or camt.054");
}

static int csv(arena *a, const char *text, stmt_file *f, refusal *why)
{
    return bank_csv_parse(a, text, strlen(text), f, why);
}

static void test_csv(void **state)
{
    (void)state;
    arena *a = arena_new();
    stmt_file f;
    refusal why = {0};
    /* Crédit Agricole: a debit and a credit column, Windows-1252, the IBAN above */
    const char *ca = "T\xe9l\xe9"
                     "chargement du 04/05/2026;\r\nCompte;IBAN : FR76 3000 6000 0112 "
                     "3456 7890 189;\r\n\r\nDate;Libell\xe9;D\xe9"
                     "bit euros;Cr\xe9"
                     "dit euros;\r\n"
                     "04/05/2026;\"VIR SEPA RECU /DE L\xc9"
                     "A GAR\xc7ON /MOTIF RF77 141\";;12,34;\r\n"
                     "05/05/2026;FRAIS TENUE;3,50;;\r\nSolde au 05/05/2026;;;\r\n";
    assert_int_equal(csv(a, ca, &f, &why), 0);
    assert_string_equal(f.account_iban, HUB);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.entries[0].amount, 1234);
    assert_string_equal(f.entries[0].counterparty, "L\xc3\x89"
                                                   "A GAR\xc3\x87ON");
    assert_string_equal(f.entries[0].reference, "RF77141");
    assert_int_equal(f.entries[0].line, 5);
    assert_int_equal(f.entries[1].amount, -350);
    assert_string_equal(f.entries[1].booked_on, "2026-05-05");
    /* Société Générale: one signed amount, a currency, ISO dates, UTF-8 */
    const char *sg = "Date de l'op\xc3\xa9ration;Libell\xc3\xa9;D\xc3\xa9tail de l'\xc3\xa9"
                     "criture;Montant de l'op\xc3\xa9ration;Devise\n2026-05-04;VIR RECU;DE DUPONT "
                     "JEAN;-1 234,56;EUR\n";
    assert_int_equal(csv(a, sg, &f, &why), 0);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.entries[0].amount, -123456);
    assert_string_equal(f.entries[0].remittance, "VIR RECU DE DUPONT JEAN");
    assert_string_equal(f.account_iban, "");
    /* refusals name the line */
    assert_int_equal(
        csv(a, "Date;Libell\xc3\xa9;Montant;Devise\n04/05/2026;X;12,00;USD\n", &f, &why), 1);
    assert_non_null(strstr(why.en, "Entry 1 (line 2): the currency is USD"));
    assert_int_equal(csv(a, "Date;Libell\xc3\xa9;Montant\n31/02/2026;X;12,00\n", &f, &why), 1);
    assert_non_null(strstr(why.en, "Entry 1 (line 2): the date \"31/02/2026\""));
    assert_int_equal(csv(a,
                         "Date;Libell\xc3\xa9;D\xc3\xa9"
                         "bit;Cr\xc3\xa9"
                         "dit\n04/05/2026;X;1,00;2,00\n",
                         &f, &why),
                     1);
    assert_int_equal(csv(a, "a;b;c\n1;2;3\n", &f, &why), 1);
    assert_non_null(strstr(why.en, "no header row"));
    arena_free(a);
}

/* ---- matching ----------------------------------------------------------------------- */

static stmt_entry credit(cents_t amount, const char *name, const char *reference)
{
    return (stmt_entry){.booked_on = "2026-05-04",
                        .value_on = "",
                        .bank_ref = "B",
                        .amount = amount,
                        .counterparty = name,
                        .counterparty_iban = "",
                        .remittance = "",
                        .reference = reference,
                        .end_to_end_id = "",
                        .payment_info_id = "",
                        .bank_code = ""};
}

static cents_t line_of(const bm_outcome *o, const char *account, int64_t order)
{
    cents_t v = 0;
    for (size_t i = 0; i < o->entry.nlines; i++)
        if (!strcmp(o->entry.lines[i].account, account) &&
            (!order || o->entry.lines[i].order == order))
            v += o->entry.lines[i].amount;
    return v;
}

static cents_t balance_of(const bm_outcome *o)
{
    cents_t v = 0;
    for (size_t i = 0; i < o->entry.nlines; i++)
        v += o->entry.lines[i].amount;
    return v;
}

static void test_match(void **state)
{
    (void)state;
    arena *a = arena_new();
    /* orders 41 (Durand, 20 € due), 42 and 43 (Martin, 10 € and 5 €), 44 (a second
     * "Durand" owing 20 € too: Paul) */
    bm_due dues[] = {
        {41, 1, 7, 2000, "Éloïse Durand", "", 0, NULL, NULL, 0},
        {42, 2, 6, 1000, "Anne Martin", "", 1, NULL, NULL, 0},
        {43, 2, 7, 500, "Anne Martin", "", 2, NULL, NULL, 0},
        {44, 3, 7, 2000, "Paul Durand", "", 3, NULL, NULL, 0},
        {45, 4, 7, 0, "Zoé Leroy", "", -1, NULL, NULL, 0}, /* named by a reference, paid */
    };
    int64_t topups[] = {4};
    bm_debit debits[] = {{9, 3, 46, 5, 7, 1500, "KM0-3-46", 0, 0, false},
                         {10, 3, 47, 6, 7, 2500, "KM0-3-47", 0, 0, false},
                         {11, 3, 0, 8, 0, 900, "KM0-3-C5-1", 5, 1, false}};
    bm_batch batches[] = {{3, "KM0-3-20260505", 4000}};
    bm_input in = {dues, 5, topups, 1, debits, 3, batches, 1, NULL, 0, NULL, 0};
    bm_prepare(a, &in);
    bm_outcome o;

    /* 1. a reference, 25 € for 20 € due: 20 to the order, 5 kept as the credit */
    stmt_entry e = credit(2500, "X", "RF77141");
    char rf41[RF_MAX + 1];
    rf_for(RF_ORDER, 41, rf41);
    e.reference = rf41;
    bm_match(a, &e, 100, &in, &o);
    assert_int_equal(o.kind, BM_ORDER);
    assert_int_equal(o.order, 41);
    assert_int_equal(line_of(&o, "512", 0), 2500);
    assert_int_equal(line_of(&o, "411", 41), -2000);
    assert_int_equal(line_of(&o, "4191", 0), -500);
    assert_int_equal(o.to_balance, 500);
    assert_int_equal(balance_of(&o), 0);
    assert_string_equal(o.entry.matched_by, "reference");
    /* the same reference again: nothing due any more, all of it the customer's credit */
    bm_match(a, &e, 101, &in, &o);
    assert_int_equal(line_of(&o, "4191", 0), -2500);
    /* 2. no reference: Paul Durand is the only Durand still owing 20 € */
    e = credit(2000, "DURAND PAUL", "");
    bm_match(a, &e, 102, &in, &o);
    assert_int_equal(o.kind, BM_ORDER);
    assert_int_equal(o.order, 44);
    assert_string_equal(o.entry.matched_by, "amount_name");
    /* all Anne Martin owes (15 €), oldest first */
    e = credit(1500, "MME MARTIN ANNE", "");
    bm_match(a, &e, 103, &in, &o);
    assert_int_equal(o.kind, BM_ORDER);
    assert_int_equal(line_of(&o, "411", 42), -1000);
    assert_int_equal(line_of(&o, "411", 43), -500);
    /* a name nobody has, an amount nobody owes: waiting for a person */
    e = credit(1234, "MME INCONNUE", "");
    bm_match(a, &e, 104, &in, &o);
    assert_int_equal(o.kind, BM_UNMATCHED);
    assert_int_equal(line_of(&o, "471", 0), -1234);
    /* a top-up reference */
    char rf4[RF_MAX + 1];
    rf_for(RF_TOPUP, 4, rf4);
    e = credit(3000, "LEROY", rf4);
    bm_match(a, &e, 105, &in, &o);
    assert_int_equal(o.kind, BM_TOPUP);
    assert_int_equal(line_of(&o, "4191", 0), -3000);
    /* a reference to a customer of another hub (not loaded): not a top-up */
    char rf9[RF_MAX + 1];
    rf_for(RF_TOPUP, 9, rf9);
    e = credit(3000, "X", rf9);
    bm_match(a, &e, 106, &in, &o);
    assert_int_equal(o.kind, BM_UNMATCHED);
    /* 3. direct debits: both of a batch booked as one credit; then one returned */
    e = credit(4000, "", "");
    const char *ids[] = {"KM0-3-46", "KM0-3-47"};
    e.end_to_end_ids = ids;
    e.nend_to_end = 2;
    bm_match(a, &e, 107, &in, &o);
    assert_int_equal(o.kind, BM_SETTLED);
    assert_int_equal(line_of(&o, "5113", 0), -4000);
    assert_int_equal(o.entry.sepa_batch, 3);
    e = credit(-1500, "", "");
    e.end_to_end_ids = ids;
    e.nend_to_end = 1;
    bm_match(a, &e, 108, &in, &o);
    assert_int_equal(o.kind, BM_RETURN);
    assert_int_equal(o.debit, 9);
    assert_int_equal(line_of(&o, "411", 46), 1500);
    assert_int_equal(line_of(&o, "512", 0), -1500);
    /* the same debit returned by a second line: once is all, the line waits (471) */
    bm_match(a, &e, 1081, &in, &o);
    assert_int_equal(o.kind, BM_UNMATCHED);
    assert_int_equal(line_of(&o, "471", 0), 1500);
    /* a contract instalment's debit returned: the advance (4191) is taken back, no
     * order owes anything */
    const char *inst[] = {"KM0-3-C5-1"};
    e = credit(-900, "", "");
    e.end_to_end_ids = inst;
    e.nend_to_end = 1;
    bm_match(a, &e, 1082, &in, &o);
    assert_int_equal(o.kind, BM_RETURN);
    assert_int_equal(o.debit, 11);
    assert_int_equal(line_of(&o, "4191", 0), 900);
    assert_int_equal(line_of(&o, "411", 0), 0);
    assert_int_equal(line_of(&o, "512", 0), -900);
    assert_int_equal(balance_of(&o), 0);
    /* 4. bank charges; a reversal waits */
    e = credit(-350, "", "");
    e.bank_code = "ACMT/CHRG/CHRG";
    bm_match(a, &e, 109, &in, &o);
    assert_int_equal(o.kind, BM_FEE);
    assert_int_equal(line_of(&o, "627", 0), 350);
    e = credit(-420, "", "");
    e.remittance = "COTISATION CARTE";
    bm_match(a, &e, 110, &in, &o);
    assert_int_equal(o.kind, BM_FEE);
    e = credit(2000, "DURAND PAUL", "");
    e.reversal = true;
    bm_match(a, &e, 111, &in, &o);
    assert_int_equal(o.kind, BM_UNMATCHED);
    arena_free(a);
}

static void test_match_ambiguous(void **state)
{
    (void)state;
    arena *a = arena_new();
    /* two customers named Durand each owe 20 €: no guess */
    bm_due dues[] = {{41, 1, 7, 2000, "Éloïse Durand", "", 0, NULL, NULL, 0},
                     {44, 3, 7, 2000, "Paul Durand", "", 1, NULL, NULL, 0}};
    bm_input in = {dues, 2, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0};
    bm_prepare(a, &in);
    bm_outcome o;
    stmt_entry e = credit(2000, "DURAND", "");
    bm_match(a, &e, 1, &in, &o);
    assert_int_equal(o.kind, BM_UNMATCHED);
    /* a business under its legal name */
    bm_due biz[] = {
        {50, 9, 7, 8800, "Restaurant L'Étape", "L'Étape & Fils SARL", 0, NULL, NULL, 0}};
    bm_input in2 = {biz, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0};
    bm_prepare(a, &in2);
    e = credit(8800, "L ETAPE ET FILS SARL", "");
    bm_match(a, &e, 2, &in2, &o);
    assert_int_equal(o.kind, BM_ORDER);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_amounts),
        cmocka_unit_test(test_camt02),
        cmocka_unit_test(test_camt08),
        cmocka_unit_test(test_camt_refusals),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_match_ambiguous),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
