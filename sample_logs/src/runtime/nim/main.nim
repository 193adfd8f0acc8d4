# Runtime sample: Nim's std/nativesockets, std/posix and std/dynlib, no importc of ours.
import std/[nativesockets, posix, dynlib]

let pw = getpwnam("root")
echo "getpwnam root: ", (if pw == nil: "nil" else: $pw.pw_dir)
let gr = getgrnam("root")
echo "getgrnam root: ", (if gr == nil: "nil" else: $gr.gr_gid)
let ai = getAddrInfo("localhost", Port(80), Domain.AF_INET)
echo "getAddrInfo localhost: ", (if ai == nil: "nil" else: "ok")
freeAddrInfo(ai)
echo "getHostByName localhost: ", getHostByName("localhost").name
let lib = loadLib("libm.so.6")
echo "loadLib libm.so.6: ", (if lib == nil: "nil" else: "ok")
