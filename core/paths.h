/*
 * core/paths.h — where km0 finds its own files (schema/, reports/, server/static/).
 */
#ifndef KM0_PATHS_H
#define KM0_PATHS_H

/* The project directory: $KM0_HOME, else the directory above the one holding the
 * km0 executable when it contains schema/, else the current directory. */
const char *km0_home(void);
/* km0_home()/rel in a static-lifetime string (cached per rel is not needed: callers
 * copy). out must hold 1024 bytes. */
char *km0_path(char *out, const char *rel);

#endif
