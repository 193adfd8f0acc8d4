// Failed-link sample: getpwnam from druntime's POSIX bindings and a C
// function defined nowhere.
import core.sys.posix.pwd : getpwnam, passwd;
import core.stdc.stdio : printf;

extern (C) int no_such_function(int);

void main()
{
    passwd* pw = getpwnam("root");
    printf("%p\n", pw);
    printf("%d\n", no_such_function(pw !is null));
}
