#ifndef FOO_H
#define FOO_H
#include <stdio.h>
void foo_log(FILE *out, const char *who, int code);
void foo_banner(const char *name, int version);
FILE *foo_open(const char *path);
int foo_is_nonblock(int fd);
int foo_parse_version(const char *s, int *major, int *minor);
#endif
