// Package ingest takes the marketplace's activity events: it decodes batches (a JSON array or
// NDJSON) within limits, and stores them with group commit, so that an acknowledged event is
// durable without an fsync per event.
package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/standing-org/standing/internal/domain"
)

// Limits bound what one request may hold.
type Limits struct {
	Body     int64 // bytes in the request body
	Batch    int   // events in one request
	Data     int   // bytes of one event's data
	Depth    int   // nesting of objects and arrays inside data
	FieldLen int   // bytes of any one string in an event
}

// DefaultLimits are generous for a marketplace's back end and small enough to stay cheap.
var DefaultLimits = Limits{Body: 8 << 20, Batch: 5000, Data: 16 << 10, Depth: 8, FieldLen: 4096}

// Item is one event of a batch, or why it was refused.
type Item struct {
	Index int
	Event *domain.ActivityEvent
	Err   error
}

// Decode reads a batch: a JSON array of events, or one event per line (NDJSON). A malformed
// array refuses the whole body; a malformed NDJSON line or an invalid event refuses only that
// item. Errors of the whole body are *domain.Error (EINVALID or ETOOLARGE).
func Decode(body []byte, lim Limits) ([]Item, error) {
	if int64(len(body)) > lim.Body {
		return nil, domain.Errorf(domain.ETOOLARGE, "the body is %d bytes; at most %d are taken in one request", len(body), lim.Body)
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, domain.Errorf(domain.EINVALID, "the body is empty: send a JSON array of events or one event per line")
	}
	var raws []json.RawMessage
	if trimmed[0] == '[' {
		// The common case, a well-formed array, is decoded in one pass; any error sends the
		// body down the slow path, which attributes it to its item.
		var ws []wire
		if err := json.Unmarshal(trimmed, &ws); err == nil {
			if len(ws) > lim.Batch {
				return nil, domain.Errorf(domain.ETOOLARGE, "the batch holds more than %d events; split it", lim.Batch)
			}
			items := make([]Item, len(ws))
			for i := range ws {
				ev, err := checkEvent(&ws[i], lim)
				items[i] = Item{Index: i, Event: ev, Err: err}
			}
			return items, nil
		}
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, domain.Errorf(domain.EINVALID, "the body is not a JSON array of events: %v", err)
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(trimmed))
		sc.Buffer(make([]byte, 0, 64<<10), int(lim.Body)+1)
		for sc.Scan() {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			raws = append(raws, json.RawMessage(bytes.Clone(line)))
			if len(raws) > lim.Batch {
				break
			}
		}
		if err := sc.Err(); err != nil {
			return nil, domain.Errorf(domain.EINVALID, "reading the NDJSON body: %v", err)
		}
	}
	if len(raws) > lim.Batch {
		return nil, domain.Errorf(domain.ETOOLARGE, "the batch holds more than %d events; split it", lim.Batch)
	}
	items := make([]Item, len(raws))
	for i, raw := range raws {
		ev, err := decodeEvent(raw, lim)
		items[i] = Item{Index: i, Event: ev, Err: err}
	}
	return items, nil
}

// wire is an event as sent; unknown attributes are CloudEvents extensions and are ignored.
type wire struct {
	ID          *string         `json:"id"`
	Source      *string         `json:"source"`
	Type        *string         `json:"type"`
	Time        *string         `json:"time"`
	Subject     *string         `json:"subject"`
	SpecVersion string          `json:"specversion"`
	Data        json.RawMessage `json:"data"`
}

func decodeEvent(raw json.RawMessage, lim Limits) (*domain.ActivityEvent, error) {
	var w wire
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, fmt.Errorf("not a JSON event object: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return checkEvent(&w, lim)
}

// checkEvent validates a decoded event and decodes its data.
func checkEvent(w *wire, lim Limits) (*domain.ActivityEvent, error) {
	var v domain.Validation
	str := func(field string, p *string, required bool, max int) string {
		switch {
		case p == nil || *p == "":
			if required {
				v.Add(field, "is required")
			}
			return ""
		case len(*p) > max:
			v.Add(field, "at most %d bytes, got %d", max, len(*p))
		case !utf8.ValidString(*p):
			v.Add(field, "is not valid UTF-8")
		}
		return *p
	}
	ev := &domain.ActivityEvent{
		ID:          str("id", w.ID, true, 256),
		Source:      str("source", w.Source, true, 512),
		Type:        str("type", w.Type, true, 128),
		Subject:     str("subject", w.Subject, true, domain.MaxIDLen),
		SpecVersion: w.SpecVersion,
	}
	if ev.Subject != "" {
		if err := domain.ValidID(ev.Subject); err != nil {
			v.Add("subject", "must be an account id: letters, digits and - _ . : @")
		}
	}
	if w.Time == nil || *w.Time == "" {
		v.Add("time", "is required (RFC 3339, e.g. 2026-11-28T09:30:00Z)")
	} else if t, err := time.Parse(time.RFC3339Nano, *w.Time); err != nil {
		v.Add("time", "%q is not an RFC 3339 time", clip(*w.Time))
	} else {
		ev.Time = t.UTC().Truncate(time.Microsecond)
	}
	if len(w.Data) > lim.Data {
		v.Add("data", "at most %d bytes, got %d", lim.Data, len(w.Data))
	} else if len(w.Data) > 0 && string(w.Data) != "null" {
		if err := json.Unmarshal(w.Data, &ev.Fields); err != nil {
			v.Add("data", "must be a JSON object")
		} else if path, msg := checkValue(ev.Fields, lim, 1, "data"); msg != "" {
			v.Add(path, "%s", msg)
		} else {
			ev.Data = w.Data
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return ev, nil
}

// checkValue walks decoded data and reports the first value too deep or too long.
func checkValue(val any, lim Limits, depth int, path string) (string, string) {
	if depth > lim.Depth {
		return path, fmt.Sprintf("nested deeper than %d levels", lim.Depth)
	}
	switch x := val.(type) {
	case string:
		if len(x) > lim.FieldLen {
			return path, fmt.Sprintf("at most %d bytes, got %d", lim.FieldLen, len(x))
		}
	case map[string]any:
		for k, e := range x {
			if len(k) > lim.FieldLen {
				return path, fmt.Sprintf("a key is longer than %d bytes", lim.FieldLen)
			}
			if p, msg := checkValue(e, lim, depth+1, path+"."+k); msg != "" {
				return p, msg
			}
		}
	case []any:
		for i, e := range x {
			if p, msg := checkValue(e, lim, depth+1, fmt.Sprintf("%s[%d]", path, i)); msg != "" {
				return p, msg
			}
		}
	}
	return "", ""
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
