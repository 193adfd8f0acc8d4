/* Links against libfoo.a, which was compiled with gcc and glibc's headers,
   using musl-gcc -static: the glibc-only symbols stay undefined. */
#include <stdio.h>
#include "foo.h"

int main(void)
{
    int major = 0, minor = 0;
    FILE *f;

    foo_banner("demo", 1);
    if (foo_parse_version("1.2", &major, &minor))
        foo_log(stderr, "version", major * 100 + minor);
    f = foo_open("/etc/hostname");
    if (f)
        fclose(f);
    return foo_is_nonblock(0);
}
