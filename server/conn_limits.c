/*
 * server/conn_limits.c — the header deadline of every connection (see conn_limits.h).
 *
 * Each connection has an entry, made when libmicrohttpd accepts it and removed when
 * it closes it. The serving loop sweeps them a few times a second: a connection
 * still waiting for whole headers past its deadline is shut down (shutdown(2), not
 * close(2): libmicrohttpd owns the descriptor, sees the end of the stream and cleans
 * up as for any client that went away). The mutex covers the sweep and the removal,
 * so a descriptor is never shut down after libmicrohttpd closed it (and perhaps gave
 * its number to another connection): the removal happens before the close.
 */
#include "conn_limits.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../core/util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>

typedef struct conn_entry {
    int fd;
    int64_t since_us; /* connection opened, or last reply sent */
    bool in_request;  /* headers received, reply not yet sent */
    bool shut;        /* already shut down by the sweep */
    struct conn_entry *prev, *next;
} conn_entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static conn_entry *head;
static size_t live; /* entries in the list */

static conn_entry *entry_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

size_t conn_limits_live(void)
{
    pthread_mutex_lock(&lock);
    size_t n = live;
    pthread_mutex_unlock(&lock);
    return n;
}

void conn_limits_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                        enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_entry *e = xcalloc(1, sizeof *e);
        e->fd = ci ? (int)ci->connect_fd : -1;
        e->since_us = now_us();
        pthread_mutex_lock(&lock);
        e->next = head;
        if (head)
            head->prev = e;
        head = e;
        live++;
        pthread_mutex_unlock(&lock);
        *socket_context = e;
        return;
    }
    conn_entry *e = *socket_context;
    if (!e)
        return;
    pthread_mutex_lock(&lock);
    if (e->prev)
        e->prev->next = e->next;
    else
        head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    live--;
    pthread_mutex_unlock(&lock);
    free(e);
    *socket_context = NULL;
}

static void mark(struct MHD_Connection *conn, bool in_request)
{
    conn_entry *e = entry_of(conn);
    if (!e)
        return;
    pthread_mutex_lock(&lock);
    e->in_request = in_request;
    e->since_us = now_us();
    pthread_mutex_unlock(&lock);
}

void conn_limits_request_started(struct MHD_Connection *conn)
{
    mark(conn, true);
}

void conn_limits_request_done(struct MHD_Connection *conn)
{
    mark(conn, false);
}

void conn_limits_sweep(void)
{
    int64_t deadline = now_us() - (int64_t)g_config.connection_timeout_s * 1000000;
    int n = 0;
    pthread_mutex_lock(&lock);
    for (conn_entry *e = head; e; e = e->next)
        if (!e->in_request && !e->shut && e->fd >= 0 && e->since_us < deadline) {
            shutdown(e->fd, SHUT_RDWR);
            e->shut = true;
            n++;
        }
    pthread_mutex_unlock(&lock);
    if (n)
        log_event(LOG_INFO, "http.slow_clients_closed", "connections=%d timeout_s=%d", n,
                  g_config.connection_timeout_s);
}
