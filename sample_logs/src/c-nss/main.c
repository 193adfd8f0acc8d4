/* Static-glibc sample: each helper calls one libc function that carries a
   link-time warning in libc.a (NSS, dlopen, dangerous temp-file APIs). */
#include <stdio.h>

int lookup_user(const char *name);
int resolve_host(const char *host);
int resolve_host_legacy(const char *host);
int load_plugin(const char *path);
int make_temp_names(void);

int main(int argc, char **argv)
{
    const char *who = argc > 1 ? argv[1] : "root";
    int rc = 0;
    rc |= lookup_user(who);
    rc |= resolve_host("localhost");
    rc |= resolve_host_legacy("localhost");
    rc |= load_plugin("libm.so.6");
    rc |= make_temp_names();
    printf("rc=%d\n", rc);
    return 0;
}
