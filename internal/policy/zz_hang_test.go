package policy

import (
	"math/rand"
	"os"
	"runtime"
	"testing"
	"time"
)

func TestZZHang(t *testing.T) {
	seeds := [][]byte{DefaultYAML, []byte(valid), []byte("a: [\n- x\na: &x [*x]\n<<: {a: 1}\n? [a]\n: 1\n---\n---\nviolations: {x: *y}")}
	rng := rand.New(rand.NewSource(1))
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		s := seeds[rng.Intn(len(seeds))]
		b := append([]byte(nil), s...)
		start := rng.Intn(len(b))
		end := start + rng.Intn(200)
		if end > len(b) { end = len(b) }
		b = b[start:end]
		for range rng.Intn(5) {
			if len(b) == 0 { break }
			switch rng.Intn(3) {
			case 0: b[rng.Intn(len(b))] = byte(rng.Intn(256))
			case 1: i := rng.Intn(len(b)); b = append(b[:i], b[i+1:]...)
			case 2: i := rng.Intn(len(b)); b = append(b[:i], append([]byte{"[]{}:-&*!|>'\"\n #,?"[rng.Intn(18)]}, b[i:]...)...)
			}
		}
		done := make(chan struct{})
		go func() { defer close(done); Parse("x", b) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			os.WriteFile("/tmp/hang.yaml", b, 0o644)
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("hang on %q\n%s", b, buf[:n])
		}
	}
}
