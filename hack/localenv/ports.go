package localenv

import (
	"fmt"
	"net"
)

// FreeAddr returns a loopback host:port nobody listens on right now. The port is released
// before the caller binds it, which is good enough on a developer machine or a CI runner.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
