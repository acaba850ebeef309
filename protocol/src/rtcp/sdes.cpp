#include "sfusim/protocol/rtcp/sdes.h"

#include <algorithm>

#include "rtcp/rtcp_util.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kTypeName = "SDES";
constexpr size_t kSsrcSize = 4;
constexpr size_t kItemHeaderSize = 2;

size_t ChunkSize(const Sdes::Chunk& c) {
  size_t size = kSsrcSize;
  for (const auto& item : c.items) size += kItemHeaderSize + item.text.size();
  size += 1;                   // END
  return (size + 3) & ~size_t{3};  // zero padding to 32 bits
}
}  // namespace

Sdes Sdes::WithCname(uint32_t ssrc, std::string cname) {
  Sdes s;
  s.chunks.push_back(Chunk{ssrc, {Item{kCname, std::move(cname)}}});
  return s;
}

std::optional<std::string_view> Sdes::Cname(uint32_t ssrc) const {
  for (const auto& c : chunks) {
    if (c.ssrc != ssrc) continue;
    for (const auto& item : c.items) {
      if (item.type == kCname) return std::string_view(item.text);
    }
  }
  return std::nullopt;
}

Result<Sdes> Sdes::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType) return internal::WrongType(v, kTypeName);
  const uint8_t* p = v.payload.data();
  const size_t n = v.payload.size();
  const size_t base = v.offset + RtcpHeader::kSize;  // for messages: payload byte -> datagram byte
  Sdes sdes;
  sdes.chunks.reserve(v.header.count);
  size_t pos = 0;
  for (size_t c = 0; c < v.header.count; ++c) {
    if (n - pos < kSsrcSize) {
      return internal::PacketError(v, kTypeName, "truncated",
                                   "chunk " + std::to_string(c) + " at byte " + std::to_string(base + pos) +
                                       " needs an SSRC, " + std::to_string(n - pos) + " bytes left");
    }
    const size_t chunk_start = pos;
    Chunk chunk;
    chunk.ssrc = ReadBe32(p + pos);
    pos += kSsrcSize;
    while (true) {
      if (pos >= n) {
        return internal::PacketError(v, kTypeName, "truncated",
                                     "chunk " + std::to_string(c) + " has no END item before byte " +
                                         std::to_string(base + n));
      }
      const uint8_t type = p[pos];
      if (type == kEnd) break;
      if (n - pos < kItemHeaderSize || p[pos + 1] > n - pos - kItemHeaderSize) {
        return internal::PacketError(v, kTypeName, "truncated",
                                     "item at byte " + std::to_string(base + pos) + " runs past the packet end");
      }
      const size_t len = p[pos + 1];
      chunk.items.push_back(Item{type, std::string(reinterpret_cast<const char*>(p + pos + 2), len)});
      pos += kItemHeaderSize + len;
    }
    // END octet then zero padding up to the next 32-bit boundary of the chunk.
    const size_t end = chunk_start + ((pos + 1 - chunk_start + 3) & ~size_t{3});
    if (end > n) {
      return internal::PacketError(v, kTypeName, "truncated",
                                   "chunk " + std::to_string(c) + " padding runs past the packet end");
    }
    for (size_t i = pos; i < end; ++i) {
      if (p[i] != 0) {
        return internal::PacketError(v, kTypeName, "bad_item",
                                     "non-zero byte " + std::to_string(base + i) + " in the END padding of chunk " +
                                         std::to_string(c));
      }
    }
    pos = end;
    sdes.chunks.push_back(std::move(chunk));
  }
  if (pos != n) {
    return internal::PacketError(v, kTypeName, "length_mismatch",
                                 std::to_string(n - pos) + " bytes after the " + std::to_string(v.header.count) +
                                     " chunks");
  }
  return sdes;
}

Status Sdes::AppendTo(std::vector<uint8_t>& out) const {
  if (chunks.size() > kMaxChunks) {
    return MakeError("too_many", "rtcp SDES: " + std::to_string(chunks.size()) + " chunks, limit 31");
  }
  size_t size = RtcpHeader::kSize;
  for (size_t c = 0; c < chunks.size(); ++c) {
    for (const auto& item : chunks[c].items) {
      if (item.type == kEnd) return MakeError("bad_item", "rtcp SDES chunk " + std::to_string(c) + ": item type 0 is END");
      if (item.text.size() > kMaxTextSize) {
        return MakeError("too_large", "rtcp SDES chunk " + std::to_string(c) + ": item of " +
                                          std::to_string(item.text.size()) + " bytes, limit 255");
      }
    }
    size += ChunkSize(chunks[c]);
  }
  Status s = internal::CheckPacketSize(kTypeName, size);
  if (!s) return s;
  const size_t start = internal::BeginPacket(out, static_cast<uint8_t>(chunks.size()), kPacketType, size);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  for (const auto& c : chunks) {
    uint8_t* q = p;
    WriteBe32(q, c.ssrc);
    q += kSsrcSize;
    for (const auto& item : c.items) {
      q[0] = item.type;
      q[1] = static_cast<uint8_t>(item.text.size());
      std::copy(item.text.begin(), item.text.end(), q + 2);
      q += kItemHeaderSize + item.text.size();
    }
    p += ChunkSize(c);  // END + padding are the zeros BeginPacket wrote
  }
  return Ok{};
}

Result<std::vector<uint8_t>> Sdes::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
