module github.com/godax/godax/lib/dax/daxscript

go 1.26.0

require (
	github.com/bitfield/script v0.25.2
	github.com/godax/godax/lib/dax v0.0.0-00010101000000-000000000000
)

require (
	github.com/itchyny/gojq v0.12.13 // indirect
	github.com/itchyny/timefmt-go v0.1.5 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/term v0.48.0 // indirect
	mvdan.cc/sh/v3 v3.14.1 // indirect
)

replace github.com/godax/godax/lib/dax => ../
