/*
 * mail/smtp.c — SMTP to the relay (mail/smtp.h): libcurl sets the session up, km0
 * sends the messages on it.
 *
 * libcurl opens the connection (CURLOPT_CONNECT_ONLY): TCP or TLS (smtps://), the
 * greeting, EHLO, STARTTLS as smtp_tls says with the relay's certificate checked,
 * EHLO again and AUTH — everything that touches security stays libcurl's. It stops
 * there, before any message, and hands km0 the session (curl_easy_send and
 * curl_easy_recv, through TLS when there is TLS). On that session km0 sends each
 * message itself, because libcurl waits for the answer to each command: MAIL FROM,
 * RCPT TO and DATA go in one write when the relay offers PIPELINING (RFC 2920), then
 * the data, so a message costs two round trips to the relay instead of four
 * (mail/smtp_wire.h reads the replies and doubles the dots).
 *
 * How a failure is read: a 5xx answer to MAIL FROM, RCPT TO or the data is about
 * this message and final; a 4xx is about this message and temporary; 421, or
 * anything that happens before the relay would take a message at all (no
 * connection, a timeout, TLS, a refused login, a connection that breaks) is about
 * the relay, and the sender pauses rather than walk through every message it holds.
 * A connection kept from an earlier message that turns out to be closed (the relay
 * drops idle sessions) before the final "." was sent costs nothing: the message goes
 * again at once on a new one. After the final ".", a broken connection leaves it
 * unknown whether the relay has the message; it is sent again later (a duplicate at
 * worst, never a loss).
 */
#include "smtp.h"
#include "smtp_wire.h"
#include "../core/buf.h"
#include "../core/config.h"
#include "../core/util.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct smtp_client {
    CURL *curl;      /* the session; NULL when there is none */
    bool pipelining; /* the relay's EHLO named PIPELINING */
    char line[SMTP_WIRE_LINE_MAX];
    size_t linelen; /* a line of the session set-up, as libcurl shows it */
    char in[8192];  /* what the relay said and was not read yet */
    size_t inlen;
    buf out; /* the data of the message being sent */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void smtp_global_init(void)
{
    pthread_once(&init_once, global_init);
}

smtp_client *smtp_client_new(void)
{
    smtp_global_init();
    return xcalloc(1, sizeof(smtp_client));
}

static void hang_up(smtp_client *s)
{
    if (s->curl)
        curl_easy_cleanup(s->curl); /* QUIT, when the connection still stands */
    s->curl = NULL;
    s->inlen = 0;
    s->pipelining = false;
}

void smtp_client_free(smtp_client *s)
{
    if (!s)
        return;
    hang_up(s);
    buf_free(&s->out);
    free(s);
}

/* What the relay said while libcurl set the session up, line by line: only the
 * replies, for the EHLO keywords (never what km0 sent: the AUTH exchange). */
static int watch_session(CURL *c, curl_infotype type, char *data, size_t size, void *userp)
{
    (void)c;
    smtp_client *s = userp;
    if (type != CURLINFO_HEADER_IN)
        return 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n') {
            smtp_session_line(s->line, s->linelen, &s->pipelining);
            s->linelen = 0;
        } else if (s->linelen < sizeof s->line) {
            s->line[s->linelen++] = data[i];
        }
    }
    return 0;
}

/* Open a session: SMTP_SENT when it stands (nothing is sent yet), else the
 * outcome to give the message, with why. */
static smtp_outcome connect_relay(smtp_client *s, char *why, size_t whylen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(why, whylen, "libcurl: cannot make a handle");
        return SMTP_RELAY;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    s->pipelining = false;
    s->linelen = 0;
    s->inlen = 0;
    curl_easy_setopt(c, CURLOPT_URL, g_config.smtp_url);
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)g_config.smtp_timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)g_config.smtp_timeout_s * 4);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* to watch_session only, never printed */
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, watch_session);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
    long tls = !strcmp(g_config.smtp_tls, "required") ? (long)CURLUSESSL_ALL
               : !strcmp(g_config.smtp_tls, "try")    ? (long)CURLUSESSL_TRY
                                                      : (long)CURLUSESSL_NONE;
    curl_easy_setopt(c, CURLOPT_USE_SSL, tls);
    /* the relay's certificate is always checked: against the system's authorities, or
     * those of smtp_ca_file (a relay with a certificate of its own making) */
    if (g_config.smtp_ca_file[0])
        curl_easy_setopt(c, CURLOPT_CAINFO, g_config.smtp_ca_file);
    if (g_config.smtp_user[0]) {
        curl_easy_setopt(c, CURLOPT_USERNAME, g_config.smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, g_config.smtp_password);
    }
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 0L);
    if (rc != CURLE_OK) {
        snprintf(why, whylen, "smtp %ld: %s", code, errbuf[0] ? errbuf : curl_easy_strerror(rc));
        curl_easy_cleanup(c);
        /* whatever failed (TCP, TLS, the certificate, EHLO, AUTH) is the relay's */
        return SMTP_RELAY;
    }
    s->curl = c;
    return SMTP_SENT;
}

/* Wait until the session's socket is ready (POLLIN or POLLOUT); false on a timeout. */
static bool wait_socket(smtp_client *s, short events)
{
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(s->curl, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD)
        return false;
    struct pollfd p = {.fd = (int)fd, .events = events};
    int n;
    do
        n = poll(&p, 1, g_config.smtp_timeout_s * 1000);
    while (n < 0 && errno == EINTR);
    return n > 0;
}

static bool send_all(smtp_client *s, const char *data, size_t len)
{
    while (len > 0) {
        size_t n = 0;
        CURLcode rc = curl_easy_send(s->curl, data, len, &n);
        if (rc == CURLE_AGAIN) {
            if (!wait_socket(s, POLLOUT))
                return false;
            continue;
        }
        if (rc != CURLE_OK)
            return false;
        data += n;
        len -= n;
    }
    return true;
}

/* The relay's next reply; false when the connection broke, timed out or spoke
 * something else than SMTP. */
static bool read_reply(smtp_client *s, smtp_reply *r)
{
    for (;;) {
        size_t used = 0;
        int st = smtp_reply_parse(s->in, s->inlen, &used, r);
        if (st == SMTP_WIRE_REPLY) {
            memmove(s->in, s->in + used, s->inlen - used);
            s->inlen -= used;
            return true;
        }
        if (st == SMTP_WIRE_BAD || s->inlen == sizeof s->in)
            return false;
        size_t n = 0;
        CURLcode rc = curl_easy_recv(s->curl, s->in + s->inlen, sizeof s->in - s->inlen, &n);
        if (rc == CURLE_AGAIN) {
            if (!wait_socket(s, POLLIN))
                return false;
            continue;
        }
        if (rc != CURLE_OK || n == 0)
            return false;
        s->inlen += n;
    }
}

static const char *stage_name[] = {"MAIL FROM", "RCPT TO", "DATA", "the data"};

/* The outcome of a refusal at stage (0..3) with reply r. */
static smtp_outcome refused(const smtp_reply *r, int stage, char *why, size_t whylen)
{
    /* the relay's code and enhanced code, never its words: they may quote the address */
    snprintf(why, whylen, "smtp %d%s%s: the relay refused %s", r->code, r->enhanced[0] ? " " : "",
             r->enhanced, stage_name[stage]);
    if (r->code == 421)
        return SMTP_RELAY; /* the relay is going away (shutting down, too busy) */
    if (r->code >= 500)
        return SMTP_PERMANENT;
    if (r->code >= 400)
        return SMTP_TEMPORARY;
    return SMTP_RELAY; /* a 1xx, 2xx or 3xx where another was due: not SMTP as it should be */
}

/* End a refused transaction so that the session can take the next message. */
static void reset_transaction(smtp_client *s)
{
    smtp_reply r;
    if (!send_all(s, "RSET\r\n", 6) || !read_reply(s, &r) || r.code != 250)
        hang_up(s);
}

typedef enum { TRY_DONE, TRY_AGAIN_FRESH } try_result;

/* One attempt on the current session. TRY_AGAIN_FRESH: the kept session was found
 * closed before the relay could have the message. */
static try_result try_send(smtp_client *s, bool fresh, const char *from, const char *to,
                           const char *message, size_t len, smtp_outcome *out, char *why,
                           size_t whylen)
{
    char envelope[3][300];
    int lens[3];
    lens[0] = snprintf(envelope[0], sizeof envelope[0], "MAIL FROM:<%s>\r\n", from);
    lens[1] = snprintf(envelope[1], sizeof envelope[1], "RCPT TO:<%s>\r\n", to);
    lens[2] = snprintf(envelope[2], sizeof envelope[2], "DATA\r\n");
    smtp_reply r[3];
    int got = 0; /* replies read */
    bool broke = false;
    if (s->pipelining) {
        char all[900];
        int n = snprintf(all, sizeof all, "%s%s%s", envelope[0], envelope[1], envelope[2]);
        broke = !send_all(s, all, (size_t)n);
        while (!broke && got < 3)
            if (read_reply(s, &r[got]))
                got++;
            else
                broke = true;
    } else {
        /* without PIPELINING, each command waits for its reply; a refusal stops */
        while (!broke && got < 3) {
            if (!send_all(s, envelope[got], (size_t)lens[got]) || !read_reply(s, &r[got])) {
                broke = true;
                break;
            }
            int want = got == 2 ? 354 : 250;
            if (r[got].code != want && !(got == 1 && r[got].code == 251)) {
                got++;
                break;
            }
            got++;
        }
    }
    /* a kept session the relay had closed meanwhile (an idle timeout, often with its
     * 421 waiting unread): nothing of this message was taken, it goes on a new one */
    if (!fresh && (broke || (got > 0 && r[0].code == 421))) {
        hang_up(s);
        return TRY_AGAIN_FRESH;
    }
    if (broke) {
        hang_up(s);
        snprintf(why, whylen, "smtp: the connection to the relay broke before the data");
        *out = SMTP_RELAY;
        return TRY_DONE;
    }
    for (int i = 0; i < got; i++) {
        int want = i == 2 ? 354 : 250;
        if (r[i].code == want || (i < 2 && r[i].code == 251))
            continue;
        *out = refused(&r[i], i, why, whylen);
        if (got == 3 && r[2].code == 354) {
            /* DATA was taken after all: end it empty, the relay drops it */
            smtp_reply end;
            if (!send_all(s, ".\r\n", 3) || !read_reply(s, &end))
                hang_up(s);
        }
        if (r[i].code == 421)
            hang_up(s);
        else if (s->curl)
            reset_transaction(s);
        return TRY_DONE;
    }
    buf_reset(&s->out);
    smtp_dot_stuff(message, len, &s->out);
    smtp_reply end;
    if (!send_all(s, s->out.data, s->out.len) || !read_reply(s, &end)) {
        hang_up(s);
        snprintf(why, whylen, "smtp: the connection to the relay broke after the data");
        *out = SMTP_RELAY;
        return TRY_DONE;
    }
    if (end.code == 250) {
        *out = SMTP_SENT;
        return TRY_DONE;
    }
    *out = refused(&end, 3, why, whylen);
    if (end.code == 421)
        hang_up(s);
    return TRY_DONE;
}

/* An envelope address km0 writes between < and >: what core/mime.c lets through. */
static bool envelope_safe(const char *a)
{
    if (!a || !*a || strlen(a) > 254)
        return false;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>')
            return false;
    return true;
}

smtp_outcome smtp_send(smtp_client *s, const char *from, const char *to, const char *message,
                       size_t len, char *why, size_t whylen)
{
    if (!envelope_safe(from) || !envelope_safe(to)) {
        snprintf(why, whylen, "an address km0 cannot write in the envelope");
        return SMTP_PERMANENT;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        bool fresh = s->curl == NULL;
        if (fresh) {
            smtp_outcome o = connect_relay(s, why, whylen);
            if (o != SMTP_SENT)
                return o;
        }
        smtp_outcome out = SMTP_RELAY;
        if (try_send(s, fresh, from, to, message, len, &out, why, whylen) == TRY_DONE)
            return out;
    }
    snprintf(why, whylen, "smtp: the relay closes every connection");
    return SMTP_RELAY;
}
