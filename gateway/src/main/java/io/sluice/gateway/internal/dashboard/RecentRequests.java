package io.sluice.gateway.internal.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@code capacity} finished requests, written by every event loop without a lock: a
 * sequence number picks the slot, and a reader takes what it finds from a sequence on. A slot
 * being overwritten while read yields the newer record, which a reader tells by its sequence.
 */
final class RecentRequests {
  private record Slot(long seq, RequestRecord record) {}

  private final AtomicReferenceArray<Slot> slots;
  private final AtomicLong next = new AtomicLong();

  RecentRequests(int capacity) {
    this.slots = new AtomicReferenceArray<>(capacity);
  }

  void add(RequestRecord record) {
    long seq = next.getAndIncrement();
    slots.set((int) (seq % slots.length()), new Slot(seq, record));
  }

  /** The sequence the next record gets: everything below it has been (or is being) added. */
  long head() {
    return next.get();
  }

  /** Records with a sequence in {@code [from, to)}, oldest first, at most the capacity. */
  List<RequestRecord> between(long from, long to) {
    long start = Math.max(from, to - slots.length());
    List<RequestRecord> out = new ArrayList<>((int) Math.max(0, to - start));
    for (long seq = start; seq < to; seq++) {
      Slot s = slots.get((int) (seq % slots.length()));
      if (s != null && s.seq() == seq) { // else not yet written, or already overwritten
        out.add(s.record());
      }
    }
    return out;
  }
}
