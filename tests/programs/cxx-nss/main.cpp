// C++: the lookups sit in class methods in a namespace, so the linker names demangled C++ functions.
#include <arpa/inet.h>
#include <netdb.h>
#include <pwd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace netutil {

class Resolver {
  public:
    bool lookup_user(const std::string &name, unsigned *uid) const {
        const passwd *pw = getpwnam(name.c_str());
        if (pw == nullptr) return false;
        *uid = pw->pw_uid;
        return true;
    }

    bool resolves_to_loopback(const std::string &host) const {
        addrinfo hints{}, *res = nullptr;
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return false;
        bool found = false;
        for (addrinfo *p = res; p != nullptr; p = p->ai_next) {
            char text[INET6_ADDRSTRLEN] = "";
            const void *addr = p->ai_family == AF_INET
                                   ? static_cast<const void *>(&reinterpret_cast<sockaddr_in *>(p->ai_addr)->sin_addr)
                                   : static_cast<const void *>(&reinterpret_cast<sockaddr_in6 *>(p->ai_addr)->sin6_addr);
            inet_ntop(p->ai_family, addr, text, sizeof text);
            std::printf("getaddrinfo(%s): %s\n", host.c_str(), text);
            found = found || !std::strcmp(text, "127.0.0.1") || !std::strcmp(text, "::1");
        }
        freeaddrinfo(res);
        return found;
    }
};

}  // namespace netutil

int main() {
    netutil::Resolver resolver;
    int failures = 0;
    unsigned uid = 1;
    if (!resolver.lookup_user("root", &uid) || uid != 0) failures++, std::puts("  FAIL: root");
    if (resolver.lookup_user("nosuchuser", &uid)) failures++, std::puts("  FAIL: nosuchuser found");
    if (!resolver.resolves_to_loopback("localhost")) failures++, std::puts("  FAIL: localhost");
    std::puts(failures ? "SMOKE FAIL" : "SMOKE PASS");
    return failures ? 1 : 0;
}
