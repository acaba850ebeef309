// What a command expects every client to receive during its step, and the check of it.
//
// Each server message is reduced to one line of text ("response q7 ok p-3", "new_producer p-3 c1
// camera", "error not_in_channel", ...): the fields the model can predict, ids included. A command
// lists, per client, every line it expects; after the step the lines of what each client actually
// received must be the same multiset (order across senders is the SFU's business). So an extra
// message (an echo, a second response, a notice nobody asked for) fails as surely as a missing or
// wrong one, and every request gets exactly one response.
#pragma once

#include <algorithm>
#include <array>
#include <sstream>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "model_state.h"
#include "model_sut.h"
#include "sfusim/protocol/rtp_parameters/codec_parameters.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::sfu::test::model {

namespace err = protocol::signaling_error;

inline constexpr const char* kOk = "ok";

struct Expect {
  std::array<std::vector<std::string>, kClients> msgs;
  std::vector<std::string> rids;  // request ids the acting client sends, in order
  std::array<int, kClients> plis{};  // PLIs each client's send transport receives

  // The SFU asks producer `id` for a key frame (a resume of a paused video consumer, a PLI from a
  // consumer): throttled per producer; the PLI reaches the owner when its send transport is
  // connected (and so has told the SFU its address).
  void KeyFrame(Model& m, const std::string& id) {
    auto it = m.producers.find(id);
    if (it == m.producers.end() || it->second.source == MediaSource::kMicrophone) return;
    MProducer& p = it->second;
    if (p.last_key_frame_request_ms && m.now_ms - *p.last_key_frame_request_ms < kKeyFrameMinIntervalMs) return;
    p.last_key_frame_request_ms = m.now_ms;
    if (m.C(p.owner).send.connected) ++plis[static_cast<std::size_t>(p.owner)];
  }

  void To(int i, std::string line) { msgs[static_cast<std::size_t>(i)].push_back(std::move(line)); }
  void ToChannel(const Model& m, const std::string& channel, int except, const std::string& line) {
    for (int j : m.Members(channel))
      if (j != except) To(j, line);
  }
  // A media_signal event of client i (a request, or a message the decoder knew to be one): it
  // counts against the rate window; false when the server refuses it (the answer is then
  // rate_limited, and nothing else happens).
  bool Event(Model& m, int i) { return m.C(i).rate.Allow(m.now_ms); }
  // A request id for client i's next request (ids are unique over the whole run).
  std::string NewRid(Model& m) {
    rids.push_back("q" + std::to_string(++m.next_request));
    return rids.back();
  }
  void Response(int i, const std::string& rid, const std::string& outcome) { To(i, "response " + rid + " " + outcome); }
  void Error(int i, std::string_view code) { To(i, "error " + std::string(code)); }
};

inline std::string IdList(const std::vector<std::string>& ids) {
  std::string s = "[";
  for (std::size_t k = 0; k < ids.size(); ++k) s += (k ? "," : "") + ids[k];
  return s + "]";
}

// The Opus settings router capabilities carry (the audio/opus codec's fmtp), as OpusLine shows
// them; "none" without an Opus codec, and a parameter missing or not an integer shows as -1.
inline std::string OpusLineOf(const protocol::RtpCapabilities& caps) {
  for (const auto& codec : caps.codecs) {
    if (codec.mime_type != kOpusMimeType) continue;
    auto get = [&](std::string_view key) { return protocol::GetIntParameter(codec.parameters, key).value_or(-1); };
    return std::to_string(get(protocol::kOpusMaxAverageBitrateParameter)) + "/dtx" +
           std::to_string(get(protocol::kOpusUseDtxParameter)) + "/fec" +
           std::to_string(get(protocol::kOpusUseInbandFecParameter));
  }
  return "none";
}

inline std::string Line(const protocol::ServerMessage& message) {
  using namespace protocol;
  return std::visit(
      [](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, VoiceJoined>) return "joined " + m.channel_id + " " + m.user_id;
        if constexpr (std::is_same_v<T, VoiceLeft>) return "left " + m.channel_id;
        if constexpr (std::is_same_v<T, VoiceUserJoined>) return "user_joined " + m.channel_id + " " + m.user_id;
        if constexpr (std::is_same_v<T, VoiceUserLeft>) return "user_left " + m.channel_id + " " + m.user_id;
        if constexpr (std::is_same_v<T, VoiceUserSpeaking>)
          return "speaking " + m.channel_id + " " + m.username + " " + (m.speaking ? "1" : "0");
        if constexpr (std::is_same_v<T, VoicePresenceSnapshot>) {
          std::string s = "presence";
          for (const auto& ch : m.channels) {
            std::vector<std::string> ids;
            for (const auto& u : ch.members) ids.push_back(u.user_id);
            std::sort(ids.begin(), ids.end());
            s += " " + ch.channel_id + " " + IdList(ids);
          }
          return s;
        }
        if constexpr (std::is_same_v<T, NewProducer>)
          return "new_producer " + m.producer_id + " " + m.username + " " + std::string(ToString(m.source));
        if constexpr (std::is_same_v<T, ProducerClosed>) return "producer_closed " + m.producer_id;
        if constexpr (std::is_same_v<T, MediaRouterReset>)
          return "router_reset " + m.channel_id + " " + std::to_string(m.generation) + " " + m.reason;
        if constexpr (std::is_same_v<T, SignalingErrorNotice>) return "error " + m.code;
        if constexpr (std::is_same_v<T, Authenticated>) return "authenticated " + m.user_id + " " + m.username;
        if constexpr (std::is_same_v<T, Pong>) return "pong";
        if constexpr (std::is_same_v<T, MediaSignalResponse>) {
          std::string s = "response " + m.request_id.value_or("-") + " ";
          return s + std::visit(
                         [](const auto& o) -> std::string {
                           using O = std::decay_t<decltype(o)>;
                           if constexpr (std::is_same_v<O, MediaSignalError>) return o.code;
                           if constexpr (std::is_same_v<O, RouterRtpCapabilitiesResult>)
                             return std::string(kOk) + " opus " + OpusLineOf(o.rtp_capabilities);
                           if constexpr (std::is_same_v<O, WebRtcTransportResult>) {
                             std::vector<std::string> ids;
                             for (const auto& p : o.producers) ids.push_back(p.producer_id);
                             return std::string(kOk) + " " + o.transport_id +
                                    (o.direction == TransportDirection::kRecv ? " " + IdList(ids) : "");
                           }
                           if constexpr (std::is_same_v<O, MediaProduceResult>) return std::string(kOk) + " " + o.producer_id;
                           if constexpr (std::is_same_v<O, MediaConsumeResult>)
                             return std::string(kOk) + " " + o.consumer_id + " " + o.producer_id;
                           return kOk;
                         },
                         m.outcome);
        }
        return "?";
      },
      message);
}

// Every client received exactly the expected lines (as a multiset), all decodable.
inline void VerifyMessages(const Expect& e, Sut& sut) {
  for (int i = 0; i < kClients; ++i) {
    std::vector<std::string> want = e.msgs[static_cast<std::size_t>(i)];
    std::vector<std::string> got;
    for (const auto& msg : sut.New(i)) got.push_back(Line(msg));
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    if (want != got) {
      std::ostringstream os;
      os << "client " << i << " received {";
      for (const auto& s : got) os << "\n    " << s;
      os << "\n  } but the model expected {";
      for (const auto& s : want) os << "\n    " << s;
      os << "\n  }";
      RC_FAIL(os.str());
    }
    if (sut.Has(i)) RC_ASSERT(sut.C(i).raw.size() == sut.C(i).messages.size());  // every message decodes
    const int plis = sut.PlisReceived(i);
    if (plis != e.plis[static_cast<std::size_t>(i)])
      RC_FAIL("client " + std::to_string(i) + " received " + std::to_string(plis) + " PLI, the model expected " +
              std::to_string(e.plis[static_cast<std::size_t>(i)]));
  }
}

}  // namespace sfusim::sfu::test::model
