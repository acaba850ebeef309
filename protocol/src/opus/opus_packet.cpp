#include "sfusim/protocol/opus/opus_packet.h"

#include <string>

namespace sfusim::protocol {
namespace {

constexpr size_t kTocBytes = 1;
constexpr size_t kFrameCountBytes = 1;
constexpr size_t kTwoByteLengthThreshold = 252;
constexpr uint8_t kPaddingContinues = 255;
constexpr size_t kPaddingPerContinuationByte = 254;

Error Err(const char* code, size_t offset, const std::string& what) {
  return MakeError(code, "Opus packet byte " + std::to_string(offset) + ": " + what);
}

// Reads a frame length (RFC 6716 section 3.2.1) from data[offset, limit). Advances offset.
Result<size_t> ReadFrameLength(std::span<const uint8_t> data, size_t& offset, size_t limit) {
  if (offset >= limit) return Err("opus_truncated", offset, "frame length missing");
  const size_t b0 = data[offset];
  if (b0 < kTwoByteLengthThreshold) {
    offset += 1;
    return b0;
  }
  if (offset + 1 >= limit) return Err("opus_truncated", offset, "second byte of a frame length missing");
  const size_t length = 4 * static_cast<size_t>(data[offset + 1]) + b0;
  offset += 2;
  return length;
}

void WriteFrameLength(size_t length, std::vector<uint8_t>& out) {
  if (length < kTwoByteLengthThreshold) {
    out.push_back(static_cast<uint8_t>(length));
    return;
  }
  const size_t b0 = kTwoByteLengthThreshold + ((length - kTwoByteLengthThreshold) & 0x3);
  out.push_back(static_cast<uint8_t>(b0));
  out.push_back(static_cast<uint8_t>((length - b0) / 4));
}

Error TooLarge(size_t offset, size_t index, size_t size) {
  return Err("opus_frame_too_large", offset,
             "frame " + std::to_string(index) + " is " + std::to_string(size) + " bytes, limit " +
                 std::to_string(kOpusMaxFrameBytes));
}

}  // namespace

Result<OpusPacket> OpusPacket::Parse(std::span<const uint8_t> payload) {
  if (payload.empty()) return Err("opus_empty_packet", 0, "an Opus packet has at least the TOC byte");
  OpusPacket packet;
  packet.toc = OpusToc::FromByte(payload[0]);
  const size_t n = payload.size();
  size_t offset = kTocBytes;

  switch (packet.toc.frame_count_code) {
    case 0: {
      if (n - offset > kOpusMaxFrameBytes) return TooLarge(offset, 0, n - offset);
      packet.frames.push_back(payload.subspan(offset));
      break;
    }
    case 1: {
      if ((n - offset) % 2 != 0) {
        return Err("opus_bad_code1_length", 0, "code 1 needs an even number of frame bytes, got " + std::to_string(n - offset));
      }
      const size_t size = (n - offset) / 2;
      if (size > kOpusMaxFrameBytes) return TooLarge(offset, 0, size);
      packet.frames.push_back(payload.subspan(offset, size));
      packet.frames.push_back(payload.subspan(offset + size, size));
      break;
    }
    case 2: {
      const size_t length_at = offset;
      Result<size_t> first = ReadFrameLength(payload, offset, n);
      if (!first) return first.error();
      if (*first > n - offset) {
        return Err("opus_bad_vbr_length", length_at, "first frame length " + std::to_string(*first) + " exceeds the " +
                                                         std::to_string(n - offset) + " bytes left");
      }
      if (*first > kOpusMaxFrameBytes) return TooLarge(length_at, 0, *first);
      const size_t second = n - offset - *first;
      if (second > kOpusMaxFrameBytes) return TooLarge(offset + *first, 1, second);
      packet.frames.push_back(payload.subspan(offset, *first));
      packet.frames.push_back(payload.subspan(offset + *first, second));
      break;
    }
    default: {  // code 3
      if (n < kTocBytes + kFrameCountBytes) return Err("opus_truncated", offset, "code 3 frame count byte missing");
      const uint8_t count_byte = payload[offset];
      packet.vbr = (count_byte & 0x80) != 0;
      const bool has_padding = (count_byte & 0x40) != 0;
      const size_t count = count_byte & 0x3f;
      if (count == 0) return Err("opus_bad_frame_count", offset, "code 3 with zero frames");
      if (count * packet.toc.frame_samples_48k() > kOpusMaxPacketSamples48k) {
        return Err("opus_duration_too_long", offset,
                   std::to_string(count) + " frames of " + std::to_string(packet.toc.frame_duration_us()) +
                       " us exceed 120 ms");
      }
      offset += kFrameCountBytes;
      size_t padding = 0;
      if (has_padding) {
        while (true) {
          if (offset >= n) return Err("opus_truncated", offset, "padding length runs past the end");
          const uint8_t p = payload[offset++];
          padding += p == kPaddingContinues ? kPaddingPerContinuationByte : p;
          if (p != kPaddingContinues) break;
        }
        if (padding > n - offset) {
          return Err("opus_bad_padding", offset, "padding of " + std::to_string(padding) + " bytes exceeds the " +
                                                     std::to_string(n - offset) + " bytes left");
        }
      }
      packet.padding_bytes = padding;
      const size_t data_end = n - padding;  // frames (and VBR lengths) live in [offset, data_end)
      if (packet.vbr) {
        std::vector<size_t> sizes;
        size_t total = 0;
        for (size_t i = 0; i + 1 < count; ++i) {
          const size_t length_at = offset;
          Result<size_t> size = ReadFrameLength(payload, offset, data_end);
          if (!size) return size.error();
          if (*size > kOpusMaxFrameBytes) return TooLarge(length_at, i, *size);
          sizes.push_back(*size);
          total += *size;
        }
        if (total > data_end - offset) {
          return Err("opus_bad_vbr_length", offset, "frame lengths add up to " + std::to_string(total) + ", only " +
                                                        std::to_string(data_end - offset) + " bytes left");
        }
        const size_t last = data_end - offset - total;
        if (last > kOpusMaxFrameBytes) return TooLarge(offset + total, count - 1, last);
        for (size_t size : sizes) {
          packet.frames.push_back(payload.subspan(offset, size));
          offset += size;
        }
        packet.frames.push_back(payload.subspan(offset, last));
      } else {
        const size_t bytes = data_end - offset;
        if (bytes % count != 0) {
          return Err("opus_bad_cbr_length", offset, std::to_string(bytes) + " frame bytes do not split into " +
                                                        std::to_string(count) + " equal frames");
        }
        const size_t size = bytes / count;
        if (size > kOpusMaxFrameBytes) return TooLarge(offset, 0, size);
        for (size_t i = 0; i < count; ++i) packet.frames.push_back(payload.subspan(offset + i * size, size));
      }
      break;
    }
  }
  return packet;
}

Result<std::vector<uint8_t>> OpusPacket::Serialize() const {
  auto bad = [](const std::string& what) { return MakeError("opus_bad_layout", what); };
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].size() > kOpusMaxFrameBytes) {
      return bad("frame " + std::to_string(i) + " is " + std::to_string(frames[i].size()) + " bytes, limit " +
                 std::to_string(kOpusMaxFrameBytes));
    }
  }
  const uint8_t code = toc.frame_count_code & 0x03;
  if (code != 3 && (vbr || padding_bytes != 0)) return bad("VBR flag and padding exist only in code 3");
  if ((code == 0 && frames.size() != 1) || ((code == 1 || code == 2) && frames.size() != 2)) {
    return bad("code " + std::to_string(code) + " cannot carry " + std::to_string(frames.size()) + " frames");
  }
  if (code == 1 && frames[0].size() != frames[1].size()) return bad("code 1 needs two frames of equal size");
  if (code == 3) {
    if (frames.empty() || frames.size() > kOpusMaxFramesPerPacket ||
        frames.size() * toc.frame_samples_48k() > kOpusMaxPacketSamples48k) {
      return bad("code 3 with " + std::to_string(frames.size()) + " frames: need 1.." +
                 std::to_string(kOpusMaxPacketSamples48k / toc.frame_samples_48k()) + " for this frame duration");
    }
    if (!vbr) {
      for (const auto& f : frames) {
        if (f.size() != frames[0].size()) return bad("code 3 CBR needs frames of equal size");
      }
    }
  }

  std::vector<uint8_t> out;
  out.push_back(OpusToc{toc.config, toc.stereo, code}.ToByte());
  if (code == 2) WriteFrameLength(frames[0].size(), out);
  if (code == 3) {
    out.push_back(static_cast<uint8_t>((vbr ? 0x80 : 0) | (padding_bytes > 0 ? 0x40 : 0) | frames.size()));
    if (padding_bytes > 0) {
      size_t left = padding_bytes;
      while (left >= kPaddingContinues) {
        out.push_back(kPaddingContinues);
        left -= kPaddingPerContinuationByte;
      }
      out.push_back(static_cast<uint8_t>(left));
    }
    if (vbr) {
      for (size_t i = 0; i + 1 < frames.size(); ++i) WriteFrameLength(frames[i].size(), out);
    }
  }
  for (const auto& f : frames) out.insert(out.end(), f.begin(), f.end());
  out.insert(out.end(), padding_bytes, uint8_t{0});
  return out;
}

}  // namespace sfusim::protocol
