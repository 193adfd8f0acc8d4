// Failed-link sample: getpwnam from libc and a C function defined nowhere.
const std = @import("std");

const passwd = opaque {};
extern "c" fn getpwnam(name: [*:0]const u8) ?*passwd;
extern "c" fn no_such_function(x: c_int) c_int;

pub fn main() void {
    const pw = getpwnam("root");
    std.debug.print("{}\n", .{pw != null});
    std.debug.print("{}\n", .{no_such_function(@intFromBool(pw != null))});
}
