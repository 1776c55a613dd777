package controllers

// readSlots bounds the drift reads under way across all destinations, and with them the
// goroutines and the memory their answers hold. Reads must be allowed to pile up far enough
// to fill the coalescer's batches; past the bound, an identity's check waits for its next
// requeue instead of starting a goroutine. A nil *readSlots is no bound.
type readSlots struct{ ch chan struct{} }

// defaultDriftReads is the bound used by the manager: enough for every identity of a large
// org to join one batch, small enough that a burst cannot start unbounded goroutines.
const defaultDriftReads = 20000

func newReadSlots(n int) *readSlots {
	if n <= 0 {
		n = defaultDriftReads
	}
	return &readSlots{ch: make(chan struct{}, n)}
}

// tryAcquire takes a slot without waiting: the caller holds a lock.
func (s *readSlots) tryAcquire() bool {
	if s == nil {
		return true
	}
	select {
	case s.ch <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *readSlots) release() {
	if s != nil {
		<-s.ch
	}
}
