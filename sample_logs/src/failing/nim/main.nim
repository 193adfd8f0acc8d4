# Failed-link sample: getpwnam from libc and a C function defined nowhere.
proc getpwnam(name: cstring): pointer {.importc: "getpwnam", header: "<pwd.h>".}
proc noSuchFunction(x: cint): cint {.importc: "no_such_function", cdecl.}

let pw = getpwnam("root")
echo pw != nil
echo noSuchFunction(cint(ord(pw != nil)))
