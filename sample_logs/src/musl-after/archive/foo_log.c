/* libfoo: logging helpers. Built with glibc headers and -O2 -D_FORTIFY_SOURCE=2,
   so printf/fprintf/snprintf become __printf_chk/__fprintf_chk/__snprintf_chk. */
#include <stdio.h>
#include "foo.h"

void foo_log(FILE *out, const char *who, int code)
{
    char line[64];
    snprintf(line, sizeof line, "[%s] code=%d", who, code);
    fprintf(out, "%s\n", line);
}

void foo_banner(const char *name, int version)
{
    printf("libfoo %s v%d\n", name, version);
}
