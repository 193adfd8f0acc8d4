/* libfoo: file helpers. Built with -D_FILE_OFFSET_BITS=64 and glibc headers,
   so fopen/fcntl are redirected to fopen64/fcntl64. */
#include <fcntl.h>
#include <stdio.h>
#include "foo.h"

FILE *foo_open(const char *path)
{
    return fopen(path, "r");
}

int foo_is_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags >= 0 && (flags & O_NONBLOCK) != 0;
}
