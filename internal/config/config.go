// Package config gathers Standing's settings from flags and the environment into one struct.
package config

import (
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// Config is every setting a subcommand may read.
type Config struct {
	Addr        string // HTTP listen address
	DataDir     string // SQLite file and uploaded files
	DatabaseURL string // postgres://… switches to PostgreSQL
	PolicyFile  string // a policy YAML file; empty means the shipped default
	RulesFile   string // a detection rules YAML file; empty means the saved set or the shipped pack
	LogLevel    string // debug, info, warn, error
	SMTPURL     string // smtp://user:pass@host:port for notice e-mails; none: notices stay in the inbox
	SMTPFrom    string // the notices' From address
	Marketplace string // the marketplace's name in notices
	PortalURL   string // where holders respond and appeal, linked from notices
	Tick        time.Duration
}

// Register adds the data flags (and, with serve, the server flags) to fs, defaulting to the
// environment.
func (c *Config) Register(fs *flag.FlagSet, serve bool) {
	fs.StringVar(&c.DataDir, "data", env("STANDING_DATA", "./standing-data"), "data folder: the SQLite database and uploaded files (STANDING_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("STANDING_DATABASE_URL", ""), "postgres://… to use PostgreSQL instead of SQLite (STANDING_DATABASE_URL)")
	fs.StringVar(&c.PolicyFile, "policy", env("STANDING_POLICY", ""), "policy YAML file; the shipped default when empty (STANDING_POLICY)")
	if serve {
		fs.StringVar(&c.RulesFile, "rules", env("STANDING_RULES", ""), "detection rules YAML file; the last saved set or the shipped pack when empty (STANDING_RULES)")
		fs.StringVar(&c.Addr, "addr", env("STANDING_ADDR", "127.0.0.1:8080"), "HTTP listen address (STANDING_ADDR)")
		fs.StringVar(&c.LogLevel, "log-level", env("STANDING_LOG_LEVEL", "info"), "debug, info, warn or error (STANDING_LOG_LEVEL)")
		fs.StringVar(&c.SMTPURL, "smtp-url", env("STANDING_SMTP_URL", ""), "smtp://user:pass@host:port to e-mail notices (STANDING_SMTP_URL)")
		fs.StringVar(&c.SMTPFrom, "smtp-from", env("STANDING_SMTP_FROM", "standing@localhost"), "From address of notice e-mails (STANDING_SMTP_FROM)")
		fs.StringVar(&c.Marketplace, "marketplace", env("STANDING_MARKETPLACE", "the marketplace"), "the marketplace's name in notices (STANDING_MARKETPLACE)")
		fs.StringVar(&c.PortalURL, "portal-url", env("STANDING_PORTAL_URL", ""), "where holders respond and appeal, linked from notices (STANDING_PORTAL_URL)")
		fs.DurationVar(&c.Tick, "tick", envDuration("STANDING_TICK", time.Second), "how often deadlines and deliveries are looked for: the most a deadline fires late (STANDING_TICK)")
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
	if c.Tick < 0 || (c.Addr != "" && c.Tick == 0) {
		return fmt.Errorf("--tick must be a positive duration, e.g. 1s")
	}
	if c.SMTPURL != "" && !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
		return fmt.Errorf("--smtp-url must start with smtp:// or smtps://")
	}
	if c.PolicyFile != "" {
		if _, err := os.Stat(c.PolicyFile); err != nil {
			return fmt.Errorf("--policy: %w", err)
		}
	}
	return nil
}

func envDuration(key string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return v
	}
	return def
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
