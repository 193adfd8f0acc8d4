#include <stdio.h>
#include <stdlib.h>

int make_temp_names(void)
{
    char tmpl[] = "/tmp/cgowarn-XXXXXX";
    char buf[L_tmpnam];
    if (mktemp(tmpl)[0] == '\0')
        return 1;
    if (tmpnam(buf) == NULL)
        return 1;
    printf("%s %s\n", tmpl, buf);
    return 0;
}
