module github.com/godax/godax/lib/dax

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/term v0.48.0
	mvdan.cc/sh/v3 v3.14.1
)

require golang.org/x/sys v0.50.0 // indirect
