package rules

import (
	"slices"
	"testing"
)

func TestEventTypePrefilter(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		{`event.type == "message" && features.messages_1h > 3`, []string{"message"}},
		{`"login" == event.type`, []string{"login"}},
		{`event.type in ["login", "payout_method_change"] && features.new_device`, []string{"login", "payout_method_change"}},
		{`event.type in ["login", "review"] && event.type == "review"`, []string{"review"}},
		{`event.type == "message" || features.logins_1h > 3`, nil},
		{`features.logins_1h > 3`, nil},
		{`!(event.type == "message")`, nil},
		{`event.type in ["login", event.source]`, nil},
	}
	for _, tc := range cases {
		c, err := Compile(Rule{Name: "r", Version: 1, Expr: tc.expr, Outcome: Outcome{Score: 1}}, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if !slices.Equal(c.Types, tc.want) || (c.Types == nil) != (tc.want == nil) {
			t.Errorf("%s: types %v, want %v", tc.expr, c.Types, tc.want)
		}
	}
}
