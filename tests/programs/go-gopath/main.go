// Built in GOPATH mode outside GOPATH (GO111MODULE=off, no go.mod): go names the package after
// its directory, _/path/to/go-gopath, a name no go command accepts.
package main

func main() {
	smokeUserNet()
	finish()
}
