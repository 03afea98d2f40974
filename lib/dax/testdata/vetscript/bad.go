// Package bad holds calls of Script's printf-like methods that go vet must
// report; TestScript_GoVetChecksTheHolesOfItsMethods runs it.
package bad

import "github.com/godax/godax/lib/dax"

func holes(s *dax.Script, src string) {
	s.Run("cp %s %s", src)
	_ = s.Text("echo %d", src)
	s.JSON(nil, "echo %s %s", src)
	s.Require(false, "bad %d", src)
	s.Info("x %s")
}
