// Package config gathers Standing's settings from flags and the environment into one struct.
package config

import (
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
)

// Config is every setting a subcommand may read.
type Config struct {
	Addr        string // HTTP listen address
	DataDir     string // SQLite file and uploaded files
	DatabaseURL string // postgres://… switches to PostgreSQL
	PolicyFile  string // a policy YAML file; empty means the shipped default
	LogLevel    string // debug, info, warn, error
}

// Register adds the data flags (and, with serve, the server flags) to fs, defaulting to the
// environment.
func (c *Config) Register(fs *flag.FlagSet, serve bool) {
	fs.StringVar(&c.DataDir, "data", env("STANDING_DATA", "./standing-data"), "data folder: the SQLite database and uploaded files (STANDING_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("STANDING_DATABASE_URL", ""), "postgres://… to use PostgreSQL instead of SQLite (STANDING_DATABASE_URL)")
	fs.StringVar(&c.PolicyFile, "policy", env("STANDING_POLICY", ""), "policy YAML file; the shipped default when empty (STANDING_POLICY)")
	if serve {
		fs.StringVar(&c.Addr, "addr", env("STANDING_ADDR", "127.0.0.1:8080"), "HTTP listen address (STANDING_ADDR)")
		fs.StringVar(&c.LogLevel, "log-level", env("STANDING_LOG_LEVEL", "info"), "debug, info, warn or error (STANDING_LOG_LEVEL)")
	}
}

// Validate checks the settings and says what is wrong.
func (c *Config) Validate() error {
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("--database-url must start with postgres:// or postgresql://")
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return fmt.Errorf("--data must name a folder")
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			return fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", c.Addr)
		}
	}
	switch c.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.PolicyFile != "" {
		if _, err := os.Stat(c.PolicyFile); err != nil {
			return fmt.Errorf("--policy: %w", err)
		}
	}
	return nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
