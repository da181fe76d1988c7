package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/policy"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestPolicyCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, policy.DefaultYAML, 0o600)
	out, _, err := runCLI(t, "policy", "check", good)
	if err != nil || !strings.Contains(out, "OK") || !strings.Contains(out, "fraud") {
		t.Fatalf("the shipped policy should check: %v %s", err, out)
	}
	bad := filepath.Join(dir, "bad.yaml")
	src := strings.Replace(string(policy.DefaultYAML), "severity: critical", "severty: critical", 1)
	src = strings.Replace(src, "response_window: 336h", "response_window: 14d", 1)
	os.WriteFile(bad, []byte(src), 0o600)
	out, _, err = runCLI(t, "policy", "check", bad)
	if err == nil || !strings.Contains(err.Error(), "problem") {
		t.Fatalf("a bad policy must fail: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 {
		t.Fatalf("want every problem reported, got %q", out)
	}
	for _, want := range []string{"bad.yaml:", "severty", "14d"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output does not mention %q:\n%s", want, out)
		}
	}
}

func TestAuditVerifyWithCheckpoint(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, "apikey", "create", "--name", "ops", "--data", dir); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "audit", "verify", "--data", dir)
	if err != nil || !strings.HasPrefix(out, "OK: 1 records verify") {
		t.Fatalf("verify: %v %s", err, out)
	}
	cp := strings.TrimSpace(strings.TrimPrefix(strings.Split(out, "\n")[1], "checkpoint: "))
	if _, _, err := runCLI(t, "apikey", "create", "--name", "ops2", "--data", dir); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCLI(t, "audit", "verify", "--data", dir, "--checkpoint", cp); err != nil {
		t.Fatalf("a later chain must still match an earlier checkpoint: %v %s", err, out)
	}
	if _, _, err := runCLI(t, "audit", "verify", "--data", dir, "--checkpoint", "5:"+strings.Repeat("ab", 32)); err == nil {
		t.Fatal("a checkpoint past the end must fail: the tail was truncated")
	}
	if _, _, err := runCLI(t, "audit", "verify", "--data", dir, "--checkpoint", "nonsense"); err == nil || !strings.Contains(err.Error(), "SEQ:HASH") {
		t.Fatalf("a malformed checkpoint must say the format: %v", err)
	}
}

func TestCommandLineMistakes(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"apikey", "create"}, "--name is required"},
		{[]string{"apikey", "create", "--name", "has space", "--data", t.TempDir()}, "name"},
		{[]string{"policy", "check"}, "usage"},
		{[]string{"policy", "check", "/nonexistent.yaml"}, "nonexistent"},
		{[]string{"serve", "--addr", "nonsense"}, "HOST:PORT"},
		{[]string{"migrate", "--database-url", "mysql://x"}, "postgres://"},
		{[]string{"export", "dsa", "--since", "last week", "--data", t.TempDir()}, "YYYY-MM-DD"},
	}
	for _, tc := range cases {
		_, _, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("standing %v: want an error mentioning %q, got %v", tc.args, tc.want, err)
		}
	}
}
