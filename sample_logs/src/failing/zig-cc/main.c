/* Failed-link sample: one glibc NSS call (warns under static ld.bfd)
   and one call to a function that is defined nowhere. */
#include <pwd.h>
#include <stdio.h>

extern int no_such_function(int);

int main(void)
{
    struct passwd *pw = getpwnam("root");
    printf("%p\n", (void *) pw);
    return no_such_function(pw != NULL);
}
