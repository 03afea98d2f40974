package daxtest

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/godax/godax/lib/dax"
)

var update = flag.Bool("update", false, "write daxtest's golden transcripts instead of comparing them")

// entry is one program in a transcript.
type entry struct {
	run  uint64 // the dax command's run (dax.RunInfo.ID)
	pos  int    // where the program's name is in the command's text
	seq  int    // the order the programs started in
	line string
}

// Golden makes the Shell keep a transcript of the programs it runs, and
// compare it, when the test ends, with the golden file at path: normally
// testdata/NAME.golden, relative to the test's package. With the -update
// flag the transcript is written to path instead. A difference fails the
// test with the lines that differ.
//
// The transcript has a line per program: "$ ", its arguments quoted as
// the shell reads them, secrets as ***, and "  # exit N". Programs are in
// the order of the dax commands they are part of; within one command, in
// the order their names appear in its text, so that the stages of a
// pipeline, which run at the same time, are always in the same order.
// Commands started in the background ([dax.Command.Start]) are where they
// first ran a program.
func (s *Shell) Golden(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.golden = path
}

// record adds the program argv of the command run, which started as the
// seq-th program and exited with code, to the transcript.
func (s *Shell) record(run dax.RunInfo, seq int, argv []string, code int) {
	line := "$ " + commandLine(argv, run.Secrets)
	if code < 0 {
		line += "  # failed to run"
	} else {
		line += fmt.Sprintf("  # exit %d", code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ran = append(s.ran, entry{run: run.ID, pos: strings.Index(run.Command, quoteWord(argv[0], run.Secrets)), seq: seq, line: line})
}

// transcript returns what ran, as [Shell.Golden] describes. s.mu must be
// held.
func (s *Shell) transcript() string {
	entries := slices.Clone(s.ran)
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.run, b.run), cmp.Compare(a.pos, b.pos), cmp.Compare(a.seq, b.seq))
	})
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.line)
		b.WriteByte('\n')
	}
	return b.String()
}

// checkGolden compares the transcript with the golden file, or writes it
// there with -update. s.mu must be held.
func (s *Shell) checkGolden() {
	s.t.Helper()
	got := s.transcript()
	if *update {
		if err := writeFile(s.golden, got); err != nil {
			s.t.Errorf("daxtest: update golden transcript: %v", err)
		}
		return
	}
	want, err := os.ReadFile(s.golden)
	if errors.Is(err, fs.ErrNotExist) {
		s.t.Errorf("daxtest: golden transcript %s does not exist; run the test with -update to write it", s.golden)
		return
	}
	if err != nil {
		s.t.Errorf("daxtest: golden transcript: %v", err)
		return
	}
	if got != string(want) {
		s.t.Errorf("daxtest: the commands differ from the golden transcript %s (-golden +ran; -update writes it):\n%s", s.golden, lineDiff(string(want), got))
	}
}

// writeFile writes text to path atomically, making its directory.
func writeFile(path, text string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := f.WriteString(text)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(f.Name()) // the write failed: its temp file is of no use
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// lineDiff shows the lines of want and got, those only in want marked
// "-", those only in got "+", from their longest common subsequence.
func lineDiff(want, got string) string {
	a := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	b := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out.WriteString("  " + a[i] + "\n")
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			out.WriteString("- " + a[i] + "\n")
			i++
		default:
			out.WriteString("+ " + b[j] + "\n")
			j++
		}
	}
	return out.String()
}
