// Package vetbad holds calls with holes and arguments that do not match,
// which go vet must report (see TestCmd_GoVetReportsWrongHoleCounts).
package vetbad

import "github.com/godax/godax/lib/dax"

func tag(sh *dax.Shell, src, dst string) {
	_ = dax.Cmd("docker tag %s %s", src)
	_ = sh.Cmd("docker push %s", src, dst)
	_ = dax.Cmd("docker images --format %d", src)
	_ = dax.Cmd("date +%Y%m%d")
	dax.Info("pushed %s in %s", src)
	sh.Warn("retrying %d", src)
}

func script(s *dax.Script, src string) {
	s.Run("cp %s %s", src)
	_ = s.Text("echo %d", src)
	s.JSON(nil, "echo %s %s", src)
	s.Require(false, "bad %d", src)
	s.Info("x %s")
}
