#include <pwd.h>
#include <stdio.h>

int lookup_user(const char *name)
{
    struct passwd *pw = getpwnam(name);
    if (pw == NULL)
        return 1;
    printf("%s uid=%u home=%s\n", pw->pw_name, (unsigned) pw->pw_uid, pw->pw_dir);
    return 0;
}
