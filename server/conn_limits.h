/*
 * server/conn_limits.h — bounds on what one client connection may cost.
 *
 * libmicrohttpd's MHD_OPTION_CONNECTION_TIMEOUT is an inactivity timeout: a client
 * that sends one byte of its headers every few seconds resets it forever (slowloris),
 * so a few hundred such connections hold every slot. km0 adds a deadline: a
 * request's headers must arrive whole within connection_timeout_s of the connection
 * opening (or of the previous reply, on a kept-alive connection); past it the
 * connection is shut down. The count of connections per client address is
 * libmicrohttpd's (MHD_OPTION_PER_IP_CONNECTION_LIMIT, connections_per_address).
 */
#ifndef KM0_CONN_LIMITS_H
#define KM0_CONN_LIMITS_H

#include <microhttpd.h>

/* MHD_OPTION_NOTIFY_CONNECTION callback: registers and forgets connections. */
void conn_limits_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                        enum MHD_ConnectionNotificationCode code);
/* The request's headers are in (the handler runs): no header deadline until the reply. */
void conn_limits_request_started(struct MHD_Connection *conn);
/* The reply went out: the next request's headers are due within the timeout. */
void conn_limits_request_done(struct MHD_Connection *conn);
/* Shut down connections past their header deadline; called by the serving loop. */
void conn_limits_sweep(void);
/* Connections libmicrohttpd serves now (started, not yet closed). */
size_t conn_limits_live(void);

#endif
