package ingest

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// Writer stores events with group commit: one goroutine writes every batch that arrived while
// the previous commit was in flight in one transaction, so many requests share one fsync, and
// each request is answered only once its events are durable.
type Writer struct {
	st   store.Store
	now  func() time.Time
	in   chan *request
	max  int // events per transaction
	sink func([]*domain.ActivityEvent)
	done chan struct{}
	// Stored, Duplicates and Commits count what the writer did, for metrics.
	Stored, Duplicates, Commits atomic.Int64
}

type request struct {
	events []*domain.ActivityEvent
	fresh  []bool
	err    error
	done   chan struct{}
}

// NewWriter starts a writer; sink, if not nil, receives each committed transaction's new
// events in order (for features and rules), after the requests are answered.
func NewWriter(st store.Store, now func() time.Time, sink func([]*domain.ActivityEvent)) *Writer {
	w := &Writer{st: st, now: now, in: make(chan *request, 1024), max: 20000, sink: sink, done: make(chan struct{})}
	go w.run()
	return w
}

// ErrClosed is returned for writes after Close.
var ErrClosed = errors.New("ingest: the writer is closed")

// Write stores events and reports which were new (not seen before by source and id). It
// returns once they are durable.
func (w *Writer) Write(ctx context.Context, evs []*domain.ActivityEvent) ([]bool, error) {
	r := &request{events: evs, done: make(chan struct{})}
	select {
	case w.in <- r:
	case <-w.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Once queued, the request is answered even if the caller gives up: it may be committed.
	<-r.done
	return r.fresh, r.err
}

// Close stops the writer after the requests queued so far.
func (w *Writer) Close() {
	close(w.in)
	<-w.done
}

func (w *Writer) run() {
	defer close(w.done)
	for first := range w.in {
		group := []*request{first}
		n := len(first.events)
	gather:
		for n < w.max {
			select {
			case r, ok := <-w.in:
				if !ok {
					break gather
				}
				group = append(group, r)
				n += len(r.events)
			default:
				break gather
			}
		}
		w.commit(group, n)
	}
}

func (w *Writer) commit(group []*request, n int) {
	all := make([]*domain.ActivityEvent, 0, n)
	for _, r := range group {
		all = append(all, r.events...)
	}
	var fresh []bool
	at := w.now().UTC().Truncate(time.Microsecond)
	for _, e := range all {
		e.ReceivedAt = at
	}
	err := w.st.Tx(context.Background(), func(tx store.Tx) error {
		var err error
		fresh, err = tx.InsertActivity(context.Background(), all, at)
		return err
	})
	if err == nil {
		w.Commits.Add(1)
	}
	i := 0
	var added []*domain.ActivityEvent
	for _, r := range group {
		r.err = err
		if err == nil {
			r.fresh = fresh[i : i+len(r.events)]
			for j, e := range r.events {
				if r.fresh[j] {
					added = append(added, e)
				}
			}
		}
		i += len(r.events)
		close(r.done)
	}
	w.Stored.Add(int64(len(added)))
	if err == nil {
		w.Duplicates.Add(int64(n - len(added)))
	}
	if w.sink != nil && len(added) > 0 {
		w.sink(added)
	}
}
