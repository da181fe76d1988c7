// Package audit is Standing's tamper-evident record: every change appends one record, chained
// to the one before by SHA-256, so that editing, deleting, reordering or truncating records is
// caught by a Verifier.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Genesis is the previous hash of the first record.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is what a use case records about one change.
type Entry struct {
	At        time.Time       `json:"at"`
	Actor     string          `json:"actor"`
	Action    string          `json:"action"`
	AccountID string          `json:"account_id,omitempty"`
	CaseID    string          `json:"case_id,omitempty"`
	Subject   string          `json:"subject"` // the id of the thing changed
	Before    json.RawMessage `json:"before,omitempty"`
	After     json.RawMessage `json:"after,omitempty"`
	Reason    string          `json:"reason,omitempty"`
}

// Record is an entry as stored: numbered and chained.
type Record struct {
	Seq int64 `json:"seq"`
	Entry
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Chain returns the record that follows (prevSeq, prevHash) with e's content.
func Chain(prevSeq int64, prevHash string, e Entry) Record {
	r := Record{Seq: prevSeq + 1, Entry: e, PrevHash: prevHash}
	r.Hash = r.computeHash()
	return r
}

// computeHash hashes every field, each length-prefixed so that no two records share an encoding.
// Times are hashed as Unix microseconds, the precision both stores keep.
func (r Record) computeHash() string {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	binary.BigEndian.PutUint64(n[:], uint64(r.Seq))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(r.At.UnixMicro()))
	h.Write(n[:])
	for _, s := range []string{r.PrevHash, r.Actor, r.Action, r.AccountID, r.CaseID, r.Subject, r.Reason} {
		put([]byte(s))
	}
	put(r.Before)
	put(r.After)
	return hex.EncodeToString(h.Sum(nil))
}

// Checkpoint is a record's number and hash, kept outside the database (printed by
// `standing audit verify`) so that a truncated tail is caught later.
type Checkpoint struct {
	Seq  int64
	Hash string
}

func (c Checkpoint) String() string { return fmt.Sprintf("%d:%s", c.Seq, c.Hash) }

// ParseCheckpoint reads "SEQ:HASH".
func ParseCheckpoint(s string) (Checkpoint, error) {
	var c Checkpoint
	var hash string
	if _, err := fmt.Sscanf(s, "%d:%s", &c.Seq, &hash); err != nil || c.Seq < 1 || len(hash) != 64 {
		return c, fmt.Errorf("checkpoint %q: want SEQ:HASH as printed by `standing audit verify`", s)
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return c, fmt.Errorf("checkpoint %q: the hash is not hex", s)
	}
	c.Hash = hash
	return c, nil
}

// Problem is the first record at which the chain fails.
type Problem struct {
	Seq     int64
	Message string
}

func (p *Problem) Error() string { return fmt.Sprintf("audit record %d: %s", p.Seq, p.Message) }

// Verifier checks records fed to it in order of their number.
type Verifier struct {
	last     Record
	seen     int64
	problem  *Problem
	wantSeq  int64 // checkpoint
	wantHash string
	matched  bool
}

// NewVerifier starts a verification; checkpoints, if any, must each be found in the chain.
func NewVerifier(cp *Checkpoint) *Verifier {
	v := &Verifier{last: Record{Hash: Genesis}}
	if cp != nil {
		v.wantSeq, v.wantHash = cp.Seq, cp.Hash
	}
	return v
}

// Add checks the next record; after the first problem it does nothing.
func (v *Verifier) Add(r Record) {
	if v.problem != nil {
		return
	}
	fail := func(format string, args ...any) {
		v.problem = &Problem{Seq: r.Seq, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case r.Seq <= v.last.Seq:
		fail("comes after record %d: records are out of order or duplicated", v.last.Seq)
	case r.Seq != v.last.Seq+1:
		fail("expected record %d next: records %d..%d are missing", v.last.Seq+1, v.last.Seq+1, r.Seq-1)
	case r.PrevHash != v.last.Hash:
		fail("its previous-hash does not match record %d: a record before it was changed or removed", v.last.Seq)
	case r.computeHash() != r.Hash:
		fail("its content does not match its hash: the record was changed")
	case r.Seq == v.wantSeq:
		if r.Hash != v.wantHash {
			fail("does not match the checkpoint: the chain was rewritten from here or before")
		}
		v.matched = true
	}
	v.last = r
	v.seen++
}

// Result is the outcome of a verification.
type Result struct {
	Records int64
	Head    Checkpoint // the last record checked, to keep as the next checkpoint
}

// Finish reports the first problem, or the head of a sound chain. head is the chain head the
// store keeps beside the table; a table that stops before it was truncated.
func (v *Verifier) Finish(head Checkpoint) (Result, error) {
	res := Result{Records: v.seen, Head: Checkpoint{Seq: v.last.Seq, Hash: v.last.Hash}}
	if v.problem != nil {
		return res, v.problem
	}
	if v.wantSeq != 0 && !v.matched {
		return res, &Problem{Seq: v.wantSeq, Message: fmt.Sprintf("the checkpoint names record %d but the chain ends at %d: the tail was truncated", v.wantSeq, v.last.Seq)}
	}
	if head.Seq != v.last.Seq || (head.Seq > 0 && head.Hash != v.last.Hash) {
		return res, &Problem{Seq: v.last.Seq + 1, Message: fmt.Sprintf("the chain head says record %d but the table ends at %d: records were removed or the head was changed", head.Seq, v.last.Seq)}
	}
	return res, nil
}
