/*
 * server/desk_batch_file.c — downloading a recorded SEPA batch's file again from the
 * desk: the direct debits' pain.008 (p_desk_sepa.c) and the producers' transfers'
 * pain.001 (p_desk_settle.c).
 *
 * Both pages record a batch by a POST and offer its file afterwards, rebuilt from what
 * was recorded, so that a download that failed can simply be made again. The reply is
 * the same for both (what a failed load says, the file served as "<message id>.xml"),
 * written here once so the two downloads cannot drift apart.
 */
#include "desk.h"

void desk_batch_file(http_req *req, int st, const void *doc, desk_file_writer write,
                     const char *message_id, const char *missing_code, const char *missing)
{
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!doc) {
        http_reply_error(req, 404, missing_code, missing, NULL);
        return;
    }
    buf file = BUF_INIT;
    if (write(doc, &file) != 0) {
        buf_free(&file);
        http_reply_db_error(req, DB_ERROR);
        return;
    }
    http_reply_bytes(req, 200, "application/xml; charset=utf-8", file.data, file.len,
                     arena_printf(req->mem, "%s.xml", message_id));
    buf_free(&file);
}
