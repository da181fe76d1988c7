package rules

import (
	"fmt"
	"testing"
)

func TestScratch(t *testing.T) {
	for _, x := range []string{
		`features.logins_1h > 3`,
		`features.logins_1hh > 3`,
		`event.tpye == "login"`,
		`evnt.type == "login"`,
		`event.type == `,
		`event.type`,
		`event.data.flag`,
		`event.data.?text.orValue("") != ""`,
		`event.type == "message" && (contact_info(event.data.?text.orValue("")) || payment_handle(event.data.?text.orValue("")) || pay_outside(event.data.?text.orValue("")))`,
		`event.data.items.exists(x, x == 1)`,
		`event.data.items.all(x, event.data.items.all(y, x != y))`,
		`event.data.text.matches("a+b")`,
		`account.profile.?country.orValue(account.country) != account.country`,
		`event.data.text.lowerAscii().contains("paypal")`,
	} {
		c, err := Compile(Rule{Name: "x", Version: 1, Expr: x, Outcome: Outcome{Score: 1}}, nil)
		if err != nil {
			fmt.Printf("%s\n  ERR %v\n", x, err)
			continue
		}
		fmt.Printf("%s\n  cost %v feats %v\n", x, c.Cost, c.Features)
	}
}
