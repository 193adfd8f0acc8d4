// Runtime sample: Phobos std.socket name lookups (getaddrinfo, gethostbyname), no extern(C) of ours.
import std.socket : getAddress, InternetHost;
import std.stdio : writeln;

void main()
{
    writeln("getAddress localhost: ", getAddress("localhost")[0]);
    auto ih = new InternetHost;
    writeln("getHostByName localhost: ", ih.getHostByName("localhost") ? ih.name : "failed");
}
