package policy

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a policy file, placed at the node at fault.
type Problem struct {
	File      string
	Line, Col int
	// Path names the node, e.g. violations.fraud.ladder[2].measure; empty for syntax errors.
	Path    string
	Message string
}

// String formats the problem as file:line:col: path: message, the shape editors jump to.
func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", p.File, p.Line, p.Col, p.Path, p.Message)
}

// Problems is every problem found in one policy file, in file order.
type Problems []Problem

// Error lists the problems one a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// closest returns the option nearest to s by edit distance, or "" when none is near enough to
// be a likely typo.
func closest(s string, options []string) string {
	best, bestDist := "", max(2, len(s)/3)+1
	for _, o := range options {
		if d := editDistance(s, o); d < bestDist {
			best, bestDist = o, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counted in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
