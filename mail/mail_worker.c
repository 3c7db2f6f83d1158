/*
 * mail/mail_worker.c — the workers (mail/mail.h): each a thread with its own
 * database connection (LISTEN km0_mail, so a new event or message wakes it at once)
 * and its own SMTP connection.
 *
 * The "sent" of a message is written on its own, right after the relay's 250, with
 * synchronous_commit off: the sender does not wait for the disk, and a kill of the
 * sender cannot lose it (PostgreSQL has it). Only a crash of PostgreSQL itself can
 * forget the last fraction of a second of them, and those messages would be sent
 * again: a duplicate, never a loss (docs/operations.md).
 */
#include "mail.h"
#include "mail_text.h"
#include "smtp.h"
#include "../core/account_privacy.h"
#include "../core/account_tokens.h"
#include "../core/config.h"
#include "../core/invite.h"
#include "../core/log.h"
#include "../core/outbox_events.h"
#include "../core/unsubscribe.h"
#include "../core/util.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_bool stopping;
static pthread_t *threads;
static int nthreads;

/* ---- one message ---------------------------------------------------------- */

static const char *from_address(arena *a)
{
    if (g_config.mail_from[0])
        return g_config.mail_from;
    /* noreply@ the public address's host, when it is a name */
    const char *host = strstr(g_config.public_url, "://");
    host = host ? host + 3 : g_config.public_url;
    size_t n = strcspn(host, ":/");
    bool name = false;
    for (size_t i = 0; i < n; i++)
        name |= (host[i] >= 'a' && host[i] <= 'z');
    if (!name || !memchr(host, '.', n))
        return "noreply@km0.invalid";
    return arena_printf(a, "noreply@%.*s", (int)n, host);
}

static char *replace_all(arena *a, const char *s, const char *what, const char *with)
{
    buf out = BUF_INIT;
    size_t wl = strlen(what);
    const char *p;
    while ((p = strstr(s, what)) != NULL) {
        buf_append(&out, s, (size_t)(p - s));
        buf_puts(&out, with);
        s = p + wl;
    }
    buf_puts(&out, s);
    char *r = arena_strdup(a, buf_str(&out));
    buf_free(&out);
    return r;
}

/* Build and send one claimed message. */
static smtp_outcome send_one(db_conn *c, smtp_client *s, arena *a, const outbox_item *it, char *why,
                             size_t whylen)
{
    const char *text = it->text, *html = it->html;
    if (!strcmp(it->token_purpose, "invite")) {
        /* an invitation's link: its own sibling token, unless the invitation was used
         * (by the link shown on the desk) or has expired meanwhile */
        char raw[48];
        bool open;
        if (invite_token_for_message(c, a, it->id, raw, &open) != DB_OK) {
            snprintf(why, whylen, "database: token");
            return SMTP_TEMPORARY;
        }
        if (!open) {
            snprintf(why, whylen, "the invitation was used or has expired");
            return SMTP_PERMANENT;
        }
        text = replace_all(a, text, ACCOUNT_TOKEN_PLACEHOLDER, raw);
        html = replace_all(a, html, ACCOUNT_TOKEN_PLACEHOLDER, raw);
        explicit_bzero(raw, sizeof raw);
    } else if (it->token_purpose[0]) {
        char raw[48];
        if (account_token_make(c, a, it->hub, it->user_id, it->token_purpose, raw) != DB_OK) {
            snprintf(why, whylen, "database: token");
            return SMTP_TEMPORARY;
        }
        text = replace_all(a, text, ACCOUNT_TOKEN_PLACEHOLDER, raw);
        html = replace_all(a, html, ACCOUNT_TOKEN_PLACEHOLDER, raw);
        explicit_bzero(raw, sizeof raw);
    }
    mime_file *files;
    size_t nfiles;
    int at =
        mail_attachments(c, a, it->hub, it->attachments, it->lang, &files, &nfiles, why, whylen);
    if (at != MAIL_ATTACH_OK)
        return at == MAIL_ATTACH_TEMPORARY ? SMTP_TEMPORARY : SMTP_PERMANENT;
    const char *unsub = NULL;
    if (it->optional && it->user_id) {
        char token[48];
        if (unsub_token(c, it->hub, it->user_id, it->kind, token) != DB_OK) {
            snprintf(why, whylen, "database: unsubscribe");
            return SMTP_TEMPORARY;
        }
        unsub = mt_url_unsubscribe(a, it->user_id, it->kind, token);
    }
    const char *from = from_address(a);
    const char *domain = strchr(from, '@') + 1;
    mime_msg m = {.from_name = it->hub_name,
                  .from_address = from,
                  .to_name = it->to_name,
                  .to_address = it->to_address,
                  .subject = it->subject,
                  .message_id = arena_printf(a, "km0.%s.%lld.%s@%s", it->hub_slug,
                                             (long long)it->id, it->created_epoch, domain),
                  .date = (long long)time(NULL),
                  .lang = it->lang,
                  .text = text,
                  .html = html,
                  .unsubscribe_url = unsub,
                  .files = files,
                  .nfiles = nfiles};
    buf bytes = BUF_INIT;
    if (mime_build(&m, &bytes) != MIME_OK) {
        buf_free(&bytes);
        snprintf(why, whylen, "a header value km0 cannot write");
        return SMTP_PERMANENT;
    }
    smtp_outcome o = smtp_send(s, from, it->to_address, bytes.data, bytes.len, why, whylen);
    buf_free(&bytes);
    return o;
}

/* Seconds before the next attempt: base × 2^(attempts-1), at most max, plus up to a
 * quarter more so that messages failed together do not come back together. */
static int backoff(int attempts)
{
    long d = g_config.mail_retry_base_s;
    for (int i = 1; i < attempts && d < g_config.mail_retry_max_s; i++)
        d *= 2;
    if (d > g_config.mail_retry_max_s)
        d = g_config.mail_retry_max_s;
    unsigned r;
    random_bytes(&r, sizeof r);
    return (int)(d + (d >= 4 ? (long)(r % (unsigned)(d / 4)) : 0));
}

typedef struct {
    int index;
    db_conn *c;
    smtp_client *smtp;
    time_t paused_until;
    int pause_s;
    time_t last_periodic, last_hourly;
} worker;

/* Claim and send one batch: how many messages were handled, or a db_status. */
static int send_batch(worker *w, arena *a)
{
    outbox_item *items;
    size_t n;
    db_status st = outbox_claim(w->c, a, g_config.mail_batch, &items, &n);
    if (st != DB_OK)
        return st;
    size_t sent = 0, failed = 0, later = 0;
    for (size_t i = 0; i < n; i++) {
        const outbox_item *it = &items[i];
        char why[512] = "";
        smtp_outcome o = send_one(w->c, w->smtp, a, it, why, sizeof why);
        if (o == SMTP_SENT) {
            st = outbox_mark_sent(w->c, it->id);
            sent++;
            w->pause_s = 0;
        } else if (o == SMTP_PERMANENT) {
            st = outbox_mark_failed(w->c, a, it->id, why);
            failed++;
            log_event(LOG_WARN, "mail.failed", "message=%lld kind=%s why=%s", (long long)it->id,
                      it->kind, log_quote((char[600]){0}, 600, why));
        } else {
            st = outbox_mark_retry(w->c, a, it->id, backoff(it->attempts),
                                   g_config.mail_max_age_hours * 3600, why);
            later++;
            log_event(LOG_WARN, "mail.deferred", "message=%lld kind=%s attempts=%d why=%s",
                      (long long)it->id, it->kind, it->attempts,
                      log_quote((char[600]){0}, 600, why));
        }
        if (st != DB_OK)
            return st; /* the claims left are given back by outbox_recover */
        if (o == SMTP_RELAY) {
            /* the relay is down: the rest of the batch goes back untried, and this
             * worker waits, longer each time */
            if (i + 1 < n) {
                int64_t *ids = arena_alloc(a, (n - i - 1) * sizeof *ids);
                for (size_t k = i + 1; k < n; k++)
                    ids[k - i - 1] = items[k].id;
                if ((st = outbox_release(w->c, db_int_array(a, ids, n - i - 1))) != DB_OK)
                    return st;
            }
            w->pause_s = w->pause_s ? w->pause_s * 2 : g_config.mail_retry_base_s;
            if (w->pause_s > g_config.mail_retry_max_s)
                w->pause_s = g_config.mail_retry_max_s;
            w->paused_until = time(NULL) + w->pause_s;
            break;
        }
        if (atomic_load(&stopping)) {
            if (i + 1 < n) {
                int64_t *ids = arena_alloc(a, (n - i - 1) * sizeof *ids);
                for (size_t k = i + 1; k < n; k++)
                    ids[k - i - 1] = items[k].id;
                if ((st = outbox_release(w->c, db_int_array(a, ids, n - i - 1))) != DB_OK)
                    return st;
            }
            break;
        }
    }
    if (failed || later)
        log_event(LOG_INFO, "mail.batch", "worker=%d sent=%zu failed=%zu deferred=%zu", w->index,
                  sent, failed, later);
    return (int)n;
}

/* ---- events --------------------------------------------------------------- */

typedef struct {
    arena *a;
    int made;
    bool found;
} fan_ctx;

static int fan_tx(db_conn *c, void *p)
{
    fan_ctx *x = p;
    outbox_pending_event ev;
    int st = outbox_event_take(c, x->a, &ev, &x->found);
    if (st != DB_OK || !x->found)
        return st;
    int later;
    x->made = mail_fanout(c, x->a, &ev, &later);
    if (x->made < 0)
        return x->made;
    if (later > 0)
        return outbox_event_later(c, x->a, ev.id, later);
    return outbox_event_done(c, x->a, ev.id, x->made);
}

/* Turn up to 50 due events into messages, one transaction each. */
static int fan_out(worker *w, arena *a)
{
    int done = 0;
    for (int i = 0; i < 50 && !atomic_load(&stopping); i++) {
        fan_ctx x = {a, 0, false};
        int st = db_transaction(w->c, false, fan_tx, &x);
        if (st < 0)
            return st;
        if (!x.found)
            break;
        done++;
        arena_reset(a);
    }
    return done;
}

void mail_periodic(db_conn *c, bool hourly)
{
    int64_t n;
    if (outbox_recover(c, &n) == DB_OK && n > 0)
        log_event(LOG_INFO, "mail.recovered", "messages=%lld", (long long)n);
    if (outbox_closing_reminders(c, &n) == DB_OK && n > 0)
        log_event(LOG_INFO, "mail.closing_reminders", "cycles=%lld", (long long)n);
    if (!hourly)
        return;
    if (outbox_prune(c, g_config.mail_keep_sent_days, &n) == DB_OK && n > 0)
        log_event(LOG_INFO, "mail.pruned", "messages=%lld", (long long)n);
    arena *a = arena_new();
    account_purge_idle(c, a, g_config.account_idle_years, &n);
    arena_free(a);
}

/* ---- the loop --------------------------------------------------------------- */

static bool connect_worker(worker *w)
{
    char err[512];
    w->c = db_connect(g_config.database_url, err, sizeof err);
    if (!w->c)
        return false;
    PGresult *r = PQexec(db_pg(w->c), "SET synchronous_commit = off; LISTEN km0_mail");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        db_close(w->c);
        w->c = NULL;
    }
    return ok;
}

/* Wait for a notification, at most ms. */
static void wait_work(worker *w, int ms)
{
    PGconn *pg = db_pg(w->c);
    struct pollfd pfd = {PQsocket(pg), POLLIN, 0};
    if (pfd.fd >= 0 && poll(&pfd, 1, ms) > 0)
        PQconsumeInput(pg);
    PGnotify *n;
    while ((n = PQnotifies(pg)) != NULL)
        PQfreemem(n);
}

/* One round of work: how much was done (0 = nothing due), or a db_status. */
static int round_of_work(worker *w, arena *a, bool once)
{
    time_t now = time(NULL);
    if (w->index == 0 && (once || now - w->last_periodic >= 5)) {
        bool hourly = now - w->last_hourly >= 3600;
        mail_periodic(w->c, hourly);
        w->last_periodic = now;
        if (hourly)
            w->last_hourly = now;
    }
    int done = fan_out(w, a);
    if (done < 0)
        return done;
    arena_reset(a);
    if (g_config.smtp_url[0] && now >= w->paused_until) {
        int sent = send_batch(w, a);
        if (sent < 0)
            return sent;
        done += sent;
    }
    arena_reset(a);
    return done;
}

static void worker_loop(int index, bool once)
{
    worker w = {.index = index, .smtp = smtp_client_new()};
    arena *a = arena_new();
    int idle_rounds = 0;
    while (!atomic_load(&stopping)) {
        if (!w.c && !connect_worker(&w)) {
            if (once)
                break;
            sleep(1);
            continue;
        }
        int done = round_of_work(&w, a, once);
        if (done < 0) {
            /* the connection is gone or a statement failed: start afresh */
            log_event(LOG_WARN, "mail.db_error", "worker=%d status=%d", index, done);
            db_close(w.c);
            w.c = NULL;
            if (once)
                break;
            continue;
        }
        if (done > 0) {
            idle_rounds = 0;
            continue;
        }
        if (once && ++idle_rounds >= 2)
            break;
        wait_work(&w, once ? 50 : 1000);
    }
    arena_free(a);
    if (w.c)
        db_close(w.c);
    smtp_client_free(w.smtp);
}

static void *worker_main(void *arg)
{
    int index = (int)(intptr_t)arg;
    /* below the requests: a worker yields the CPU to the shop's threads */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    worker_loop(index, false);
    return NULL;
}

void mail_start(int n)
{
    if (n <= 0)
        return;
    smtp_global_init();
    atomic_store(&stopping, false);
    threads = xcalloc((size_t)n, sizeof *threads);
    nthreads = n;
    for (int i = 0; i < n; i++)
        if (pthread_create(&threads[i], NULL, worker_main, (void *)(intptr_t)i) != 0)
            die("cannot start a mail worker");
    log_event(LOG_INFO, "mail.started", "workers=%d relay=%s", n,
              g_config.smtp_url[0] ? "configured" : "none");
}

void mail_stop(void)
{
    if (!nthreads)
        return;
    atomic_store(&stopping, true);
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    threads = NULL;
    nthreads = 0;
}

static volatile sig_atomic_t run_signalled;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&stopping, true);
    run_signalled = 1;
}

int mail_run(int n, bool once)
{
    struct sigaction act = {0};
    act.sa_handler = on_signal;
    sigemptyset(&act.sa_mask);
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    signal(SIGPIPE, SIG_IGN);
    smtp_global_init();
    atomic_store(&stopping, false);
    if (once) {
        worker_loop(0, true);
        return 0;
    }
    threads = xcalloc((size_t)n, sizeof *threads);
    nthreads = n;
    for (int i = 1; i < n; i++)
        if (pthread_create(&threads[i], NULL, worker_main, (void *)(intptr_t)i) != 0)
            die("cannot start a mail worker");
    log_event(LOG_INFO, "mail.started", "workers=%d relay=%s", n,
              g_config.smtp_url[0] ? "configured" : "none");
    worker_loop(0, false);
    for (int i = 1; i < n; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    threads = NULL;
    nthreads = 0;
    log_event(LOG_INFO, "mail.stopped", "signal=%d", (int)run_signalled);
    return 0;
}
