/*
 * core/config.h — km0's configuration: defaults, then the file, then the environment.
 *
 * The file is "key = value" lines (config/km0.conf documents every key). The
 * environment wins over the file: KM0_DATABASE_URL, KM0_LISTEN, KM0_SMTP_URL.
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
    int render_slots;       /* FOP runs at once per process; 0 = one per core */
    int render_queue;       /* HTTP renderings waiting for a slot; more get 503 */
    int render_wait_s;      /* how long an HTTP rendering may wait for a slot */
    int archive_workers;    /* km0 serve archives issued invoices (1) or leaves it (0) */
    int archive_batch;      /* invoices rendered by one FOP run when archiving */
    int archive_cache_mb;   /* archived files kept in memory for downloads; 0 = none */
    char reports_dir[512];  /* where reports/xsl and reports/xsd are */
    /* the official ISO 20022 schemas (camt.053.001.02.xsd...) statements are validated
     * against before they are imported; "" = km0's own checks only */
    char iso20022_schemas[512];
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
    size_t photo_max_bytes;   /* a product photo's upload (at most catalog_max_bytes) */
    int photo_max_megapixels; /* larger images are refused before they are decoded */
    int statement_timeout_ms; /* per SQL statement */
    int db_connect_timeout_s;
    int retry_after_s;       /* the Retry-After of a 503: the database unreachable, a failover */
    int session_hours;       /* session lifetime */
    int session_cache_s;     /* seconds a server keeps a session in memory, 0: never */
    int sessions_per_user;   /* live sessions of one account; a new one ends the oldest */
    char metrics_access[16]; /* GET /metrics: "coordinator", "anonymous" or "off" */
    int login_max_failures;  /* failures per email within login_window_minutes before refusing */
    int login_window_minutes;
    int payment_days;    /* invoice due date = issue date + payment_days */
    bool secure_cookies; /* add Secure to cookies (behind HTTPS) */
    /* messages (mail/): the relay as a libcurl URL (smtp://host:port, smtps://...),
     * "" = none (messages wait in the outbox); KM0_SMTP_URL overrides it */
    char smtp_url[512];
    char smtp_user[256];
    char smtp_password[256]; /* never logged, never shown */
    char smtp_tls[16];       /* smtp:// : "required" (STARTTLS or nothing), "try", "none" */
    int smtp_timeout_s;
    char smtp_ca_file[512]; /* PEM certificates the relay's is checked against; "" = the system's */
    char mail_from[256];    /* the sender address; "" = noreply@ the public_url's host */
    int mail_threads;       /* senders inside km0 serve; 0 = none (run km0 mail run) */
    int mail_batch;         /* messages claimed at once by one sender */
    int mail_retry_base_s;  /* first wait after a temporary failure, doubled each time */
    int mail_retry_max_s;   /* longest wait between two attempts */
    int mail_max_age_hours; /* a message still not accepted after this is failed */
    int mail_keep_sent_days; /* sent messages are removed after this */
    int account_idle_years;  /* consumer accounts idle this long are closed */
    char gazetteer[512];     /* the communes file (core/gazetteer.h), relative to km0's home */
    int invitation_days;     /* how long an invitation link stays valid */
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
