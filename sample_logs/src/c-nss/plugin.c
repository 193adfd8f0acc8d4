#include <dlfcn.h>
#include <stdio.h>

int load_plugin(const char *path)
{
    void *h = dlopen(path, RTLD_NOW);
    if (h == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    dlclose(h);
    return 0;
}
