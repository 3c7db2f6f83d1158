/*
 * reports/report_fop.c — XSL-FO to PDF with Apache FOP, a child process.
 *
 * Each run gets a private directory under $TMPDIR holding the FO, the
 * attachments (the FO names them relative to itself), FOP's log and the PDF;
 * the directory is removed whatever happens, and out only ever receives a whole
 * PDF. FOP is a JVM: starting it dominates short documents, so unless the
 * environment already says otherwise the JVM is told to favour start-up
 * (JAVA_ARGS, read by Debian's fop wrapper).
 */
#include "../core/config.h"
#include "../core/files.h"
#include "../core/log.h"
#include "../core/paths.h"
#include "../core/util.h"
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define FOP_TIMEOUT_S 600
#define FOP_MAX_ARGS  32
#define JAVA_ARGS_DEFAULT                                                                          \
    "JAVA_ARGS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Djava.awt.headless=true"

static int fail(rpt_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(rpt_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = 500;
    err->code = "pdf_failed";
    err->field = NULL;
    return -1;
}

static bool attachment_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 100 || name[0] == '.' || !strncmp(name, "fop.", 4) ||
        !strncmp(name, "document.", 9))
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == '_'))
            return false;
    return true;
}

/* The line of FOP's log that says what went wrong: the first error, else the last line. */
static void log_reason(const char *log_path, char *out, size_t size)
{
    buf log = BUF_INIT;
    out[0] = '\0';
    if (file_read(log_path, &log, 0) == 0) {
        const char *s = buf_str(&log), *pick = NULL, *last = NULL;
        for (const char *line = s; *line;) {
            const char *eol = strchr(line, '\n');
            size_t n = eol ? (size_t)(eol - line) : strlen(line);
            if (n > 0 && strncmp(line, "[warning]", 9) != 0) {
                last = line;
                if (!pick && (memmem(line, n, "SEVERE", 6) || memmem(line, n, "ERROR", 5) ||
                              memmem(line, n, "Exception", 9)))
                    pick = line;
            }
            line = eol ? eol + 1 : line + n;
        }
        const char *l = pick ? pick : last;
        if (l) {
            size_t n = strcspn(l, "\n");
            snprintf(out, size, "%.*s", (int)(n < size - 1 ? n : size - 1), l);
        }
    }
    buf_free(&log);
}

/* environ, plus JAVA_ARGS when the caller's environment does not set it. */
static char **child_env(void)
{
    size_t n = 0;
    bool has_java_args = false;
    for (; environ[n]; n++)
        has_java_args |= !strncmp(environ[n], "JAVA_ARGS=", 10);
    char **env = xcalloc(n + 2, sizeof *env);
    memcpy(env, environ, n * sizeof *env);
    if (!has_java_args)
        env[n] = (char *)JAVA_ARGS_DEFAULT;
    return env;
}

/* Start FOP with argv and wait for it, at most FOP_TIMEOUT_S. Returns its exit
 * status, -1 when it could not start (errno), or -2 on timeout. */
static int run_fop(char **argv, const char *log_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char **env = child_env();
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    int status = 0;
    int64_t deadline = now_us() + (int64_t)FOP_TIMEOUT_S * 1000000;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        if (now_us() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -2;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Split the configured command into argv (words separated by spaces). */
static int command_words(char *cmd, char **argv, int max)
{
    int n = 0;
    for (char *save = NULL, *w = strtok_r(cmd, " \t", &save); w && n < max;
         w = strtok_r(NULL, " \t", &save))
        argv[n++] = w;
    return n;
}

static void config_path(char *out, size_t size)
{
    const char *dir = g_config.reports_dir[0] ? g_config.reports_dir : "reports";
    if (dir[0] == '/')
        snprintf(out, size, "%s/fop.xconf", dir);
    else
        snprintf(out, size, "%s/%s/fop.xconf", km0_home(), dir);
}

static int spawn_and_collect(const char *dir, const rpt_pdf_options *opt, buf *out, rpt_error *err)
{
    char fo_path[PATH_MAX + 16], pdf_path[PATH_MAX + 16], log_path[PATH_MAX + 16], conf[PATH_MAX];
    char cmd[sizeof g_config.fop];
    snprintf(fo_path, sizeof fo_path, "%s/document.fo", dir);
    snprintf(pdf_path, sizeof pdf_path, "%s/document.pdf", dir);
    snprintf(log_path, sizeof log_path, "%s/fop.log", dir);
    snprintf(cmd, sizeof cmd, "%s", g_config.fop);
    config_path(conf, sizeof conf);
    char *argv[FOP_MAX_ARGS + 12];
    int n = command_words(cmd, argv, FOP_MAX_ARGS);
    if (n == 0)
        return fail(err, "no FOP command configured (config key fop)");
    if (access(conf, R_OK) == 0) {
        argv[n++] = "-c";
        argv[n++] = conf;
    }
    if (opt && opt->profile) {
        argv[n++] = "-pdfprofile";
        argv[n++] = (char *)opt->profile;
    }
    argv[n++] = "-fo";
    argv[n++] = fo_path;
    argv[n++] = "-pdf";
    argv[n++] = pdf_path;
    argv[n] = NULL;
    int64_t t0 = now_us();
    int rc = run_fop(argv, log_path);
    if (rc == -1)
        return fail(err, "FOP cannot be started (\"%s\", config key fop): %s", g_config.fop,
                    strerror(errno));
    if (rc == -2)
        return fail(err, "FOP did not finish within %d s", FOP_TIMEOUT_S);
    char reason[300];
    if (rc != 0) {
        log_reason(log_path, reason, sizeof reason);
        return fail(err, "FOP failed (exit status %d): %s", rc, reason[0] ? reason : "no message");
    }
    buf pdf = BUF_INIT;
    if (file_read(pdf_path, &pdf, 0) != 0 || pdf.len < 8 || memcmp(pdf.data, "%PDF-", 5) != 0) {
        buf_free(&pdf);
        log_reason(log_path, reason, sizeof reason);
        return fail(err, "FOP made no PDF: %s", reason[0] ? reason : "no message");
    }
    buf_append(out, pdf.data, pdf.len);
    log_event(LOG_DEBUG, "report.fop", "bytes=%zu ms=%lld", pdf.len,
              (long long)((now_us() - t0) / 1000));
    buf_free(&pdf);
    return 0;
}

int rpt_pdf(const char *fo, size_t len, const rpt_pdf_options *opt, buf *out, rpt_error *err)
{
    char dir[PATH_MAX];
    if (temp_dir_make(dir, sizeof dir, "km0-fop") != 0)
        return fail(err, "cannot create a temporary directory: %s", strerror(errno));
    int rc = -1;
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/document.fo", dir);
    if (file_write(path, fo, len, true) != 0) {
        fail(err, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    for (size_t i = 0; opt && i < opt->nattachments; i++) {
        const rpt_attachment *a = &opt->attachments[i];
        if (!attachment_name_ok(a->name)) {
            fail(err, "bad attachment name \"%s\"", a->name);
            goto out;
        }
        snprintf(path, sizeof path, "%s/%s", dir, a->name);
        if (file_write(path, a->data, a->len, true) != 0) {
            fail(err, "cannot write %s: %s", path, strerror(errno));
            goto out;
        }
    }
    rc = spawn_and_collect(dir, opt, out, err);
out:
    if (!temp_dir_remove(dir))
        log_event(LOG_WARN, "report.tmp_left", "dir=%s errno=%d", dir, errno);
    return rc;
}
