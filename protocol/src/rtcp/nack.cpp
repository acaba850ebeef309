#include "sfusim/protocol/rtcp/nack.h"

#include <algorithm>

#include "rtcp/rtcp_util.h"
#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kName = "NACK";
}

std::vector<Nack::Item> Nack::ItemsFromSequenceNumbers(std::span<const uint16_t> sequence_numbers) {
  SequenceNumberUnwrapper unwrapper;
  std::vector<int64_t> seqs;
  seqs.reserve(sequence_numbers.size());
  for (uint16_t s : sequence_numbers) seqs.push_back(unwrapper.Unwrap(s));
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  std::vector<Item> items;
  size_t i = 0;
  while (i < seqs.size()) {
    const int64_t pid = seqs[i];
    uint16_t blp = 0;
    size_t j = i + 1;
    while (j < seqs.size() && seqs[j] - pid <= kBlpBits) {
      blp = static_cast<uint16_t>(blp | (1u << (seqs[j] - pid - 1)));
      ++j;
    }
    items.push_back(Item{static_cast<uint16_t>(pid & 0xFFFF), blp});
    i = j;
  }
  return items;
}

std::vector<uint16_t> Nack::ExpandItems(std::span<const Item> items) {
  std::vector<uint16_t> out;
  for (const auto& item : items) {
    out.push_back(item.pid);
    for (int b = 0; b < kBlpBits; ++b) {
      if (item.blp & (1u << b)) out.push_back(static_cast<uint16_t>(item.pid + b + 1));
    }
  }
  return out;
}

Nack Nack::FromSequenceNumbers(uint32_t sender_ssrc, uint32_t media_ssrc, std::span<const uint16_t> sequence_numbers) {
  return Nack{sender_ssrc, media_ssrc, ItemsFromSequenceNumbers(sequence_numbers)};
}

Result<Nack> Nack::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType || v.header.count != kFmt) return internal::WrongType(v, kName);
  const size_t need = internal::kFeedbackCommonSize + kItemSize;
  if (v.payload.size() < need) return internal::TooShort(v, kName, need);
  const size_t fci = v.payload.size() - internal::kFeedbackCommonSize;
  if (fci % kItemSize != 0) {
    return internal::PacketError(v, kName, "length_mismatch",
                                 std::to_string(fci) + " FCI bytes are not whole 4-byte entries");
  }
  const uint8_t* p = v.payload.data();
  Nack nack;
  nack.sender_ssrc = ReadBe32(p);
  nack.media_ssrc = ReadBe32(p + 4);
  nack.items.reserve(fci / kItemSize);
  for (size_t pos = internal::kFeedbackCommonSize; pos < v.payload.size(); pos += kItemSize) {
    nack.items.push_back(Item{ReadBe16(p + pos), ReadBe16(p + pos + 2)});
  }
  return nack;
}

Status Nack::AppendTo(std::vector<uint8_t>& out) const {
  if (items.empty()) return MakeError("empty", "rtcp NACK: no FCI entries (RFC 4585 needs one or more)");
  const size_t size = RtcpHeader::kSize + internal::kFeedbackCommonSize + items.size() * kItemSize;
  Status s = internal::CheckPacketSize(kName, size);
  if (!s) return s;
  const size_t start = internal::BeginPacket(out, kFmt, kPacketType, size);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  WriteBe32(p, sender_ssrc);
  WriteBe32(p + 4, media_ssrc);
  p += internal::kFeedbackCommonSize;
  for (const auto& item : items) {
    WriteBe16(p, item.pid);
    WriteBe16(p + 2, item.blp);
    p += kItemSize;
  }
  return Ok{};
}

Result<std::vector<uint8_t>> Nack::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
