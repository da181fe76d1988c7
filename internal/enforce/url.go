package enforce

import (
	"errors"
	"net/url"
)

// checkURL accepts an absolute http(s) URL of reasonable length.
func checkURL(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	if len(s) > 2000 {
		return errors.New("at most 2000 bytes")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an absolute http:// or https:// URL")
	}
	return nil
}
