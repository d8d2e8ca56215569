package devserver

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// local addresses a test request to the preview as a browser on this
// computer would (httptest.NewRequest's default Host is example.com).
func local(r *http.Request) *http.Request {
	r.Host = "localhost:1313"
	return r
}

// TestHostCheck: only requests addressed to this computer by a loopback
// name, or to an allowed host, are answered; others get 403 with the
// reason (DNS rebinding).
func TestHostCheck(t *testing.T) {
	s := New(nil)
	s.Publish(Update{Files: MapFiles{"index.html": []byte("<html><body>draft</body></html>")}})
	s.AllowHosts("192.168.1.20", "MyBox.lan")
	tests := []struct {
		host string
		ok   bool
	}{
		{"localhost:1313", true},
		{"LOCALHOST", true},
		{"localhost.:1313", true},
		{"preview.localhost:1313", true},
		{"127.0.0.1:1313", true},
		{"127.1.2.3", true},
		{"[::1]:1313", true},
		{"[::ffff:127.0.0.1]:1313", true},
		{"192.168.1.20:1313", true},
		{"mybox.lan:1313", true},
		{"evil.example:1313", false},
		{"localhost.evil.example", false},
		{"127.0.0.1.nip.io:1313", false},
		{"192.168.1.21:1313", false},
		{"0.0.0.0:1313", false},
		{"", false},
	}
	for _, tt := range tests {
		for _, p := range []string{"/", EventsPath + "?path=/", ScriptPath} {
			r := httptest.NewRequest("GET", p, nil)
			r.Host = tt.host
			w := httptest.NewRecorder()
			if !tt.ok {
				s.ServeHTTP(w, r)
				if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "DNS rebinding") || strings.Contains(w.Body.String(), "<body>") {
					t.Errorf("Host %q %s = %d %q, want 403 with the reason", tt.host, p, w.Code, w.Body.String())
				}
				continue
			}
			if p == EventsPath+"?path=/" {
				continue // a stream: TestEvents covers it
			}
			s.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Errorf("Host %q %s = %d, want 200", tt.host, p, w.Code)
			}
		}
	}
}

// TestAllowListener: listening on a non-loopback address allows requests
// addressed to it; on loopback nothing more is allowed.
func TestAllowListener(t *testing.T) {
	s := New(nil)
	s.allowListener(&net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 1313})
	if s.hostAllowed("10.1.2.3:1313") {
		t.Error("a loopback listener allowed another address")
	}
	s.allowListener(&net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 1313})
	if !s.hostAllowed("10.1.2.3:1313") || s.hostAllowed("10.1.2.4:1313") {
		t.Error("a listener on 10.1.2.3 does not allow exactly its address")
	}
	u := New(nil)
	u.allowListener(&net.TCPAddr{IP: net.IPv4zero, Port: 1313})
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() {
			host := net.JoinHostPort(ipn.IP.String(), "1313")
			if !u.hostAllowed(host) {
				t.Errorf("a listener on 0.0.0.0 does not allow this computer's address %s", host)
			}
		}
	}
	if u.hostAllowed("evil.example") {
		t.Error("a listener on 0.0.0.0 allows any name")
	}
}
