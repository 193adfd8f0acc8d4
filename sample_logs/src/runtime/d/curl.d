// Runtime sample, std.net.curl variant: Phobos loads libcurl at run time with dlopen.
import std.net.curl : get;
import std.stdio : writeln;

void main()
{
    try
        writeln(get("http://localhost:1/").length);
    catch (Exception e)
        writeln("std.net.curl: ", e.msg);
}
