// Only os/user and net use cgo: build tags leave no C code at all.
package main

func main() {
	smokeUserNet()
	finish()
}
