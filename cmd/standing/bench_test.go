package main

import (
	"strings"
	"testing"
)

func TestBenchLoadsARunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	dir := t.TempDir()
	key := strings.TrimSpace(standingOut(t, "apikey", "create", "--name", "bench", "--data", dir))
	_, base := startServer(t, []string{"--data", dir, "--log-level", "error"})
	out, _, err := runCLI(t, "bench", "intake", "--url", base, "--key", key, "--duration", "1s", "--clients", "2", "--batch", "20")
	if err != nil || !strings.Contains(out, "events/s") || !strings.Contains(out, "0 requests failed") {
		t.Fatalf("bench intake: %v\n%s", err, out)
	}
	_, _, err = runCLI(t, "bench", "standing", "--url", base, "--key", "stk_wrong", "--duration", "500ms", "--clients", "1")
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("a wrong key must fail saying why: %v", err)
	}
	if _, _, err := runCLI(t, "bench", "nonsense"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("bench without a kind: %v", err)
	}
}
