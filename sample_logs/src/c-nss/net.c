#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int resolve_host(const char *host)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int err = getaddrinfo(host, "80", &hints, &res);
    if (err != 0)
        return 1;
    freeaddrinfo(res);
    return 0;
}

int resolve_host_legacy(const char *host)
{
    struct hostent *he = gethostbyname(host);
    if (he == NULL)
        return 1;
    printf("%s -> %s\n", host, he->h_name);
    return 0;
}
