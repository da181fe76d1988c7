package api_test

import (
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

// TestNoticeInTheHoldersLanguage: a German holder reads the policy's own texts in German too,
// not only the template around them.
func TestNoticeInTheHoldersLanguage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-70", lena), 201)
		e.want(e.do("POST", "/api/v1/accounts/fl-70/measures", `{"type":"hold","violation":"identity_unverified","reason":"Der Name auf dem Ausweis passt nicht zum Profil."}`), 201)
		inbox := e.want(e.do("GET", "/api/v1/accounts/fl-70/inbox", ""), 200)
		n := inbox.body["notices"].([]any)[0].(map[string]any)
		text := n["text"].(string)
		for _, want := range []string{"Laden Sie ein Foto eines gültigen amtlichen Ausweises hoch", "Identität nicht bestätigt", "Das Gesetz verlangt"} {
			if !strings.Contains(text, want) {
				t.Fatalf("the German notice lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Upload a photo") {
			t.Fatalf("English policy text in a German notice:\n%s", text)
		}
	})
}
