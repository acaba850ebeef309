#include "sfusim/sfu/retransmission_buffer.h"

namespace sfusim::sfu {

RetransmissionBuffer::RetransmissionBuffer(std::size_t capacity) : slots_(capacity == 0 ? 1 : capacity) {}

void RetransmissionBuffer::Store(int64_t ext_seq, std::span<const uint8_t> packet) {
  if (ext_seq < 0) return;
  Slot& slot = slots_[static_cast<std::size_t>(ext_seq) % slots_.size()];
  // A late (reordered) packet must not evict a newer one sharing its slot.
  if (slot.ext_seq > ext_seq) return;
  slot.ext_seq = ext_seq;
  slot.bytes.assign(packet.begin(), packet.end());
}

std::span<const uint8_t> RetransmissionBuffer::Find(int64_t ext_seq) const {
  if (ext_seq < 0) return {};
  const Slot& slot = slots_[static_cast<std::size_t>(ext_seq) % slots_.size()];
  if (slot.ext_seq != ext_seq) return {};
  return slot.bytes;
}

}  // namespace sfusim::sfu
