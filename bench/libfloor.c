/*
 * bench/libfloor.c — the memory floor of km0's libraries: a process that loads
 * every library km0 links (and touches each once, so none is dropped or left
 * unmapped) and then waits. Its resident set is what km0 serve costs before
 * doing anything of its own; bench/order.sh reports km0's idle memory next to it.
 */
#include <cjson/cJSON.h>
#include <crypt.h>
#include <libpq-fe.h>
#include <libxml/xmlversion.h>
#include <libxslt/xsltconfig.h>
#include <libxslt/xslt.h>
#include <microhttpd.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    xmlCheckVersion(LIBXML_VERSION);
    printf("%d %s %s %d %s %s\n", PQlibVersion(), MHD_get_version(), cJSON_Version(),
           xsltLibxsltVersion, qpdf_get_qpdf_version(), crypt_preferred_method());
    fflush(stdout);
    pause();
    return 0;
}
