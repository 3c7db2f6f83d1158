/*
 * server/http_accept.c — the accepting thread (why: server/http_accept.h).
 *
 * accept4 blocks; shutdown() of the listening socket wakes it for the stop. A failure
 * that says the process or the machine is out of something (descriptors, memory) is
 * logged once a second at most and waited out, never spun on.
 *
 * connection_limit is enforced here, before the hand-over: libmicrohttpd 0.9.75 refusing
 * a connection added this way because its worker is full leaves that worker unable to
 * stop (MHD_stop_daemon never returns: slowclients.test.mjs). Its own limit is set
 * above ours (HTTP_ACCEPT_MHD_MARGIN more per worker) so that it never refuses one.
 */
#include "http_accept.h"
#include "../core/config.h"
#include "../core/log.h"
#include "conn_limits.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int listen_fd = -1;
static struct MHD_Daemon *daemon_of;
static pthread_t acceptor;
static bool started;
static atomic_bool stopping;

int http_accept_listen(const struct sockaddr_in *sa, unsigned *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int on = 1;
    struct sockaddr_in bound;
    socklen_t len = sizeof bound;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0 ||
        bind(fd, (const struct sockaddr *)sa, sizeof *sa) != 0 || listen(fd, SOMAXCONN) != 0 ||
        getsockname(fd, (struct sockaddr *)&bound, &len) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *port = ntohs(bound.sin_port);
    listen_fd = fd;
    return 0;
}

static void *accept_loop(void *arg)
{
    (void)arg;
    time_t last_warned = 0, last_full = 0;
    while (!atomic_load(&stopping)) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int fd = accept4(listen_fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (atomic_load(&stopping))
                break;
            if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN || errno == EPROTO)
                continue;
            time_t now = time(NULL);
            if (now != last_warned) {
                log_event(LOG_WARN, "http.accept_failed", "errno=%d", errno);
                last_warned = now;
            }
            usleep(50 * 1000); /* out of descriptors or memory: let connections close */
            continue;
        }
        if (conn_limits_live() >= (size_t)g_config.connection_limit) {
            close(fd);
            time_t now = time(NULL);
            if (now != last_full) {
                log_event(LOG_INFO, "http.connection_limit", "limit=%d", g_config.connection_limit);
                last_full = now;
            }
            continue;
        }
        /* refused (per-address limit): libmicrohttpd closes it */
        MHD_add_connection(daemon_of, fd, (const struct sockaddr *)&peer, len);
    }
    return NULL;
}

int http_accept_start(struct MHD_Daemon *d)
{
    daemon_of = d;
    atomic_store(&stopping, false);
    if (pthread_create(&acceptor, NULL, accept_loop, NULL) != 0)
        return -1;
    started = true;
    return 0;
}

void http_accept_stop(void)
{
    atomic_store(&stopping, true);
    if (listen_fd >= 0)
        shutdown(listen_fd, SHUT_RDWR); /* wakes accept4 with EINVAL */
    if (started)
        pthread_join(acceptor, NULL);
    started = false;
    if (listen_fd >= 0)
        close(listen_fd);
    listen_fd = -1;
}
