#include "sfusim/protocol/rtp/rtp_packet.h"

#include <string>
#include <utility>

#include "sfusim/protocol/rtp/byte_io.h"

namespace sfusim::protocol {
namespace {

using Form = RtpHeaderExtension::Form;

struct OwnedElement {
  uint8_t id;
  std::vector<uint8_t> data;
};

std::vector<OwnedElement> CollectElements(Form form, std::span<const uint8_t> block) {
  std::vector<OwnedElement> out;
  RtpHeaderExtension::ForEach(form, block, [&](const RtpHeaderExtension::Element& e) {
    out.push_back({e.id, std::vector<uint8_t>(e.data.begin(), e.data.end())});
    return true;
  });
  return out;
}

std::vector<uint8_t> EncodeElements(Form form, const std::vector<OwnedElement>& elements) {
  std::vector<uint8_t> out;
  for (const auto& e : elements) {
    if (form == Form::kOneByte) {
      out.push_back(static_cast<uint8_t>((e.id << 4) | (e.data.size() - 1)));
    } else {
      out.push_back(e.id);
      out.push_back(static_cast<uint8_t>(e.data.size()));
    }
    out.insert(out.end(), e.data.begin(), e.data.end());
  }
  while (out.size() % 4 != 0) out.push_back(0);
  return out;
}

}  // namespace

RtpPacket RtpPacket::FromView(const RtpPacketView& view) {
  RtpPacket p;
  p.marker_ = view.marker();
  p.payload_type_ = view.payload_type();
  p.sequence_number_ = view.sequence_number();
  p.timestamp_ = view.timestamp();
  p.ssrc_ = view.ssrc();
  p.csrcs_.reserve(view.csrc_count());
  for (size_t i = 0; i < view.csrc_count(); ++i) p.csrcs_.push_back(view.csrc(i));
  if (view.has_extension()) {
    p.has_extension_ = true;
    p.extension_profile_ = view.extension_profile();
    auto ext = view.extension_data();
    p.extension_data_.assign(ext.begin(), ext.end());
  }
  p.set_payload(view.payload());
  p.padding_size_ = static_cast<uint8_t>(view.padding_size());
  return p;
}

Status RtpPacket::SetExtension(uint8_t id, std::span<const uint8_t> data) {
  if (!RtpHeaderExtension::FitsTwoByte(id, data.size())) {
    return MakeError("extension_out_of_range", "rtp extension id " + std::to_string(id) + " with " +
                                                   std::to_string(data.size()) +
                                                   " bytes: ids are 1..255 and data at most 255 bytes");
  }
  Form form = Form::kOneByte;
  uint16_t profile = RtpHeaderExtension::kOneByteProfile;
  std::vector<OwnedElement> elements;
  if (has_extension_) {
    form = RtpHeaderExtension::FormOf(extension_profile_);
    if (form == Form::kOther) {
      return MakeError("extension_profile_conflict", "rtp extension profile " + std::to_string(extension_profile_) +
                                                         " is not RFC 8285; clear it first");
    }
    profile = extension_profile_;
    elements = CollectElements(form, extension_data_);
  }
  bool replaced = false;
  for (auto& e : elements) {
    if (e.id == id) {
      e.data.assign(data.begin(), data.end());
      replaced = true;
      break;
    }
  }
  if (!replaced) elements.push_back({id, std::vector<uint8_t>(data.begin(), data.end())});
  if (form == Form::kOneByte) {
    for (const auto& e : elements) {
      if (!RtpHeaderExtension::FitsOneByte(e.id, e.data.size())) {
        form = Form::kTwoByte;
        profile = RtpHeaderExtension::kTwoByteProfile;
        break;
      }
    }
  }
  std::vector<uint8_t> block = EncodeElements(form, elements);
  if (block.size() / 4 > 0xFFFF) {
    return MakeError("extension_too_large", "rtp extension block of " + std::to_string(block.size()) + " bytes");
  }
  has_extension_ = true;
  extension_profile_ = profile;
  extension_data_ = std::move(block);
  return Ok{};
}

bool RtpPacket::RemoveExtension(uint8_t id) {
  if (!has_extension_) return false;
  const Form form = RtpHeaderExtension::FormOf(extension_profile_);
  if (form == Form::kOther) return false;
  auto elements = CollectElements(form, extension_data_);
  std::vector<OwnedElement> kept;
  for (auto& e : elements) {
    if (e.id != id) kept.push_back(std::move(e));
  }
  if (kept.size() == elements.size()) return false;
  if (kept.empty()) {
    ClearExtension();
  } else {
    extension_data_ = EncodeElements(form, kept);
  }
  return true;
}

std::optional<std::span<const uint8_t>> RtpPacket::FindExtension(uint8_t id) const {
  if (!has_extension_) return std::nullopt;
  std::optional<std::span<const uint8_t>> found;
  RtpHeaderExtension::ForEach(RtpHeaderExtension::FormOf(extension_profile_), extension_data_,
                              [&](const RtpHeaderExtension::Element& e) {
                                if (e.id != id) return true;
                                found = e.data;
                                return false;
                              });
  return found;
}

Status RtpPacket::UseTwoByteExtensions(uint8_t appbits) {
  if (appbits > 0x0F) return MakeError("extension_out_of_range", "rtp two-byte appbits " + std::to_string(appbits));
  std::vector<OwnedElement> elements;
  if (has_extension_) {
    const Form form = RtpHeaderExtension::FormOf(extension_profile_);
    if (form == Form::kOther) {
      return MakeError("extension_profile_conflict", "rtp extension profile " + std::to_string(extension_profile_) +
                                                         " is not RFC 8285; clear it first");
    }
    elements = CollectElements(form, extension_data_);
  }
  has_extension_ = true;
  extension_profile_ = static_cast<uint16_t>(RtpHeaderExtension::kTwoByteProfile | appbits);
  extension_data_ = EncodeElements(Form::kTwoByte, elements);
  return Ok{};
}

void RtpPacket::SetRawExtension(uint16_t profile, std::vector<uint8_t> block) {
  has_extension_ = true;
  extension_profile_ = profile;
  extension_data_ = std::move(block);
}

void RtpPacket::ClearExtension() {
  has_extension_ = false;
  extension_profile_ = 0;
  extension_data_.clear();
}

Result<std::vector<uint8_t>> RtpPacket::Serialize() const {
  std::vector<uint8_t> out;
  Status s = AppendTo(out);
  if (!s) return s.error();
  return out;
}

Status RtpPacket::AppendTo(std::vector<uint8_t>& out) const {
  if (payload_type_ > RtpPacketView::kMaxPayloadType) {
    return MakeError("payload_type_out_of_range", "rtp payload type " + std::to_string(payload_type_) + " > 127");
  }
  if (csrcs_.size() > RtpPacketView::kMaxCsrcs) {
    return MakeError("too_many_csrcs", "rtp: " + std::to_string(csrcs_.size()) + " csrcs, limit 15");
  }
  if (has_extension_ && (extension_data_.size() % 4 != 0 || extension_data_.size() / 4 > 0xFFFF)) {
    return MakeError("extension_size", "rtp extension block of " + std::to_string(extension_data_.size()) +
                                          " bytes is not a multiple of 4 below 2^18");
  }
  const size_t size = serialized_size();
  if (size > RtpPacketView::kMaxPacketSize) {
    return MakeError("packet_too_large", "rtp: " + std::to_string(size) + " bytes, limit " +
                                             std::to_string(RtpPacketView::kMaxPacketSize));
  }
  const size_t start = out.size();
  out.resize(start + size);
  uint8_t* p = out.data() + start;
  p[0] = static_cast<uint8_t>((RtpPacketView::kVersion << 6) | (padding_size_ ? 0x20 : 0) |
                              (has_extension_ ? 0x10 : 0) | csrcs_.size());
  p[1] = static_cast<uint8_t>((marker_ ? 0x80 : 0) | payload_type_);
  WriteBe16(p + 2, sequence_number_);
  WriteBe32(p + 4, timestamp_);
  WriteBe32(p + 8, ssrc_);
  size_t pos = RtpPacketView::kFixedHeaderSize;
  for (uint32_t c : csrcs_) {
    WriteBe32(p + pos, c);
    pos += RtpPacketView::kCsrcSize;
  }
  if (has_extension_) {
    WriteBe16(p + pos, extension_profile_);
    WriteBe16(p + pos + 2, static_cast<uint16_t>(extension_data_.size() / 4));
    pos += RtpHeaderExtension::kBlockHeaderSize;
    std::copy(extension_data_.begin(), extension_data_.end(), p + pos);
    pos += extension_data_.size();
  }
  std::copy(payload_.begin(), payload_.end(), p + pos);
  pos += payload_.size();
  if (padding_size_) {
    std::fill(p + pos, p + pos + padding_size_ - 1, 0);
    p[pos + padding_size_ - 1] = padding_size_;
  }
  return Ok{};
}

}  // namespace sfusim::protocol
