/*
 * server/http_accept.h — km0's own listening socket and the thread that accepts on
 * it, handing each connection to libmicrohttpd (MHD_add_connection).
 *
 * Why not libmicrohttpd's own accept: in its thread pool, the worker that wakes first
 * accepts up to ten waiting connections at once and keeps them, and each worker
 * answers its connections one request at a time (a request holds the worker's
 * database connection). A burst of clients (32 keep-alive connections of a
 * benchmark, a page's parallel requests behind a proxy) landed 0 to 7 per worker:
 * six of sixteen workers idle while one queued seven searches. MHD_add_connection
 * places a connection on the worker its socket number points to, the next one with
 * room: consecutive sockets go to consecutive workers.
 */
#ifndef KM0_HTTP_ACCEPT_H
#define KM0_HTTP_ACCEPT_H

#include <microhttpd.h>
#include <netinet/in.h>

/* Bind and listen on sa (SO_REUSEADDR and SO_REUSEPORT, as libmicrohttpd's
 * MHD_OPTION_LISTENING_ADDRESS_REUSE did); the bound port in *port. 0 or -1 (errno). */
/* libmicrohttpd's connection limit is connection_limit plus this per worker: the
 * limit is enforced by the accepting thread (server/http_accept.c says why). */
#define HTTP_ACCEPT_MHD_MARGIN 64

int http_accept_listen(const struct sockaddr_in *sa, unsigned *port);
/* Start accepting into d (started with MHD_USE_NO_LISTEN_SOCKET). */
int http_accept_start(struct MHD_Daemon *d);
/* Stop accepting (new connections are refused by the kernel) and close the socket;
 * connections already handed over stay with d. */
void http_accept_stop(void);

#endif
