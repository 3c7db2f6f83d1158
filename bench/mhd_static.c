/*
 * bench/mhd_static.c — the baseline for the shop page benchmark: libmicrohttpd
 * with the settings km0 serve uses (internal polling thread, epoll, the same
 * thread pool, limits and timeouts, kept-alive connections), answering every
 * request with the bytes of a file held in memory. Whatever km0 does beyond this
 * is the cost of the page.
 *
 *   mhd_static FILE PORT THREADS [CONTENT-ENCODING]
 *
 * With a content coding ("br", "gzip") the file is sent as those bytes with that
 * Content-Encoding: the baseline for a compressed page (bench/shop_wire.sh).
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *page;
static size_t page_len;
static const char *coding;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)cls, (void)url, (void)method, (void)version, (void)upload, (void)upload_size;
    /* Answer on the second call, once the request is read whole, as km0 does: a reply
     * queued on the first call makes libmicrohttpd close the connection after it
     * (it cannot know the body was read), so every request would pay a new TCP
     * connection, a baseline several times slower than the server it stands for. */
    static int seen;
    if (!*state) {
        *state = &seen;
        return MHD_YES;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(page_len, page, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    if (coding) {
        MHD_add_response_header(r, "Content-Encoding", coding);
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
    }
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

static volatile sig_atomic_t stop;
static void on_signal(int s)
{
    (void)s;
    stop = 1;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: mhd_static FILE PORT THREADS [CONTENT-ENCODING]\n");
        return 2;
    }
    coding = argc == 5 ? argv[4] : NULL;
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 1;
    fseek(f, 0, SEEK_END);
    page_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    page = malloc(page_len + 1);
    if (!page || fread(page, 1, page_len, f) != page_len)
        return 1;
    fclose(f);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, (uint16_t)atoi(argv[2]),
        NULL, NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[3]),
        MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_END);
    if (!d)
        return 1;
    while (!stop)
        pause();
    MHD_stop_daemon(d);
    free(page);
    return 0;
}
