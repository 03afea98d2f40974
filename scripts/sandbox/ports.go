package sandbox

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// freePorts returns n distinct TCP ports that are free on 127.0.0.1 now.
// It holds every listener open until all are picked, so the ports differ.
func freePorts(n int) ([]int, error) {
	var (
		listeners []net.Listener
		err       error
	)
	for range n {
		var l net.Listener
		l, err = net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			err = fmt.Errorf("pick a free port on 127.0.0.1: %w", err)
			break
		}
		listeners = append(listeners, l)
	}
	ports := make([]int, 0, n)
	for _, l := range listeners {
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		err = errors.Join(err, l.Close())
	}
	if err != nil {
		return nil, err
	}
	return ports, nil
}

// portFree reports whether port can be listened on at 127.0.0.1 now.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	return l.Close() == nil
}
