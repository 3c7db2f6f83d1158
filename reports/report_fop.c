/*
 * reports/report_fop.c — XSL-FO to PDF with Apache FOP, a child process, a bounded
 * number at a time.
 *
 * Each run gets a private directory under $TMPDIR holding the FO, the
 * attachments (the FO names them relative to itself), FOP's log and the PDF;
 * the directory is removed whatever happens, and out only ever receives a whole
 * PDF. FOP is a JVM: starting it dominates short documents, so unless the
 * environment already says otherwise the JVM is told to favour start-up
 * (JAVA_ARGS, read by Debian's fop wrapper).
 *
 * A JVM takes a core and a hundred megabytes or more: at most render_slots FOP
 * runs (config; default one per core) go at once in a process, whoever asks —
 * the HTTP renderer pool (server/render_pool.c), the archive worker, the command
 * line. A caller waits for a slot until its deadline (then 503 "busy"), or as
 * long as it takes. The child dies with the thread that started it
 * (PR_SET_PDEATHSIG): a km0 killed with -9 leaves no JVM rendering for nobody.
 * It runs at a lower priority (nice 10), so that a machine busy rendering still
 * answers the shop and /healthz at once.
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
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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
#define FOP_NICE      10
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

/* The program to execute for cmd: itself when it names a path, else the first
 * executable of that name along PATH (found before fork: the child only execs). */
static bool resolve_program(const char *cmd, char *out, size_t size)
{
    if (strchr(cmd, '/')) {
        snprintf(out, size, "%s", cmd);
        return access(out, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(out, size, "%.*s/%s", (int)n, p, cmd);
        if (n && access(out, X_OK) == 0)
            return true;
        p += n + (p[n] == ':');
    }
    return false;
}

/* ---- slots: at most render_slots FOP runs at once ------------------------------ */

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_freed = PTHREAD_COND_INITIALIZER;
static int slots_busy;

int rpt_render_slots(void)
{
    if (g_config.render_slots > 0)
        return g_config.render_slots;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* Take a slot, waiting until deadline_us (now_us() clock; 0: as long as needed). */
static bool slot_take(int64_t deadline_us)
{
    pthread_mutex_lock(&slot_lock);
    while (slots_busy >= rpt_render_slots()) {
        if (!deadline_us) {
            pthread_cond_wait(&slot_freed, &slot_lock);
            continue;
        }
        int64_t left = deadline_us - now_us();
        if (left <= 0) {
            pthread_mutex_unlock(&slot_lock);
            return false;
        }
        /* the condition variable's clock is CLOCK_REALTIME: wait in short steps */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t step = left < 100000 ? left : 100000;
        ts.tv_nsec += (long)(step * 1000);
        ts.tv_sec += ts.tv_nsec / 1000000000;
        ts.tv_nsec %= 1000000000;
        pthread_cond_timedwait(&slot_freed, &slot_lock, &ts);
    }
    slots_busy++;
    pthread_mutex_unlock(&slot_lock);
    return true;
}

static void slot_give(void)
{
    pthread_mutex_lock(&slot_lock);
    slots_busy--;
    pthread_cond_signal(&slot_freed);
    pthread_mutex_unlock(&slot_lock);
}

int rpt_render_busy(void)
{
    pthread_mutex_lock(&slot_lock);
    int n = slots_busy;
    pthread_mutex_unlock(&slot_lock);
    return n;
}

/* Start FOP with argv and wait for it, at most FOP_TIMEOUT_S. Returns its exit
 * status, -1 when it could not start (errno), -2 on timeout, -3 when *cancel
 * became true (the child is killed either way). */
static int run_fop(const char *program, char **argv, const char *log_path,
                   const atomic_bool *cancel)
{
    char **env = child_env();
    int logfd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (logfd < 0) {
        free(env);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* the child: only async-signal-safe calls until exec */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127); /* the parent died before the line above */
        /* documents wait a little when the machine is busy; pages and the shop do not */
        (void)setpriority(PRIO_PROCESS, 0, FOP_NICE);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
            _exit(127);
        execve(program, argv, env);
        _exit(127);
    }
    int saved = errno;
    close(logfd);
    free(env);
    if (pid < 0) {
        errno = saved;
        return -1;
    }
    int status = 0, rc = 0;
    int64_t deadline = now_us() + (int64_t)FOP_TIMEOUT_S * 1000000;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        bool cancelled = cancel && atomic_load(cancel);
        if (cancelled || now_us() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return cancelled ? -3 : -2;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return rc;
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
    char program[PATH_MAX];
    if (!resolve_program(argv[0], program, sizeof program))
        return fail(err, "FOP cannot be started (\"%s\", config key fop): %s", g_config.fop,
                    "no such program");
    if (!slot_take(opt ? opt->deadline_us : 0)) {
        fail(err, "every renderer is busy (render_slots = %d)", rpt_render_slots());
        err->status = 503;
        err->code = "busy";
        return -1;
    }
    int64_t t0 = now_us();
    int rc = run_fop(program, argv, log_path, opt ? opt->cancel : NULL);
    slot_give();
    if (rc == -1)
        return fail(err, "FOP cannot be started (\"%s\", config key fop): %s", g_config.fop,
                    strerror(errno));
    if (rc == -2)
        return fail(err, "FOP did not finish within %d s", FOP_TIMEOUT_S);
    if (rc == -3) {
        fail(err, "the rendering was cancelled (the server is stopping)");
        err->code = "cancelled";
        err->status = 503;
        return -1;
    }
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
