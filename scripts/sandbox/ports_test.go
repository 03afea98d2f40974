package sandbox

import (
	"net"
	"strconv"
	"testing"
)

func TestFreePorts_ReturnsDistinctBindablePorts(t *testing.T) {
	t.Parallel()
	ports, err := freePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ports) != 3 {
		t.Fatalf("freePorts(3) = %v", ports)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if seen[p] {
			t.Errorf("port %d picked twice in %v", p, ports)
		}
		seen[p] = true
		if !portFree(p) {
			t.Errorf("picked port %d is not free", p)
		}
	}
}

func TestPortFree_IsFalseForAPortInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	p, _ := strconv.Atoi(port)
	if portFree(p) {
		t.Errorf("portFree(%d) = true while it is listened on", p)
	}
}
