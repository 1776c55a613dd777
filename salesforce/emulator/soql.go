package emulator

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file implements the SOQL subset clients need:
//   SELECT f1, f2 | COUNT() FROM T [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...]
//   [LIMIT n] [OFFSET n]
// cond: comparisons (= != <> < <= > >=), [NOT] IN (...), LIKE, AND, OR, NOT, parentheses.
// As in Salesforce, AND and OR may not be mixed at one level without parentheses.

type tokKind int

const (
	tkEOF tokKind = iota
	tkIdent
	tkString
	tkNumber
	tkPunct
)

type token struct {
	kind tokKind
	text string // identifier, punctuation, number text, or the decoded string value
	pos  int    // byte offset in the query
	// For strings: the value as a LIKE pattern, where \_, \% and \\ stay escaped, and the
	// error to give if the literal, holding \_ or \%, is used anywhere but in LIKE.
	pattern  string
	likeOnly *soqlError
}

type soqlError struct {
	code, msg string
	pos       int
}

func (s *soqlError) Error() string { return s.msg }

// lexer turns a SOQL string into tokens, decoding string literal escapes.
func lex(q string) ([]token, *soqlError) {
	var toks []token
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			lit, err := lexString(q, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tkString, text: lit.val, pos: i, pattern: lit.pattern, likeOnly: lit.likeOnly})
			end := lit.end
			i = end
		case isIdentStart(c):
			j := i
			for j < len(q) && (isIdentStart(q[j]) || q[j] >= '0' && q[j] <= '9' || q[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: tkIdent, text: q[i:j], pos: i})
			i = j
		case c >= '0' && c <= '9' || (c == '-' || c == '+' || c == '.') && i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9':
			j := i + 1
			for j < len(q) && strings.IndexByte("0123456789.-:+TZ", q[j]) >= 0 {
				j++
			}
			toks = append(toks, token{kind: tkNumber, text: q[i:j], pos: i})
			i = j
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(q) && (q[i+1] == '=' || c == '<' && q[i+1] == '>') {
				toks = append(toks, token{kind: tkPunct, text: q[i : i+2], pos: i})
				i += 2
			} else if c == '!' {
				return nil, &soqlError{"MALFORMED_QUERY", "unexpected token: '!'", i}
			} else {
				toks = append(toks, token{kind: tkPunct, text: q[i : i+1], pos: i})
				i++
			}
		case strings.IndexByte("=(),", c) >= 0:
			toks = append(toks, token{kind: tkPunct, text: q[i : i+1], pos: i})
			i++
		default:
			r, _ := utf8.DecodeRuneInString(q[i:])
			return nil, &soqlError{"MALFORMED_QUERY", fmt.Sprintf("unexpected token: '%c'", r), i}
		}
	}
	toks = append(toks, token{kind: tkEOF, text: "<EOF>", pos: len(q)})
	return toks, nil
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

type stringLit struct {
	val, pattern string
	end          int
	likeOnly     *soqlError
}

// lexString decodes a quoted literal starting at q[start], a single quote. Only the documented
// escapes are accepted; a backslash before anything else is a MALFORMED_QUERY, as in Salesforce.
// \_ and \% are documented for LIKE only: they are remembered and refused anywhere else.
func lexString(q string, start int) (stringLit, *soqlError) {
	var val, pat strings.Builder
	both := func(s string) {
		val.WriteString(s)
		pat.WriteString(s)
	}
	var likeOnly *soqlError
	i := start + 1
	for i < len(q) {
		c := q[i]
		switch c {
		case '\'':
			return stringLit{val: val.String(), pattern: pat.String(), end: i + 1, likeOnly: likeOnly}, nil
		case '\\':
			if i+1 >= len(q) {
				return stringLit{}, &soqlError{"MALFORMED_QUERY", "line 1:" + strconv.Itoa(i) + " mismatched character '<EOF>' expecting '''", i}
			}
			n := q[i+1]
			switch n {
			case '\'', '"':
				both(string(n))
			case '\\':
				// A pattern keeps the backslash escaped, so that a following _ or % stays a wildcard.
				val.WriteByte('\\')
				pat.WriteString(`\\`)
			case 'n', 'N':
				both("\n")
			case 'r', 'R':
				both("\r")
			case 't', 'T':
				both("\t")
			case 'b', 'B':
				both("\b")
			case 'f', 'F':
				both("\f")
			case 'u':
				if i+6 > len(q) {
					return stringLit{}, illegalEscape(q, start, i)
				}
				v, err := strconv.ParseUint(q[i+2:i+6], 16, 32)
				if err != nil {
					return stringLit{}, illegalEscape(q, start, i)
				}
				both(string(rune(v)))
				i += 6
				continue
			case '_', '%':
				val.WriteByte(n)
				pat.WriteByte('\\')
				pat.WriteByte(n)
				if likeOnly == nil {
					likeOnly = illegalEscape(q, start, i)
				}
			default:
				return stringLit{}, illegalEscape(q, start, i)
			}
			i += 2
		default:
			val.WriteByte(c)
			pat.WriteByte(c)
			i++
		}
	}
	return stringLit{}, &soqlError{"MALFORMED_QUERY", "line 1:" + strconv.Itoa(len(q)) + " mismatched character '<EOF>' expecting '''", len(q)}
}

func illegalEscape(q string, start, at int) *soqlError {
	end := strings.IndexByte(q[at+1:], '\'')
	lit := q[start:]
	if end >= 0 {
		lit = q[start : at+1+end+1]
	}
	seq := q[at:min(at+2, len(q))]
	return &soqlError{"MALFORMED_QUERY", fmt.Sprintf("Invalid string literal %s. Illegal character sequence '%s' in string literal.", lit, seq), start}
}

// AST

type fieldRef struct {
	name string
	pos  int
	def  *fieldDef
}

type literal struct {
	val  any // string, json.Number, bool, nil
	kind tokKind
	text string
	pos  int
}

type cond interface{ eval(r *record) bool }

type cmpCond struct {
	field fieldRef
	op    string
	lit   literal
}

type inCond struct {
	field fieldRef
	not   bool
	lits  []literal
}

type likeCond struct {
	field   fieldRef
	pattern string
}

type boolCond struct {
	and   bool
	parts []cond
}

type notCond struct{ inner cond }

type orderItem struct {
	field      fieldRef
	desc       bool
	nullsFirst bool
}

type soqlQuery struct {
	count   bool
	fields  []fieldRef
	object  string
	objPos  int
	where   cond
	orderBy []orderItem
	limit   int // -1 = none
	offset  int
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tkEOF {
		p.i++
	}
	return t
}

func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tkIdent && strings.EqualFold(t.text, kw)
}

func unexpected(t token) *soqlError {
	text := t.text
	if t.kind == tkString {
		text = "'" + text + "'"
	}
	return &soqlError{"MALFORMED_QUERY", "unexpected token: '" + text + "'", t.pos}
}

func (p *parser) expectKeyword(kw string) *soqlError {
	if !p.isKeyword(kw) {
		return unexpected(p.peek())
	}
	p.next()
	return nil
}

func (p *parser) expectPunct(s string) *soqlError {
	t := p.peek()
	if t.kind != tkPunct || t.text != s {
		return unexpected(t)
	}
	p.next()
	return nil
}

var reserved = map[string]bool{"select": true, "from": true, "where": true, "and": true, "or": true, "not": true,
	"in": true, "like": true, "limit": true, "offset": true, "order": true, "by": true, "null": true,
	"true": true, "false": true, "asc": true, "desc": true, "nulls": true}

func (p *parser) field() (fieldRef, *soqlError) {
	t := p.peek()
	if t.kind != tkIdent || reserved[strings.ToLower(t.text)] {
		return fieldRef{}, unexpected(t)
	}
	p.next()
	return fieldRef{name: t.text, pos: t.pos}, nil
}

func parseSOQL(q string) (*soqlQuery, *soqlError) {
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	sq := &soqlQuery{limit: -1}
	if err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	if p.isKeyword("COUNT") && p.toks[p.i+1].text == "(" {
		p.next()
		p.next()
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		sq.count = true
	} else {
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			sq.fields = append(sq.fields, f)
			if p.peek().text != "," {
				break
			}
			p.next()
		}
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	obj := p.peek()
	if obj.kind != tkIdent || reserved[strings.ToLower(obj.text)] {
		return nil, unexpected(obj)
	}
	p.next()
	sq.object, sq.objPos = obj.text, obj.pos
	if p.isKeyword("WHERE") {
		p.next()
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		sq.where = c
	}
	if p.isKeyword("ORDER") {
		p.next()
		if err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			item := orderItem{field: f}
			if p.isKeyword("ASC") {
				p.next()
			} else if p.isKeyword("DESC") {
				p.next()
				item.desc = true
			}
			item.nullsFirst = !item.desc
			if p.isKeyword("NULLS") {
				p.next()
				switch {
				case p.isKeyword("FIRST"):
					item.nullsFirst = true
				case p.isKeyword("LAST"):
					item.nullsFirst = false
				default:
					return nil, unexpected(p.peek())
				}
				p.next()
			}
			sq.orderBy = append(sq.orderBy, item)
			if p.peek().text != "," {
				break
			}
			p.next()
		}
	}
	for _, kw := range []string{"LIMIT", "OFFSET"} {
		if p.isKeyword(kw) {
			p.next()
			t := p.next()
			n, convErr := strconv.Atoi(t.text)
			if t.kind != tkNumber || convErr != nil || n < 0 {
				return nil, unexpected(t)
			}
			if kw == "LIMIT" {
				sq.limit = n
			} else {
				sq.offset = n
			}
		}
	}
	if t := p.peek(); t.kind != tkEOF {
		return nil, unexpected(t)
	}
	return sq, nil
}

// condition parses a chain joined by one connector; mixing AND and OR needs parentheses.
func (p *parser) condition() (cond, *soqlError) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	var chain *boolCond
	for p.isKeyword("AND") || p.isKeyword("OR") {
		isAnd := p.isKeyword("AND")
		if chain != nil && chain.and != isAnd {
			return nil, unexpected(p.peek())
		}
		p.next()
		if chain == nil {
			chain = &boolCond{and: isAnd, parts: []cond{first}}
		}
		c, err := p.unary()
		if err != nil {
			return nil, err
		}
		chain.parts = append(chain.parts, c)
	}
	if chain == nil {
		return first, nil
	}
	return chain, nil
}

func (p *parser) unary() (cond, *soqlError) {
	if p.isKeyword("NOT") {
		p.next()
		c, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &notCond{c}, nil
	}
	if p.peek().text == "(" && p.peek().kind == tkPunct {
		p.next()
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		return c, nil
	}
	f, err := p.field()
	if err != nil {
		return nil, err
	}
	switch {
	case p.isKeyword("NOT") || p.isKeyword("IN"):
		not := p.isKeyword("NOT")
		if not {
			p.next()
			if !p.isKeyword("IN") {
				return nil, unexpected(p.peek())
			}
		}
		p.next()
		if err := p.expectPunct("("); err != nil {
			return nil, err
		}
		c := &inCond{field: f, not: not}
		for {
			lit, err := p.literal()
			if err != nil {
				return nil, err
			}
			c.lits = append(c.lits, lit)
			if p.peek().text != "," {
				break
			}
			p.next()
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		return c, nil
	case p.isKeyword("LIKE"):
		p.next()
		t := p.next()
		if t.kind != tkString {
			return nil, unexpected(t)
		}
		return &likeCond{field: f, pattern: t.pattern}, nil
	}
	op := p.peek()
	switch op.text {
	case "=", "!=", "<>", "<", "<=", ">", ">=":
	default:
		return nil, unexpected(op)
	}
	p.next()
	lit, err := p.literal()
	if err != nil {
		return nil, err
	}
	return &cmpCond{field: f, op: op.text, lit: lit}, nil
}

func (p *parser) literal() (literal, *soqlError) {
	t := p.next()
	switch t.kind {
	case tkString:
		if t.likeOnly != nil {
			return literal{}, t.likeOnly
		}
		return literal{val: t.text, kind: tkString, text: t.text, pos: t.pos}, nil
	case tkNumber:
		if _, err := strconv.ParseFloat(t.text, 64); err == nil {
			return literal{val: json.Number(t.text), kind: tkNumber, text: t.text, pos: t.pos}, nil
		}
		if d, ok := parseDatetime(t.text); ok {
			return literal{val: formatDatetime(d), kind: tkNumber, text: t.text, pos: t.pos}, nil
		}
		return literal{val: t.text, kind: tkNumber, text: t.text, pos: t.pos}, nil
	case tkIdent:
		switch strings.ToLower(t.text) {
		case "true":
			return literal{val: true, kind: tkIdent, text: t.text, pos: t.pos}, nil
		case "false":
			return literal{val: false, kind: tkIdent, text: t.text, pos: t.pos}, nil
		case "null":
			return literal{val: nil, kind: tkIdent, text: t.text, pos: t.pos}, nil
		}
	}
	return literal{}, unexpected(t)
}

// caretMessage prefixes msg with Salesforce's diagram pointing at pos.
func caretMessage(q string, pos int, msg string) string {
	row, lineStart := 1, 0
	for i := 0; i < pos && i < len(q); i++ {
		if q[i] == '\n' {
			row++
			lineStart = i + 1
		}
	}
	lineEnd := strings.IndexByte(q[lineStart:], '\n')
	line := q[lineStart:]
	if lineEnd >= 0 {
		line = q[lineStart : lineStart+lineEnd]
	}
	col := pos - lineStart + 1
	return fmt.Sprintf("\n%s\n%s^\nERROR at Row:%d:Column:%d\n%s", line, strings.Repeat(" ", col-1), row, col, msg)
}
