// SequenceNumberUnwrapper: maps 16-bit RTP (or transport-wide) sequence numbers onto a 64-bit
// line, so that ordering and distances survive the 65535 -> 0 wrap.
//
// Contract: the first value unwraps to itself (0..65535); each next value unwraps to the
// candidate closest to the previous result, i.e. a step of (seq - last) mod 2^16 forward if it is
// below 2^15 and backward otherwise (a step of exactly 2^15 counts as backward). The result can go
// negative if the stream starts by stepping back. IsNewer() uses the same half-range rule.
#pragma once

#include <cstdint>
#include <optional>

namespace sfusim::protocol {

class SequenceNumberUnwrapper {
 public:
  static constexpr int64_t kModulus = 1 << 16;
  static constexpr int64_t kHalf = 1 << 15;

  int64_t Unwrap(uint16_t seq) {
    if (!last_) {
      last_ = seq;
      return *last_;
    }
    const int64_t step = (static_cast<int64_t>(seq) - (*last_ & (kModulus - 1)) + kModulus) % kModulus;
    *last_ += step < kHalf ? step : step - kModulus;
    return *last_;
  }
  std::optional<int64_t> last() const { return last_; }
  void Reset() { last_.reset(); }

  // True if `a` comes after `b` (same half-range rule as Unwrap).
  static bool IsNewer(uint16_t a, uint16_t b) {
    const uint16_t step = static_cast<uint16_t>(a - b);
    return step != 0 && step < kHalf;
  }

 private:
  std::optional<int64_t> last_;
};

}  // namespace sfusim::protocol
