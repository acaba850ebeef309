#include "sfusim/protocol/h264/h264_depacketizer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "sfusim/protocol/h264/annex_b_parser.h"
#include "sfusim/protocol/h264/fu_a_packet.h"
#include "sfusim/protocol/h264/h264_constants.h"
#include "sfusim/protocol/h264/nal_unit_header.h"
#include "sfusim/protocol/h264/stap_a_packet.h"

namespace sfusim::protocol {
namespace {

// Unwrapped sequence numbers start here: a multiple of 2^16 (so the low 16 bits are the wire
// value) far enough from zero that a stream never unwraps below it in practice.
constexpr int64_t kUnwrapOrigin = int64_t{1} << 32;

uint16_t Wire(int64_t seq) { return static_cast<uint16_t>(seq & 0xffff); }

}  // namespace

std::string_view H264FrameLossReasonName(H264FrameLossReason reason) {
  switch (reason) {
    case H264FrameLossReason::kIncomplete:
      return "incomplete";
    case H264FrameLossReason::kMalformed:
      return "malformed";
    case H264FrameLossReason::kTooLarge:
      return "too_large";
    case H264FrameLossReason::kOverflow:
      return "overflow";
    case H264FrameLossReason::kReset:
      return "reset";
  }
  return "unknown";
}

int64_t H264Depacketizer::Unwrap(uint16_t sequence_number) {
  if (!highest_seq_) {
    highest_seq_ = kUnwrapOrigin + sequence_number;
    return *highest_seq_;
  }
  const auto delta = static_cast<int16_t>(static_cast<uint16_t>(sequence_number - Wire(*highest_seq_)));
  const int64_t seq = *highest_seq_ + delta;
  highest_seq_ = std::max(*highest_seq_, seq);
  return seq;
}

Status H264Depacketizer::Insert(uint16_t sequence_number, uint32_t timestamp, bool marker,
                                std::span<const uint8_t> payload) {
  ++counters_.packets_received;
  int64_t seq = Unwrap(sequence_number);

  if (floor_ && seq < *floor_) {
    ++counters_.late_packets;
    if (++consecutive_late_ < kH264MaxConsecutiveLatePackets) return Ok{};
    Restart(H264FrameLossReason::kReset);  // the sender restarted its sequence numbers
    seq = Unwrap(sequence_number);
  }
  consecutive_late_ = 0;
  if (floor_ || !pending_.empty()) {
    const int64_t reference = floor_ ? *floor_ : pending_.begin()->first;
    if (seq - reference >= kH264MaxSequenceJump || reference - seq >= kH264MaxSequenceJump) {
      Restart(H264FrameLossReason::kReset);
      seq = Unwrap(sequence_number);
    }
  }
  if (pending_.count(seq) != 0) {
    ++counters_.duplicate_packets;
    return Ok{};
  }

  Packet packet;
  packet.timestamp = timestamp;
  packet.marker = marker;
  Status result = Ok{};
  if (payload.empty()) {
    packet.kind = Kind::kPadding;
    ++counters_.padding_packets;
  } else if (payload.size() > kH264MaxPayloadBytes) {
    packet.kind = Kind::kMalformed;
    result = MakeError("h264_payload_too_large", "sequence number " + std::to_string(sequence_number) + ": payload is " +
                                                     std::to_string(payload.size()) + " bytes, limit " +
                                                     std::to_string(kH264MaxPayloadBytes));
  } else if (Result<H264PayloadInfo> info = H264PayloadInfo::Inspect(payload); !info) {
    packet.kind = Kind::kMalformed;
    result = MakeError(info.error().code, "sequence number " + std::to_string(sequence_number) + ": " + info.error().message);
  } else {
    packet.begins_with_aud = info->starts_access_unit && info->first_nal_type == kH264NalAud;
    packet.begins_with_sps = info->starts_access_unit && info->first_nal_type == kH264NalSps;
    packet.payload.assign(payload.begin(), payload.end());
  }
  if (packet.kind == Kind::kMalformed) ++counters_.malformed_packets;

  pending_bytes_ += packet.payload.size();
  pending_.emplace(seq, std::move(packet));
  while (!pending_.empty() && (pending_.size() > kH264MaxPendingPackets || pending_bytes_ > kH264MaxPendingBytes)) {
    DropOldestFrame();
  }
  Assemble();
  return result;
}

void H264Depacketizer::Flush() {
  if (!pending_.empty()) LoseGroups(Retire(pending_.rbegin()->first), H264FrameLossReason::kIncomplete);
}

std::vector<H264Frame> H264Depacketizer::TakeFrames() { return std::exchange(frames_, {}); }
std::vector<H264FrameLoss> H264Depacketizer::TakeLosses() { return std::exchange(losses_, {}); }

void H264Depacketizer::Restart(H264FrameLossReason reason) {
  if (!pending_.empty()) LoseGroups(Retire(pending_.rbegin()->first), reason);
  floor_.reset();
  boundary_.reset();
  highest_seq_.reset();
  consecutive_late_ = 0;
  ++counters_.resets;
}

bool H264Depacketizer::EndsFrame(std::map<int64_t, Packet>::const_iterator it) const {
  const Packet& p = it->second;
  if (p.marker) return true;
  const auto next = std::next(it);
  return next != pending_.end() && next->first == it->first + 1 &&
         (next->second.kind == Kind::kPadding || next->second.timestamp != p.timestamp);
}

bool H264Depacketizer::StartIsCertain(int64_t start, const Packet& first) const {
  if (const auto prev = pending_.find(start - 1); prev != pending_.end()) {
    const Packet& p = prev->second;
    return p.kind == Kind::kPadding || p.marker || p.timestamp != first.timestamp;
  }
  if (boundary_ && boundary_->seq == start - 1) {
    return boundary_->padding || boundary_->marker || boundary_->timestamp != first.timestamp;
  }
  return first.kind == Kind::kMedia && (first.begins_with_aud || (config_.sps_starts_frame && first.begins_with_sps));
}

void H264Depacketizer::Assemble() {
  auto it = pending_.begin();
  while (it != pending_.end()) {
    if (it->second.kind == Kind::kPadding || !EndsFrame(it)) {
      ++it;
      continue;
    }
    // Walk back over the contiguous packets of this frame.
    auto first = it;
    while (first != pending_.begin()) {
      const auto prev = std::prev(first);
      const Packet& p = prev->second;
      if (prev->first != first->first - 1 || p.kind == Kind::kPadding || p.marker ||
          p.timestamp != it->second.timestamp) {
        break;
      }
      first = prev;
    }
    if (!StartIsCertain(first->first, first->second)) {
      ++it;
      continue;
    }
    EmitOrLose(first->first, it->first);
    it = pending_.begin();  // everything up to the emitted frame is gone
  }
}

std::vector<std::pair<int64_t, H264Depacketizer::Packet>> H264Depacketizer::Retire(int64_t last) {
  std::vector<std::pair<int64_t, Packet>> out;
  if (pending_.empty() && !floor_) return out;
  const int64_t from = floor_ ? *floor_ : pending_.begin()->first;
  const auto stop = pending_.upper_bound(last);
  for (auto it = pending_.begin(); it != stop; ++it) {
    pending_bytes_ -= it->second.payload.size();
    out.emplace_back(it->first, std::move(it->second));
  }
  pending_.erase(pending_.begin(), stop);
  if (last + 1 > from) {
    counters_.packets_lost += static_cast<uint64_t>(last + 1 - from) - out.size();
    floor_ = last + 1;
  }
  if (!out.empty() && out.back().first == last) {
    const Packet& p = out.back().second;
    boundary_ = Boundary{last, p.timestamp, p.marker, p.kind == Kind::kPadding};
  } else {
    boundary_.reset();
  }
  return out;
}

void H264Depacketizer::LoseGroups(std::vector<std::pair<int64_t, Packet>> packets, H264FrameLossReason reason) {
  size_t i = 0;
  while (i < packets.size()) {
    // A group: packets of one frame (same timestamp, no marker or padding in between).
    size_t j = i + 1;
    if (packets[i].second.kind != Kind::kPadding && !packets[i].second.marker) {
      while (j < packets.size() && packets[j].second.kind != Kind::kPadding &&
             packets[j].second.timestamp == packets[i].second.timestamp) {
        const bool ends = packets[j].second.marker;
        ++j;
        if (ends) break;
      }
    }
    if (packets[i].second.kind != Kind::kPadding) {
      H264FrameLoss loss;
      loss.timestamp = packets[i].second.timestamp;
      loss.first_sequence_number = Wire(packets[i].first);
      loss.last_sequence_number = Wire(packets[j - 1].first);
      loss.packets_received = j - i;
      loss.reason = reason;
      const bool any_malformed = std::any_of(packets.begin() + static_cast<std::ptrdiff_t>(i),
                                             packets.begin() + static_cast<std::ptrdiff_t>(j),
                                             [](const auto& p) { return p.second.kind == Kind::kMalformed; });
      if (any_malformed && reason == H264FrameLossReason::kIncomplete) loss.reason = H264FrameLossReason::kMalformed;
      ReportLoss(loss);
    }
    i = j;
  }
}

void H264Depacketizer::DropOldestFrame() {
  auto it = pending_.begin();
  auto last = it;
  if (it->second.kind != Kind::kPadding) {
    for (auto next = std::next(it); next != pending_.end(); ++next) {
      if (last->second.marker || next->second.kind == Kind::kPadding || next->second.timestamp != it->second.timestamp) {
        break;
      }
      last = next;
    }
  }
  ++counters_.overflows;
  LoseGroups(Retire(last->first), H264FrameLossReason::kOverflow);
}

void H264Depacketizer::EmitOrLose(int64_t start, int64_t end) {
  std::vector<std::pair<int64_t, Packet>> taken = Retire(end);
  const auto first_of_frame = std::find_if(taken.begin(), taken.end(), [start](const auto& p) { return p.first >= start; });
  std::vector<std::pair<int64_t, Packet>> older(std::make_move_iterator(taken.begin()),
                                                std::make_move_iterator(first_of_frame));
  if (!older.empty()) LoseGroups(std::move(older), H264FrameLossReason::kIncomplete);

  H264Frame frame;
  frame.timestamp = first_of_frame->second.timestamp;
  frame.first_sequence_number = Wire(start);
  frame.last_sequence_number = Wire(end);
  bool malformed = false;
  bool too_large = false;
  bool in_fu = false;
  uint8_t fu_header = 0;
  auto append = [&](std::span<const uint8_t> bytes, bool with_start_code) {
    const size_t add = bytes.size() + (with_start_code ? kH264AnnexBStartCodeBytes : 0);
    if (frame.annex_b.size() + add > kH264MaxAccessUnitBytes) {
      too_large = true;
      return;
    }
    if (with_start_code) {
      AnnexBParser::AppendNalUnit(bytes, frame.annex_b);
    } else {
      frame.annex_b.insert(frame.annex_b.end(), bytes.begin(), bytes.end());
    }
  };
  for (auto it = first_of_frame; it != taken.end() && !malformed && !too_large; ++it) {
    const Packet& p = it->second;
    if (p.kind != Kind::kMedia) {
      malformed = true;  // a malformed packet inside (padding cannot be: it ends a frame)
      break;
    }
    const std::span<const uint8_t> payload(p.payload);
    const uint8_t type = NalUnitHeader::FromByte(payload[0]).type;
    if (type == kH264NalStapA) {
      Result<StapAPacket> stap = StapAPacket::Parse(payload);
      if (!stap || in_fu) {
        malformed = true;
        break;
      }
      for (const auto& nal : stap->nal_units) {
        frame.key_frame = frame.key_frame || NalUnitHeader::FromByte(nal[0]).type == kH264NalIdr;
        append(nal, true);
      }
    } else if (type == kH264NalFuA) {
      Result<FuAPacket> fu = FuAPacket::Parse(payload);
      if (!fu) {
        malformed = true;
        break;
      }
      if (fu->start) {
        if (in_fu) {
          malformed = true;  // the previous fragmented NAL unit never ended
          break;
        }
        in_fu = true;
        fu_header = fu->OriginalNalHeader();
        frame.key_frame = frame.key_frame || fu->nal_type == kH264NalIdr;
        const uint8_t header_byte[1] = {fu_header};
        append(header_byte, true);
      } else if (!in_fu || fu->OriginalNalHeader() != fu_header) {
        malformed = true;  // a fragment without its start, or from another NAL unit
        break;
      }
      append(fu->fragment, false);
      if (fu->end) in_fu = false;
    } else {
      if (in_fu) {
        malformed = true;
        break;
      }
      frame.key_frame = frame.key_frame || type == kH264NalIdr;
      append(payload, true);
    }
  }
  if (in_fu) malformed = true;  // the last fragment never came (its packet lacked E)

  if (malformed || too_large) {
    H264FrameLoss loss;
    loss.timestamp = frame.timestamp;
    loss.first_sequence_number = frame.first_sequence_number;
    loss.last_sequence_number = frame.last_sequence_number;
    loss.packets_received = static_cast<size_t>(taken.end() - first_of_frame);
    loss.reason = malformed ? H264FrameLossReason::kMalformed : H264FrameLossReason::kTooLarge;
    ReportLoss(loss);
    return;
  }
  ++counters_.frames_emitted;
  if (frame.key_frame) ++counters_.key_frames_emitted;
  if (frames_.size() >= kH264MaxQueuedFrames) {
    frames_.erase(frames_.begin());
    ++counters_.output_discarded;
  }
  frames_.push_back(std::move(frame));
}

void H264Depacketizer::ReportLoss(H264FrameLoss loss) {
  ++counters_.frames_lost;
  if (losses_.size() >= kH264MaxQueuedLosses) {
    losses_.erase(losses_.begin());
    ++counters_.output_discarded;
  }
  losses_.push_back(loss);
}

}  // namespace sfusim::protocol
