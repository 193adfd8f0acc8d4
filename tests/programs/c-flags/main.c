/* A C build with flags and a library the fix must keep: -O2, gold, --gc-sections, -lm (cbrt). */
#include <math.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    (void)argv;
    int failures = 0;
    struct passwd *pw = getpwnam("root");
    printf("getpwnam(root): uid=%d\n", pw ? (int)pw->pw_uid : -1);
    failures += !(pw && pw->pw_uid == 0);
    failures += getpwnam("nosuchuser") != NULL;
    struct addrinfo *res;
    int rc = getaddrinfo("localhost", NULL, NULL, &res);
    printf("getaddrinfo(localhost): %s\n", rc == 0 ? "ok" : gai_strerror(rc));
    failures += rc != 0;
    if (rc == 0)
        freeaddrinfo(res);
    volatile double x = 27.0 * argc;
    printf("cbrt(27): %.1f\n", cbrt(x));
    failures += fabs(cbrt(x) - 3.0) > 1e-9;
    if (failures) {
        printf("SMOKE FAIL: %d check(s)\n", failures);
        return 1;
    }
    puts("SMOKE PASS");
    return 0;
}
