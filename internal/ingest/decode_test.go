package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/domain"
)

const good = `{"id":"e1","source":"marketplace/api","type":"login","time":"2026-11-28T09:30:00Z","subject":"fl-1042","data":{"ip":"203.0.113.9","country":"DE","device_id":"d-77"}}`

func TestDecodeArrayAndNDJSON(t *testing.T) {
	for name, body := range map[string]string{
		"array":  "[" + good + "," + strings.Replace(good, `"e1"`, `"e2"`, 1) + "]",
		"ndjson": good + "\n\n" + strings.Replace(good, `"e1"`, `"e2"`, 1) + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			items, err := Decode([]byte(body), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 2 || items[1].Err != nil || items[1].Event.ID != "e2" || items[0].Event.Str("country") != "DE" {
				t.Fatalf("decoded %+v", items)
			}
			if items[0].Event.Time.Hour() != 9 || items[0].Event.Subject != "fl-1042" {
				t.Fatalf("event %+v", items[0].Event)
			}
		})
	}
}

func TestDecodeRefusesWithReasons(t *testing.T) {
	lim := Limits{Body: 4096, Batch: 3, Data: 300, Depth: 3, FieldLen: 40}
	item := func(mod func(string) string) string { return mod(good) }
	cases := []struct {
		name, body string
		whole      string // code of a whole-body refusal
		field      string // else: the field the single item is refused for
	}{
		{"empty", "  \n", domain.EINVALID, ""},
		{"too big", strings.Repeat(" ", 5000), domain.ETOOLARGE, ""},
		{"too many", "[" + strings.Repeat(good+",", 3) + good + "]", domain.ETOOLARGE, ""},
		{"broken array", "[" + good + ",{", domain.EINVALID, ""},
		{"broken line", "{\"id\":", "", "event"},
		{"no id", item(func(s string) string { return strings.Replace(s, `"id":"e1",`, "", 1) }), "", "id"},
		{"no time", item(func(s string) string { return strings.Replace(s, `"time":"2026-11-28T09:30:00Z",`, "", 1) }), "", "time"},
		{"bad time", item(func(s string) string { return strings.Replace(s, "2026-11-28T09:30:00Z", "yesterday", 1) }), "", "time"},
		{"bad subject", item(func(s string) string { return strings.Replace(s, "fl-1042", "fl 1042", 1) }), "", "subject"},
		{"data not object", item(func(s string) string { return strings.Replace(s, `{"ip"`, `[{"ip"`, 1) + "]" }), "", "event"},
		{"data too deep", item(func(s string) string {
			return strings.Replace(s, `"device_id":"d-77"`, `"a":{"b":{"c":{"d":1}}}`, 1)
		}), "", "data.a.b.c"},
		{"string too long", item(func(s string) string { return strings.Replace(s, "d-77", strings.Repeat("x", 41), 1) }), "", "data.device_id"},
		{"data too large", item(func(s string) string {
			return strings.Replace(s, "d-77", strings.Repeat("x", 30)+`","`+strings.Repeat(`k":"v","`, 40)+`z":"v`, 1)
		}), "", "data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items, err := Decode([]byte(tc.body), lim)
			if tc.whole != "" {
				if domain.ErrorCode(err) != tc.whole {
					t.Fatalf("want a whole-body %s, got %v", tc.whole, err)
				}
				return
			}
			if err != nil || len(items) != 1 || items[0].Err == nil {
				t.Fatalf("want one refused item, got %v %+v", err, items)
			}
			if !strings.Contains(items[0].Err.Error(), tc.field) {
				t.Fatalf("refusal %q does not name %q", items[0].Err, tc.field)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("[" + good + "]"))
	f.Add([]byte(good + "\n" + good))
	f.Add([]byte(`[{"id":"x","data":{"a":[[[[[[[[[[1]]]]]]]]]]}}]`))
	f.Add([]byte("{\"time\":\"2026-13-40T99:00:00Z\"}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := Decode(body, DefaultLimits)
		if err != nil {
			if c := domain.ErrorCode(err); c != domain.EINVALID && c != domain.ETOOLARGE {
				t.Fatalf("whole-body error with code %s: %v", c, err)
			}
			return
		}
		for _, it := range items {
			if (it.Err == nil) == (it.Event == nil) {
				t.Fatalf("item %d: exactly one of event and error must be set", it.Index)
			}
			if it.Event != nil && (it.Event.ID == "" || it.Event.Subject == "" || it.Event.Time.IsZero()) {
				t.Fatalf("accepted an incomplete event: %+v", it.Event)
			}
		}
		_ = fmt.Sprint(len(items))
	})
}
