/* gtty is a stub in glibc ("gtty is not implemented and will always fail"); musl has none. The
   test builds this file together with c-nss/main.c. */
#include <sgtty.h>
#include <stdio.h>

__attribute__((constructor)) static void old_terminal_call(void) {
    static long params[16]; /* glibc leaves struct sgttyb incomplete */
    printf("gtty: %d\n", gtty(0, (struct sgttyb *)params));
}
