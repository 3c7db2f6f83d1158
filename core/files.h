/*
 * core/files.h — whole files in and out, and private temporary directories.
 *
 * The few places km0 touches the filesystem (migrations, seeding, FOP's working
 * directory, Factur-X, the CLI's -o) share these, so each gets EINTR, partial
 * writes and the write-then-rename dance right the same way.
 */
#ifndef KM0_FILES_H
#define KM0_FILES_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Write all of data to fd, retrying after EINTR and short writes. 0 or -1 (errno). */
int fd_write_all(int fd, const void *data, size_t len);
/* Append the file's bytes to out (at most max bytes; 0 = no limit: -1 with EFBIG past
 * it). 0 or -1 (errno). */
int file_read(const char *path, buf *out, size_t max);
/* Create path (mode 0600; exclusive refuses an existing file) holding data. */
int file_write(const char *path, const void *data, size_t len, bool exclusive);
/* Replace path atomically: path.tmp written, flushed to disk, renamed over path;
 * nothing is left behind on failure. path NULL writes to standard output. */
int file_replace(const char *path, const void *data, size_t len);
/* A new private directory $TMPDIR/PREFIX-xxxxxx (mode 0700) in out. 0 or -1 (errno). */
int temp_dir_make(char *out, size_t size, const char *prefix);
/* Remove the files of dir, then dir; false when something was left. */
bool temp_dir_remove(const char *dir);

#endif
