/*
 * core/config.h — km0's configuration: defaults, then the file, then the environment.
 *
 * The file is "key = value" lines (config/km0.conf documents every key). The
 * environment wins over the file: KM0_DATABASE_URL, KM0_LISTEN.
 */
#ifndef KM0_CONFIG_H
#define KM0_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct km0_config {
    char database_url[1024];
    /* reads that may be slightly stale (documents, the shop's catalog): a standby;
     * empty: database_url */
    char database_read_url[1024];
    char listen[128];     /* ADDR:PORT */
    char hub[65];         /* hub slug served when the database holds several; "" = the only one */
    char hub_hosts[4096]; /* "HOST=SLUG ..." : the hub of visitors by Host header */
    char public_url[256]; /* base for links in DFC exports and documents */
    /* seller_mode, resale_vat_rate_bp and payment_days are the first settings of a hub
     * (core/hub_settings.h): km0 seed gives them to a hub it creates, and migration 006
     * to the hubs it found. Nothing reads them to sell or invoice. */
    char seller_mode[16];   /* "producers" (on behalf of producers) or "hub" (buys and resells) */
    int resale_vat_rate_bp; /* hub mode: VAT on franchise producers' goods (550 = 5.5 %) */
    char fop[256];          /* Apache FOP command */
    char reports_dir[512];  /* where reports/xsl and reports/xsd are */
    char log_level[16];
    int threads;                 /* HTTP worker threads, one database connection each */
    int connection_limit;        /* simultaneous HTTP connections */
    int connection_timeout_s;    /* idle client timeout, and the deadline for a request's headers */
    int connections_per_address; /* simultaneous connections from one client address, 0 = any */
    size_t anonymous_max_body_bytes; /* request bodies of visitors not logged in */
    size_t max_body_bytes;           /* request bodies other than catalog uploads */
    size_t catalog_max_bytes;        /* catalog uploads */
    int catalog_max_rows;            /* products in one catalog file */
    /* bytes in one value of a catalog file */
    size_t catalog_max_field_bytes;
    int statement_timeout_ms; /* per SQL statement */
    int db_connect_timeout_s;
    int retry_after_s;       /* the Retry-After of a 503: the database unreachable, a failover */
    int session_hours;       /* session lifetime */
    int sessions_per_user;   /* live sessions of one account; a new one ends the oldest */
    char metrics_access[16]; /* GET /metrics: "coordinator", "anonymous" or "off" */
    int login_max_failures;  /* failures per email within login_window_minutes before refusing */
    int login_window_minutes;
    int payment_days;    /* invoice due date = issue date + payment_days */
    bool secure_cookies; /* add Secure to cookies (behind HTTPS) */
} km0_config;

extern km0_config g_config;

/* Load defaults, then path (NULL = config/km0.conf if it exists), then the
 * environment. Every value is checked as it is read: returns 0, or -1 with a message
 * on stderr naming file, line and key (an unknown key, a value out of range or not
 * one of those allowed, such as resale_vat_rate = 7). */
int config_load(const char *path);
/* Where key got its value, "FILE:LINE" (or "KM0_LISTEN:0"), or "configuration" for
 * a default: for messages about a value checked later (hub_hosts at km0 serve). */
const char *config_where(const char *key);

#endif
