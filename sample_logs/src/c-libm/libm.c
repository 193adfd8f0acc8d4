/* Failed-link sample: math functions from glibc's libm, linked without -lm. The values come
   from the command line, so that gcc cannot compute them at compile time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    double x = argc > 1 ? atof(argv[1]) : 0.5;
    printf("%f %f %f %f %f\n", sin(x), cos(x), pow(x, 3.0), sqrt(x), floor(x * 10));
    return 0;
}
