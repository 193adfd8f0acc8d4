/* Uses zlib; linked with musl-gcc -static -lz while only glibc's libz.a
   (/usr/lib/x86_64-linux-gnu/libz.a, zlib1g-dev) is installed.
   zlib.h is not included: musl-gcc's -nostdinc drops /usr/include, so
   #include <zlib.h> would already fail at compile time. */
#include <stdio.h>

extern const char *zlibVersion(void);

int main(void)
{
    printf("zlib %s\n", zlibVersion());
    return 0;
}
