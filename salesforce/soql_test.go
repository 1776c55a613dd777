package salesforce

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// unescapeSOQLLiteral parses a single-quoted SOQL literal at the start of s
// following Salesforce's documented escape rules, independently of EscapeSOQL.
// It returns the value and how many bytes the literal used.
func unescapeSOQLLiteral(s string) (string, int, error) {
	if len(s) == 0 || s[0] != '\'' {
		return "", 0, errors.New("no opening quote")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'':
			return b.String(), i + 1, nil
		case '\\':
			i++
			if i >= len(s) {
				return "", 0, errors.New("dangling backslash")
			}
			switch s[i] {
			case '\'', '"', '\\':
				b.WriteByte(s[i])
			case 'n', 'N':
				b.WriteByte('\n')
			case 'r', 'R':
				b.WriteByte('\r')
			case 't', 'T':
				b.WriteByte('\t')
			case 'b', 'B':
				b.WriteByte('\b')
			case 'f', 'F':
				b.WriteByte('\f')
			case 'u':
				if i+4 >= len(s) {
					return "", 0, errors.New("short \\u escape")
				}
				n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
				if err != nil {
					return "", 0, err
				}
				b.WriteRune(rune(n))
				i += 4
			default:
				return "", 0, errors.New("invalid escape")
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errors.New("unterminated literal")
}

func TestEscapeSOQL(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"plain":         {"smith@acme.com", "smith@acme.com"},
		"quote":         {"o'brien@acme.com", `o\'brien@acme.com`},
		"double quote":  {`a"b`, `a\"b`},
		"backslash":     {`a\b`, `a\\b`},
		"injection":     {`x\' OR Id != '`, `x\\\' OR Id != \'`},
		"newline":       {"a\nb\r\tc", `a\nb\r\tc`},
		"backspace":     {"a\bb\fc", `a\bb\fc`},
		"control":       {"a\x00b\x1f", `a\u0000b\u001f`},
		"like wildcard": {"50%_off", "50%_off"},
		"unicode":       {"jürgen@exämple.de", "jürgen@exämple.de"},
		"plus":          {"a+b@x.com", "a+b@x.com"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := EscapeSOQL(tc.in); got != tc.want {
				t.Fatalf("EscapeSOQL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := EscapeSOQLLike("50%_off"); got != `50\%\_off` {
		t.Fatalf("EscapeSOQLLike = %q", got)
	}
}

func FuzzEscapeSOQL(f *testing.F) {
	for _, seed := range []string{"", "o'brien", `\'`, `\\'`, "a\nb", "\x00", "ü", `'; DELETE`, "\\u0027", "\xff\xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		literal := QuoteSOQL(s)
		got, n, err := unescapeSOQLLiteral(literal + " AND Id != null")
		if err != nil {
			t.Fatalf("escaped literal %q does not parse: %v", literal, err)
		}
		if n != len(literal) {
			t.Fatalf("literal %q ended early at byte %d", literal, n)
		}
		if got != s {
			t.Fatalf("round trip of %q gave %q", s, got)
		}
		// No quote inside the literal may be unescaped.
		body := literal[1 : len(literal)-1]
		for i := 0; i < len(body); i++ {
			if body[i] == '\\' {
				i++
				continue
			}
			if body[i] == '\'' {
				t.Fatalf("unescaped quote at %d in %q", i, literal)
			}
		}
	})
}
