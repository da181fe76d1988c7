package rules

import (
	"fmt"
	"testing"

	"cel.dev/cel-go/common/cost"
)

type dbgEst struct{ estimator }

func (d dbgEst) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	r := d.estimator.EstimateSize(n)
	fmt.Printf("size path=%v type=%v computed=%v -> %v\n", n.Path(), n.Type(), n.ComputedSize(), r)
	return r
}
func (d dbgEst) EstimateCallCost(f, o string, t *cost.AstNode, a []cost.AstNode) *cost.CallEstimate {
	fmt.Printf("call %s %s\n", f, o)
	return nil
}

func TestScratch2(t *testing.T) {
	e, _ := env()
	a, iss := e.Compile(`contact_info(event.data.?text.orValue(""))`)
	if iss.Err() != nil {
		t.Fatal(iss.Err())
	}
	fmt.Println(e.EstimateCost(a, dbgEst{estimator{DefaultLimits}}))
	a, _ = e.Compile(`contact_info(event.data.text)`)
	fmt.Println(e.EstimateCost(a, dbgEst{estimator{DefaultLimits}}))
}
