// H264Depacketizer: RTP payloads of one H.264 stream (RFC 6184 packetization-mode=1) -> whole
// access units in Annex-B, with lost frames reported instead of emitted.
//
// Input: (sequence number, RTP timestamp, marker, payload) per packet, in arrival order (which
// may be reordered, duplicated and lossy). An empty payload is a padding-only packet
// (RFC 3550 padding stripped): it belongs to no frame and only separates frames.
//
// A frame is the run of consecutive sequence numbers s..e carrying one RTP timestamp. It is
// emitted only when it is certainly whole:
//   end:   packet e has the marker bit, or packet e+1 has another timestamp (or is padding);
//   start: packet s-1 was received and ends another frame (marker, other timestamp, or
//          padding), or packet s begins with an access unit delimiter (H.264 7.4.1.2.3: an
//          AUD is the first NAL unit of its access unit), or, when config.sps_starts_frame is
//          set, packet s begins with an SPS (see below).
//   inside: every packet s..e received and well-formed, FU-A fragments complete (S ... E, same
//          NAL type and header, nothing interleaved), size within kH264MaxAccessUnitBytes.
// So a frame is never emitted corrupt. With sps_starts_frame off, each emitted frame holds
// exactly the NAL units sent, byte for byte.
//
// sps_starts_frame (on by default) is what lets a key frame through when the packet right
// before it is lost, and at stream start (where no previous packet exists): encoders such as
// OpenH264 and libwebrtc begin a key frame with its SPS. Its price: when a sender puts NAL
// units before the SPS (an AUD or SEI, which carry no picture data) in a packet of their own
// and that packet is lost or late, the frame comes out without them, starting at the SPS.
// All of its picture data (every VCL NAL unit) is still there and complete.
//
// Frames come out in sequence-number order. When a frame completes, every older frame still
// pending is reported lost (kIncomplete) and its packets are dropped; packets older than the
// last emitted or dropped one are counted as late and ignored. This depacketizer has no clock:
// a caller that wants to wait for NACK retransmissions puts a packet jitter buffer in front.
// A frame that is complete but malformed or too large is reported lost with that reason.
// Frames none of whose packets arrive in time cannot be named; they show up in
// counters().packets_lost (sequence numbers skipped) only.
//
// Limits (h264_constants.h): at most kH264MaxPendingPackets / kH264MaxPendingBytes buffered
// (the oldest frame is dropped as kOverflow beyond), output queues of kH264MaxQueuedFrames and
// kH264MaxQueuedLosses (the oldest entry is discarded and counted when the caller does not
// drain them), and a sequence jump beyond kH264MaxSequenceJump, or kH264MaxConsecutiveLatePackets
// late packets in a row, restarts the stream (pending frames reported lost, kReset).
//
// Insert returns an error (H264PayloadInfo's codes, or "h264_payload_too_large") for a malformed
// payload; the packet still occupies its sequence number, so its frame is reported lost
// (kMalformed) rather than silently shortened. Duplicates and late packets are not errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "sfusim/protocol/h264/h264_payload_info.h"
#include "sfusim/protocol/result.h"

namespace sfusim::protocol {

struct H264Frame {
  uint32_t timestamp = 0;
  uint16_t first_sequence_number = 0;
  uint16_t last_sequence_number = 0;
  bool key_frame = false;          // holds an IDR slice
  std::vector<uint8_t> annex_b;    // every NAL unit behind a 00 00 00 01 start code
};

enum class H264FrameLossReason : uint8_t { kIncomplete, kMalformed, kTooLarge, kOverflow, kReset };
std::string_view H264FrameLossReasonName(H264FrameLossReason reason);

struct H264FrameLoss {
  uint32_t timestamp = 0;
  uint16_t first_sequence_number = 0;  // of the packets of this frame that did arrive
  uint16_t last_sequence_number = 0;
  size_t packets_received = 0;
  H264FrameLossReason reason = H264FrameLossReason::kIncomplete;
};

struct H264DepacketizerCounters {
  uint64_t packets_received = 0;  // every Insert call
  uint64_t padding_packets = 0;
  uint64_t duplicate_packets = 0;
  uint64_t late_packets = 0;
  uint64_t malformed_packets = 0;
  uint64_t packets_lost = 0;  // sequence numbers passed over without ever arriving
  uint64_t frames_emitted = 0;
  uint64_t key_frames_emitted = 0;
  uint64_t frames_lost = 0;
  uint64_t overflows = 0;        // frames dropped to respect the buffer limits
  uint64_t resets = 0;           // stream restarts (sequence jump or run of late packets)
  uint64_t output_discarded = 0;  // queued frames/losses discarded because nobody drained them
};

struct H264DepacketizerConfig {
  bool sps_starts_frame = true;
};

class H264Depacketizer {
 public:
  explicit H264Depacketizer(const H264DepacketizerConfig& config = {}) : config_(config) {}

  Status Insert(uint16_t sequence_number, uint32_t timestamp, bool marker, std::span<const uint8_t> payload);

  // End of stream: every pending frame is reported lost (kIncomplete).
  void Flush();

  std::vector<H264Frame> TakeFrames();
  std::vector<H264FrameLoss> TakeLosses();

  const H264DepacketizerCounters& counters() const { return counters_; }
  size_t pending_packets() const { return pending_.size(); }

 private:
  enum class Kind : uint8_t { kMedia, kPadding, kMalformed };
  struct Packet {
    uint32_t timestamp = 0;
    bool marker = false;
    Kind kind = Kind::kMedia;
    bool begins_with_aud = false;
    bool begins_with_sps = false;
    std::vector<uint8_t> payload;
  };
  struct Boundary {  // the last packet delivered or dropped, if it was received
    int64_t seq = 0;
    uint32_t timestamp = 0;
    bool marker = false;
    bool padding = false;
  };

  int64_t Unwrap(uint16_t sequence_number);
  void Restart(H264FrameLossReason reason);
  void Assemble();
  bool EndsFrame(std::map<int64_t, Packet>::const_iterator it) const;
  bool StartIsCertain(int64_t start, const Packet& first) const;
  void EmitOrLose(int64_t start, int64_t end);
  void DropOldestFrame();
  // Removes every pending packet up to `last` (inclusive), moves the floor past it, counts the
  // sequence numbers that never arrived and remembers the boundary packet.
  std::vector<std::pair<int64_t, Packet>> Retire(int64_t last);
  void LoseGroups(std::vector<std::pair<int64_t, Packet>> packets, H264FrameLossReason reason);
  void ReportLoss(H264FrameLoss loss);

  H264DepacketizerConfig config_;
  std::map<int64_t, Packet> pending_;  // unwrapped sequence number -> packet, ordered
  size_t pending_bytes_ = 0;
  std::optional<int64_t> highest_seq_;  // unwrapping reference
  std::optional<int64_t> floor_;        // every sequence number below is delivered or dropped
  std::optional<Boundary> boundary_;
  uint32_t consecutive_late_ = 0;
  std::vector<H264Frame> frames_;
  std::vector<H264FrameLoss> losses_;
  H264DepacketizerCounters counters_;
};

}  // namespace sfusim::protocol
