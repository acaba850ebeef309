// ProducerState: internal state record of one producer (an incoming RTP stream and its
// forwarder), owned by its channel's RouterState. Plain struct; ordered containers only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "sfusim/protocol/rtp/receive_statistics.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"
#include "sfusim/protocol/signaling/media_types.h"
#include "sfusim/sfu/nack_generator.h"
#include "sfusim/sfu/remb_estimator.h"
#include "sfusim/sfu/rtp_forwarder.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::sfu {

struct ProducerState {
  std::string id;
  uint64_t conn_key = 0;
  std::string user_id;
  std::string username;
  std::string channel;
  std::string transport_id;
  protocol::MediaKind kind = protocol::MediaKind::kAudio;
  protocol::MediaSource source = protocol::MediaSource::kMicrophone;
  uint32_t ssrc = 0;
  bool native = false;
  protocol::RtpParameters rtp_parameters;
  std::unique_ptr<RtpForwarder> forwarder;
  std::set<std::string> consumers;
  std::optional<sim::Timestamp> last_key_frame_request;
  uint64_t packets = 0;
  uint64_t octets = 0;
  // Media-plane feedback (media_plane.cpp): RFC 3550 receiver statistics for the RR (jitter at the
  // producer's clock rate, LSR/DLSR from its SRs), and for video the REMB estimate and the
  // upstream NACK state. abs_send_time_id 0: the producer sends no abs-send-time.
  std::optional<protocol::ReceiveStatistics> receive_stats;
  RembEstimator remb;
  NackGenerator nack;
  uint8_t abs_send_time_id = 0;
};

}  // namespace sfusim::sfu
