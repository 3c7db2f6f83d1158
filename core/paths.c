/*
 * core/paths.c — locate the project directory once per process.
 */
#include "paths.h"
#include "util.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char home[PATH_MAX];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int has_schema(const char *dir)
{
    char p[PATH_MAX + 16];
    struct stat st;
    snprintf(p, sizeof p, "%s/schema", dir);
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void find_home(void)
{
    const char *env = getenv("KM0_HOME");
    if (env && *env && strlen(env) < sizeof home) {
        strcpy(home, env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            if (has_schema(exe)) {
                snprintf(home, sizeof home, "%s", exe);
                return;
            }
        }
    }
    if (!getcwd(home, sizeof home))
        strcpy(home, ".");
}

const char *km0_home(void)
{
    pthread_once(&once, find_home);
    return home;
}

char *km0_path(char *out, const char *rel)
{
    if (snprintf(out, 1024, "%s/%s", km0_home(), rel) >= 1024)
        die("path too long: %s/%s", km0_home(), rel);
    return out;
}
