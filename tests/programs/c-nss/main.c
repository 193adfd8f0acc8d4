/* NSS lookups, dlopen and mktemp: each makes a glibc link warning in a static build. */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void check(int ok, const char *what) {
    if (!ok) {
        printf("  FAIL: %s\n", what);
        failures++;
    }
}

static int loopback(const char *host) {
    struct addrinfo hints, *res, *p;
    int found = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0)
        return 0;
    for (p = res; p; p = p->ai_next) {
        char text[INET6_ADDRSTRLEN] = "";
        void *addr = p->ai_family == AF_INET ? (void *)&((struct sockaddr_in *)p->ai_addr)->sin_addr
                                             : (void *)&((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
        inet_ntop(p->ai_family, addr, text, sizeof text);
        printf("getaddrinfo(%s): %s\n", host, text);
        found |= !strcmp(text, "127.0.0.1") || !strcmp(text, "::1");
    }
    freeaddrinfo(res);
    return found;
}

int main(void) {
    struct passwd *pw = getpwnam("root");
    printf("getpwnam(root): uid=%d\n", pw ? (int)pw->pw_uid : -1);
    check(pw && pw->pw_uid == 0, "root not found with uid 0");
    check(getpwnam("nosuchuser") == NULL, "nosuchuser found");
    puts("getpwnam(nosuchuser): not found");
    check(loopback("localhost"), "localhost did not resolve to a loopback address");
    /* Not judged: a static musl binary cannot dlopen at all. */
    void *lib = dlopen("libm.so.6", RTLD_NOW);
    printf("dlopen(libm.so.6): %s\n", lib ? "ok" : dlerror());
    char name[] = "/tmp/cgowarn-XXXXXX";
    printf("mktemp: %s\n", mktemp(name)[0] ? "ok" : "failed");
    if (failures) {
        printf("SMOKE FAIL: %d check(s)\n", failures);
        return 1;
    }
    puts("SMOKE PASS");
    return 0;
}
