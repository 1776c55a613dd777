package salesforce

import (
	"fmt"
	"strings"
)

// EscapeSOQL escapes s for use inside a single-quoted SOQL string literal, using
// the full escape set Salesforce documents (\' \" \\ \n \r \t \b \f). Other control
// characters are written as \uXXXX so that the literal stays on one line and no
// byte can end it early. Non-ASCII bytes pass through unchanged.
//
// The result is not suitable for LIKE patterns, where _ and % also need escaping;
// use EscapeSOQLLike there.
func EscapeSOQL(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'', '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\u%04x`, c)
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// EscapeSOQLLike escapes s for a LIKE pattern literal: like EscapeSOQL, and the
// wildcards _ and % match only themselves.
func EscapeSOQLLike(s string) string {
	e := EscapeSOQL(s)
	e = strings.ReplaceAll(e, "_", `\_`)
	return strings.ReplaceAll(e, "%", `\%`)
}

// QuoteSOQL returns s as a complete single-quoted SOQL string literal.
func QuoteSOQL(s string) string {
	return "'" + EscapeSOQL(s) + "'"
}
