/* Second C sample: glibc functions with "dangerous", "obsolete", stub and
   deprecation link warnings, plus two more NSS lookups. */
#define _GNU_SOURCE
#include <grp.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sgtty.h>

/* gets() is no longer declared by <stdio.h> for C11 and later. */
extern char *gets(char *);

static int nss_lookups(void)
{
    struct group *gr = getgrnam("root");
    struct servent *se = getservbyname("http", "tcp");
    return (gr == NULL) + (se == NULL);
}

static int legacy_calls(void)
{
    char line[128];
    static char tty[64]; /* struct sgttyb is left incomplete by glibc */
    int rc = 0;
    if (gets(line) == NULL)
        rc++;
    rc += siggetmask() != 0;
    rc += gtty(0, (struct sgttyb *) tty) != 0;
    rc += revoke("/dev/null") != 0;
    return rc;
}

static int thread_attr(void)
{
    static char stack[1 << 16];
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    int rc = pthread_attr_setstackaddr(&attr, stack + sizeof stack);
    pthread_attr_destroy(&attr);
    return rc;
}

int main(void)
{
    int rc = nss_lookups() + legacy_calls() + thread_attr();
    printf("rc=%d\n", rc);
    return 0;
}
