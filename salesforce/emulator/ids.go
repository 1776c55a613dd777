package emulator

import (
	"strings"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const checksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

// idChecksum computes the 3-character case-insensitivity suffix of a 15-character id.
func idChecksum(id15 string) string {
	var out [3]byte
	for chunk := 0; chunk < 3; chunk++ {
		bits := 0
		for i := 0; i < 5; i++ {
			c := id15[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		out[chunk] = checksumAlphabet[bits]
	}
	return string(out[:])
}

// To18 returns the 18-character form of a 15-character id; other inputs are returned unchanged.
func To18(id string) string {
	if len(id) != 15 {
		return id
	}
	return id + idChecksum(id)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// canonicalID validates a 15- or 18-character id and returns its 15-character, case-sensitive form.
// An 18-character id is accepted in any letter case because its suffix encodes the case of the first 15.
func canonicalID(id string) (string, bool) {
	if !isAlnum(id) {
		return "", false
	}
	switch len(id) {
	case 15:
		return id, true
	case 18:
		suffix := strings.ToUpper(id[15:])
		b := []byte(id[:15])
		for chunk := 0; chunk < 3; chunk++ {
			bits := strings.IndexByte(checksumAlphabet, suffix[chunk])
			if bits < 0 {
				return "", false
			}
			for i := 0; i < 5; i++ {
				c := b[chunk*5+i]
				if bits&(1<<i) != 0 {
					if c >= 'a' && c <= 'z' {
						c -= 'a' - 'A'
					}
				} else if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				b[chunk*5+i] = c
			}
		}
		id15 := string(b)
		if idChecksum(id15) != suffix {
			return "", false
		}
		return id15, true
	}
	return "", false
}

// newID builds an 18-character id from a key prefix and a counter.
func newID(prefix string, n int64) string {
	var digits [10]byte
	for i := range digits {
		digits[i] = '0'
	}
	for i := len(digits) - 1; i >= 0 && n > 0; i-- {
		digits[i] = base62[n%62]
		n /= 62
	}
	id15 := prefix + "5g" + string(digits[:])
	return id15 + idChecksum(id15)
}
