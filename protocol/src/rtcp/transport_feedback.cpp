#include "sfusim/protocol/rtcp/transport_feedback.h"

#include <algorithm>

#include "rtcp/rtcp_util.h"
#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kName = "transport-cc";
constexpr size_t kChunkSize = 2;

using TF = TransportFeedback;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

uint8_t SymbolOf(const TF::PacketStatus& s) {
  if (!s.received) return TF::kNotReceived;
  return (s.delta_ticks >= 0 && s.delta_ticks <= TF::kMaxSmallDelta) ? TF::kSmallDelta : TF::kLargeDelta;
}

std::vector<uint16_t> EncodeChunks(const std::vector<uint8_t>& symbols) {
  std::vector<uint16_t> chunks;
  const size_t n = symbols.size();
  size_t i = 0;
  while (i < n) {
    size_t run = 1;
    while (i + run < n && run < TF::kMaxRunLength && symbols[i + run] == symbols[i]) ++run;
    const size_t window = std::min(TF::kOneBitCapacity, n - i);
    const bool has_large =
        std::any_of(symbols.begin() + static_cast<std::ptrdiff_t>(i),
                    symbols.begin() + static_cast<std::ptrdiff_t>(i + window), [](uint8_t s) { return s == TF::kLargeDelta; });
    if (run >= TF::kOneBitCapacity || (has_large && run >= TF::kTwoBitCapacity)) {
      chunks.push_back(static_cast<uint16_t>((symbols[i] << 13) | run));
      i += run;
    } else if (!has_large) {
      uint16_t c = 0x8000;
      for (size_t k = 0; k < window; ++k) c = static_cast<uint16_t>(c | (symbols[i + k] << (13 - k)));
      chunks.push_back(c);
      i += window;
    } else {
      const size_t take = std::min(TF::kTwoBitCapacity, n - i);
      uint16_t c = 0xC000;
      for (size_t k = 0; k < take; ++k) c = static_cast<uint16_t>(c | (symbols[i + k] << (12 - 2 * k)));
      chunks.push_back(c);
      i += take;
    }
  }
  return chunks;
}
}  // namespace

Result<TransportFeedback> TransportFeedback::FromPacketResults(uint32_t sender_ssrc, uint32_t media_ssrc,
                                                               uint8_t feedback_count,
                                                               std::span<const PacketResult> results) {
  if (results.empty()) return MakeError("empty", "transport-cc: no packets");
  TransportFeedback fb;
  fb.sender_ssrc = sender_ssrc;
  fb.media_ssrc = media_ssrc;
  fb.feedback_count = feedback_count;
  fb.base_sequence_number = results[0].sequence_number;
  const auto first_received =
      std::find_if(results.begin(), results.end(), [](const PacketResult& r) { return r.received; });
  int64_t ticks = 0;
  if (first_received != results.end()) {
    const int64_t ref = FloorDiv(first_received->arrival_time_us, kReferenceTickUs);
    if (ref < kMinReferenceTime || ref > kMaxReferenceTime) {
      return MakeError("out_of_range", "transport-cc: arrival " + std::to_string(first_received->arrival_time_us) +
                                           " us puts the reference time outside 24 bits");
    }
    fb.reference_time = static_cast<int32_t>(ref);
    ticks = ref * kTicksPerReference;
  }
  int64_t offset = 0;  // of results[i] from the base
  for (size_t i = 0; i < results.size(); ++i) {
    if (i > 0) {
      if (!SequenceNumberUnwrapper::IsNewer(results[i].sequence_number, results[i - 1].sequence_number)) {
        return MakeError("unordered", "transport-cc: result " + std::to_string(i) + " (seq " +
                                          std::to_string(results[i].sequence_number) +
                                          ") is not after the previous one");
      }
      offset += static_cast<uint16_t>(results[i].sequence_number - results[i - 1].sequence_number);
    }
    if (offset >= static_cast<int64_t>(kMaxPacketStatusCount)) {
      return MakeError("too_many", "transport-cc: result " + std::to_string(i) + " is " + std::to_string(offset) +
                                       " sequence numbers past the base, limit 65534");
    }
    fb.packets.resize(static_cast<size_t>(offset) + 1);  // gaps are not-received
    if (!results[i].received) continue;
    const int64_t t = FloorDiv(results[i].arrival_time_us, kDeltaTickUs);
    const int64_t delta = t - ticks;
    if (delta < kMinLargeDelta || delta > kMaxLargeDelta) {
      return MakeError("out_of_range", "transport-cc: result " + std::to_string(i) + " arrives " +
                                           std::to_string(delta * kDeltaTickUs) +
                                           " us from the previous one, beyond a 16-bit delta");
    }
    fb.packets[static_cast<size_t>(offset)] = PacketStatus{true, static_cast<int32_t>(delta)};
    ticks = t;
  }
  return fb;
}

std::vector<TransportFeedback::PacketResult> TransportFeedback::GetPacketResults() const {
  std::vector<PacketResult> out;
  out.reserve(packets.size());
  int64_t ticks = static_cast<int64_t>(reference_time) * kTicksPerReference;
  for (size_t i = 0; i < packets.size(); ++i) {
    PacketResult r;
    r.sequence_number = static_cast<uint16_t>(base_sequence_number + i);
    r.received = packets[i].received;
    if (r.received) {
      ticks += packets[i].delta_ticks;
      r.arrival_time_us = ticks * kDeltaTickUs;
    }
    out.push_back(r);
  }
  return out;
}

Result<TransportFeedback> TransportFeedback::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType || v.header.count != kFmt) return internal::WrongType(v, kName);
  if (v.payload.size() < kFixedSize) return internal::TooShort(v, kName, kFixedSize);
  const uint8_t* p = v.payload.data();
  const size_t n = v.payload.size();
  const size_t base = v.offset + RtcpHeader::kSize;
  TransportFeedback fb;
  fb.sender_ssrc = ReadBe32(p);
  fb.media_ssrc = ReadBe32(p + 4);
  fb.base_sequence_number = ReadBe16(p + 8);
  const size_t count = ReadBe16(p + 10);
  const uint32_t ref = ReadBe24(p + 12);
  fb.reference_time = (ref & 0x800000) ? static_cast<int32_t>(ref) - 0x1000000 : static_cast<int32_t>(ref);
  fb.feedback_count = p[15];
  if (count == 0) return internal::PacketError(v, kName, "empty", "packet status count 0");

  std::vector<uint8_t> symbols;
  symbols.reserve(count);
  size_t pos = kFixedSize;
  while (symbols.size() < count) {
    if (n - pos < kChunkSize) {
      return internal::PacketError(v, kName, "truncated",
                                   "chunk at byte " + std::to_string(base + pos) + " past the end with " +
                                       std::to_string(count - symbols.size()) + " statuses still to read");
    }
    const uint16_t c = ReadBe16(p + pos);
    const size_t left = count - symbols.size();
    if ((c & 0x8000) == 0) {
      const uint8_t s = (c >> 13) & 0x3;
      const size_t run = std::min<size_t>(c & 0x1FFF, left);
      if (run > 0 && s == kReservedSymbol) {
        return internal::PacketError(v, kName, "reserved_symbol",
                                     "run-length chunk at byte " + std::to_string(base + pos) + " uses symbol 11");
      }
      symbols.insert(symbols.end(), run, s);
    } else if ((c & 0x4000) == 0) {
      const size_t take = std::min(kOneBitCapacity, left);
      for (size_t k = 0; k < take; ++k) symbols.push_back((c >> (13 - k)) & 0x1);
    } else {
      const size_t take = std::min(kTwoBitCapacity, left);
      for (size_t k = 0; k < take; ++k) {
        const uint8_t s = (c >> (12 - 2 * k)) & 0x3;
        if (s == kReservedSymbol) {
          return internal::PacketError(v, kName, "reserved_symbol",
                                       "status vector chunk at byte " + std::to_string(base + pos) +
                                           " uses symbol 11");
        }
        symbols.push_back(s);
      }
    }
    pos += kChunkSize;
  }
  fb.packets.resize(count);
  for (size_t i = 0; i < count; ++i) {
    if (symbols[i] == kNotReceived) continue;
    const size_t size = symbols[i] == kSmallDelta ? 1 : 2;
    if (n - pos < size) {
      return internal::PacketError(v, kName, "truncated",
                                   "receive delta of packet " + std::to_string(i) + " at byte " +
                                       std::to_string(base + pos) + " past the end");
    }
    const int32_t delta = size == 1 ? p[pos] : static_cast<int16_t>(ReadBe16(p + pos));
    fb.packets[i] = PacketStatus{true, delta};
    pos += size;
  }
  if (n - pos >= 4) {
    return internal::PacketError(v, kName, "length_mismatch",
                                 std::to_string(n - pos) + " bytes after the receive deltas, more than padding");
  }
  return fb;
}

Status TransportFeedback::AppendTo(std::vector<uint8_t>& out) const {
  if (packets.empty()) return MakeError("empty", "transport-cc: no packets");
  if (packets.size() > kMaxPacketStatusCount) {
    return MakeError("too_many", "transport-cc: " + std::to_string(packets.size()) + " packets, limit 65535");
  }
  if (reference_time < kMinReferenceTime || reference_time > kMaxReferenceTime) {
    return MakeError("out_of_range", "transport-cc: reference time " + std::to_string(reference_time) +
                                         " does not fit 24 bits");
  }
  std::vector<uint8_t> symbols;
  symbols.reserve(packets.size());
  size_t delta_bytes = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& s = packets[i];
    if (!s.received && s.delta_ticks != 0) {
      return MakeError("out_of_range", "transport-cc: packet " + std::to_string(i) + " not received but has a delta");
    }
    if (s.delta_ticks < kMinLargeDelta || s.delta_ticks > kMaxLargeDelta) {
      return MakeError("out_of_range", "transport-cc: packet " + std::to_string(i) + " delta " +
                                           std::to_string(s.delta_ticks) + " ticks does not fit 16 bits");
    }
    symbols.push_back(SymbolOf(s));
    delta_bytes += symbols.back() == kSmallDelta ? 1 : symbols.back() == kLargeDelta ? 2 : 0;
  }
  const std::vector<uint16_t> chunks = EncodeChunks(symbols);
  const size_t unpadded = RtcpHeader::kSize + kFixedSize + chunks.size() * kChunkSize + delta_bytes;
  const size_t size = (unpadded + 3) & ~size_t{3};
  Status st = internal::CheckPacketSize(kName, size);
  if (!st) return st;
  const size_t start = internal::BeginPacket(out, kFmt, kPacketType, size);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  WriteBe32(p, sender_ssrc);
  WriteBe32(p + 4, media_ssrc);
  WriteBe16(p + 8, base_sequence_number);
  WriteBe16(p + 10, static_cast<uint16_t>(packets.size()));
  WriteBe24(p + 12, static_cast<uint32_t>(reference_time) & 0xFFFFFF);
  p[15] = feedback_count;
  p += kFixedSize;
  for (uint16_t c : chunks) {
    WriteBe16(p, c);
    p += kChunkSize;
  }
  for (size_t i = 0; i < packets.size(); ++i) {
    if (symbols[i] == kSmallDelta) {
      *p++ = static_cast<uint8_t>(packets[i].delta_ticks);
    } else if (symbols[i] == kLargeDelta) {
      WriteBe16(p, static_cast<uint16_t>(static_cast<int16_t>(packets[i].delta_ticks)));
      p += 2;
    }
  }
  return Ok{};
}

Result<std::vector<uint8_t>> TransportFeedback::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
