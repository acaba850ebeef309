// ProducerState: internal state record of one producer (an incoming RTP stream and its
// forwarder), owned by its channel's RouterState. Plain struct; ordered containers only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"
#include "sfusim/protocol/signaling/media_types.h"
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
};

}  // namespace sfusim::sfu
