package enforce

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// APIKeyPrefix starts every key, so that a leaked one is easy to recognise in logs and scans.
const APIKeyPrefix = "stk_"

// HashAPIKey is how a key is kept and looked up. Keys carry 160 random bits, so a plain
// SHA-256 is enough: there is nothing to guess.
func HashAPIKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// CreateAPIKey makes a key named name and returns it; only its hash is stored.
func (s *Service) CreateAPIKey(ctx context.Context, actor, name string) (string, error) {
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\n:") {
		return "", domain.Invalid("name", "must be 1 to 64 characters without spaces or colons, got %q", name)
	}
	var raw [20]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	key := APIKeyPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:]))
	now := s.now()
	k := store.APIKey{ID: NewID("key"), Name: name, Hash: HashAPIKey(key), CreatedAt: now}
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		if err := tx.InsertAPIKey(ctx, k); err != nil {
			if strings.Contains(strings.ToLower(err.Error()), "unique") {
				return domain.Errorf(domain.ECONFLICT, "an API key named %q exists already", name)
			}
			return err
		}
		_, err := tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "apikey.create", Subject: k.ID,
			After: mustJSON(map[string]string{"id": k.ID, "name": name})})
		return err
	})
	return key, err
}

// Authenticate returns the name of the key's holder, as the actor "apikey:NAME".
func (s *Service) Authenticate(ctx context.Context, key string) (string, error) {
	if !strings.HasPrefix(key, APIKeyPrefix) {
		return "", domain.Errorf(domain.EUNAUTHORIZED, "the API key is malformed: keys start with %q", APIKeyPrefix)
	}
	k, err := s.Store.APIKeyByHash(ctx, HashAPIKey(key))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return "", domain.Errorf(domain.EUNAUTHORIZED, "unknown API key")
	} else if err != nil {
		return "", err
	}
	if k.RevokedAt != nil {
		return "", domain.Errorf(domain.EUNAUTHORIZED, "the API key %q was revoked", k.Name)
	}
	return "apikey:" + k.Name, nil
}
