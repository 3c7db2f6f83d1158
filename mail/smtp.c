/*
 * mail/smtp.c — SMTP through libcurl (mail/smtp.h).
 *
 * How a failure is read: libcurl ends a transfer with an error code and keeps the
 * relay's last status code (CURLINFO_RESPONSE_CODE). A 5xx answer to MAIL FROM, RCPT
 * TO or the data is about this message and final; a 4xx is about this message and
 * temporary; anything that happens before the relay would take a message at all
 * (no connection, a timeout, TLS, a refused login) is about the relay, and the sender
 * pauses rather than walk through every message it holds.
 */
#include "smtp.h"
#include "../core/config.h"
#include "../core/util.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct smtp_client {
    CURL *curl;
};

typedef struct {
    const char *data;
    size_t len, pos;
} reader;

static size_t read_message(char *dst, size_t size, size_t nitems, void *userp)
{
    reader *r = userp;
    size_t room = size * nitems, left = r->len - r->pos;
    size_t n = left < room ? left : room;
    memcpy(dst, r->data + r->pos, n);
    r->pos += n;
    return n;
}

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
    smtp_client *s = xcalloc(1, sizeof *s);
    s->curl = curl_easy_init();
    if (!s->curl)
        die("libcurl: cannot make a handle");
    return s;
}

void smtp_client_free(smtp_client *s)
{
    if (!s)
        return;
    curl_easy_cleanup(s->curl);
    free(s);
}

static bool relay_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_GOT_NOTHING:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return true;
    default:
        return false;
    }
}

smtp_outcome smtp_send(smtp_client *s, const char *from, const char *to, const char *message,
                       size_t len, char *why, size_t whylen)
{
    CURL *c = s->curl;
    char errbuf[CURL_ERROR_SIZE] = "", envelope_from[300];
    snprintf(envelope_from, sizeof envelope_from, "<%s>", from);
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    reader r = {message, len, 0};
    curl_easy_setopt(c, CURLOPT_URL, g_config.smtp_url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, envelope_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(c, CURLOPT_READDATA, &r);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)g_config.smtp_timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)g_config.smtp_timeout_s * 4);
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
    curl_slist_free_all(rcpt);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(c, CURLOPT_READDATA, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    if (rc == CURLE_OK)
        return SMTP_SENT;
    snprintf(why, whylen, "smtp %ld: %s", code, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    /* 421: the relay is going away (shutting down, too busy): not this message's fault */
    if (relay_error(rc) || code == 421)
        return SMTP_RELAY;
    if (code >= 500 && code <= 599)
        return SMTP_PERMANENT;
    if (code >= 400 && code <= 499)
        return SMTP_TEMPORARY;
    /* the connection broke with no answer to read: the relay, not the message */
    return SMTP_RELAY;
}
