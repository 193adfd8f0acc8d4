/* Failed-link sample: one glibc NSS call (warns under static ld.bfd/gold)
   and one call to a function that is defined nowhere. */
#include <pwd.h>
#include <stdio.h>

extern int cgowarn_missing_function(int);

int main(void)
{
    struct passwd *pw = getpwnam("root");
    printf("%p\n", (void *) pw);
    return cgowarn_missing_function(pw != NULL);
}
