package dax_test

import (
	"testing"

	"github.com/godax/godax/lib/dax"
)

// BenchmarkCmd_BuildWithSecret measures building (not running) a command
// with a secret, which now redacts every form of it from the shown text.
func BenchmarkCmd_BuildWithSecret(b *testing.B) {
	for b.Loop() {
		_ = dax.Cmd("docker login -u AWS -p %s %s", dax.Secret("eyJwYXlsb2FkIjoiZm9vIn0"), "registry.example.com:5000")
	}
}

// BenchmarkCmd_BuildWithoutSecret is the same command without a secret.
func BenchmarkCmd_BuildWithoutSecret(b *testing.B) {
	for b.Loop() {
		_ = dax.Cmd("docker login -u AWS -p %s %s", "eyJwYXlsb2FkIjoiZm9vIn0", "registry.example.com:5000")
	}
}
