package salesforce

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// Caps on what one response may hold. A login answer is a token and a URL; an error is a few
// messages; data is a query page (at most 2,000 rows) or a batch of 200-record collections,
// far below DefaultMaxDataBytes. Past a cap the answer is dropped whole: a clear error beats
// a manager that one hostile or broken server pushes past its memory limit.
const (
	MaxLoginBytes       = 64 << 10
	MaxErrorBytes       = 1 << 20
	DefaultMaxDataBytes = 16 << 20
)

// CodeResponseTooLarge marks an answer longer than its cap; nothing of it was used.
const CodeResponseTooLarge = "RESPONSE_TOO_LARGE"

// CallLimit bounds the Salesforce exchanges in flight across every client that shares it,
// and with them the response bytes held at once. The zero of a nil *CallLimit is no bound.
type CallLimit struct{ slots chan struct{} }

// NewCallLimit allows n exchanges at once.
func NewCallLimit(n int) *CallLimit {
	if n <= 0 {
		n = 1
	}
	return &CallLimit{slots: make(chan struct{}, n)}
}

func (l *CallLimit) acquire(ctx context.Context) error {
	if l == nil {
		return nil
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *CallLimit) release() {
	if l != nil {
		<-l.slots
	}
}

// bodyCap is how much of an answer to op with the status may be read.
func (c *Client) bodyCap(op string, status int) int64 {
	switch {
	case op == "login":
		return MaxLoginBytes
	case status >= 300:
		return MaxErrorBytes
	default:
		return c.maxData
	}
}

// readCapped reads at most limit bytes and reports a body that is longer. It reads in chunks
// and joins them once at the end: no doubling buffer that leaves its old copies behind, and a
// body past the cap costs at most the cap before it is dropped.
func readCapped(resp *http.Response, limit int64, op string) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, tooLarge(resp.StatusCode, op, limit)
	}
	// Small answers, the common case, cost one small buffer: chunks start at the announced
	// length (or 8 KiB) and double up to 1 MiB.
	size := int64(8 << 10)
	if n := resp.ContentLength; n >= 0 && n < limit {
		size = n + 1 // one byte more shows a body longer than announced
	}
	var chunks [][]byte
	var total int64
	for {
		chunk := make([]byte, size)
		size = min(2*size, 1<<20)
		n, err := io.ReadFull(resp.Body, chunk)
		if n > 0 {
			chunks = append(chunks, chunk[:n])
			total += int64(n)
		}
		if total > limit {
			return nil, tooLarge(resp.StatusCode, op, limit)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

func tooLarge(status int, op string, limit int64) *Error {
	return &Error{StatusCode: status, Code: CodeResponseTooLarge, Operation: op,
		Message: fmt.Sprintf("the answer is longer than the %s this client reads for it; none of it was used", byteSize(limit))}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
