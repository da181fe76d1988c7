package rules

import (
	"fmt"
	"testing"
)

func TestScratch(t *testing.T) {
	rs := DefaultRules()
	for _, r := range rs {
		c, err := Compile(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(r.Name, c.Cost, c.Features)
	}
	_, err := ParseFile("x.yaml", []byte("rules:\n  - name: a\n    expr: |\n      event.type == \"login\" &&\n        features.logins_1hh > 2\n    outcome: {score: 1}\n  - name: b\n    expr: \"event.type == \"\n    outcome: {review: true, violation: fraud, measure: hold}\n  - name: c\n    exprr: x\n"))
	fmt.Println(err)
}
