// RetransmissionBuffer: the last N RTP packets of one producer, by extended sequence number, to
// answer NACKs (PROTOCOL.md §2). A ring of fixed size: storing packet s evicts packet s - N; slot
// buffers are reused, so steady state allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sfusim::sfu {

class RetransmissionBuffer {
 public:
  explicit RetransmissionBuffer(std::size_t capacity);

  void Store(int64_t ext_seq, std::span<const uint8_t> packet);
  // The stored bytes of `ext_seq`; empty when evicted or never stored.
  std::span<const uint8_t> Find(int64_t ext_seq) const;
  std::size_t capacity() const { return slots_.size(); }

 private:
  struct Slot {
    int64_t ext_seq = -1;
    std::vector<uint8_t> bytes;
  };
  std::vector<Slot> slots_;
};

}  // namespace sfusim::sfu
