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
