/* libfoo: parsing helper. With glibc headers sscanf is redirected to __isoc99_sscanf. */
#include <stdio.h>
#include "foo.h"

int foo_parse_version(const char *s, int *major, int *minor)
{
    return sscanf(s, "%d.%d", major, minor) == 2;
}
