// Commands of the stateful model: bad input (PROTOCOL.md §1 "Validation"): malformed JSON and
// misshapen messages, every field over its length limit (and at it: the limit itself is allowed),
// and bursts beyond the 80-per-5-s rate limit. Each gets exactly one clear error, the connection
// stays up, and nothing else changes; a media_signal the decoder recognised (even a broken one)
// counts against the rate window, other messages do not.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "command_base.h"
#include "commands_media.h"
#include "scenario_writer.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/signaling_codec.h"

namespace sfusim::sfu::test::model {

struct Malformed : ModelCommand {
  int i = GenClient();
  int variant = *rc::gen::inRange(0, 5);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  std::string Text(const std::string& rid) const {
    switch (variant) {
      case 0: return "{\"type\":";                  // invalid_json
      case 1: return "[1,2,3]";                     // wrong_type: not an object
      case 2: return "{\"type\":\"teleport\"}";    // unknown_type
      case 3: return "{\"type\":\"join_voice\"}";  // missing_field
      default:                                      // unknown_action: a media_signal, so it counts
        return "{\"type\":\"media_signal\",\"request_id\":\"" + rid + "\",\"action\":\"warp\"}";
    }
  }
  void Step(Model& m, Expect& e) const override {
    static constexpr std::string_view kCodes[] = {err::kInvalidJson, err::kWrongType, err::kUnknownType,
                                                  err::kMissingField};
    if (variant < 4) {
      e.Error(i, kCodes[variant]);
    } else {
      const std::string rid = e.NewRid(m);
      e.Response(i, rid, std::string(e.Event(m, i) ? err::kUnknownAction : err::kRateLimited));
    }
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect& e, Sut& sut) const override {
    sut.C(i).SendRaw(Text(e.rids.empty() ? "" : e.rids[0]));
    sut.Step();
    RC_ASSERT(sut.C(i).open());  // a bad message never drops the connection
  }
  void Export(ScenarioWriter& w, const Model& m0) const override { w.SendRaw(m0, i, Text("q")); }
  void show(std::ostream& os) const override { os << "Malformed(c" << i << ", variant " << variant << ")"; }
};

// One field over its PROTOCOL.md limit (or exactly at it).
struct Oversized : ModelCommand {
  enum Field { kPayload, kRequestId, kDirection, kTransportId, kKind, kSource, kRoutingMode, kFieldCount };
  int i = GenClient();
  int field = *rc::gen::inRange(0, static_cast<int>(kFieldCount));
  bool at_limit = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }

  static std::size_t Limit(int f) {
    switch (f) {
      case kPayload: return protocol::kMaxSignalingPayloadBytes;
      case kRequestId: return protocol::kMaxRequestIdLength;
      case kDirection: return protocol::kMaxDirectionLength;
      case kTransportId: return protocol::kMaxTransportIdLength;
      case kKind: return protocol::kMaxKindLength;
      case kSource: return protocol::kMaxSourceLength;
      default: return protocol::kMaxRoutingModeLength;
    }
  }
  static const char* FieldName(int f) {
    static const char* kNames[] = {"payload", "request_id", "direction", "transport_id", "kind", "source", "routing_mode"};
    return kNames[f];
  }
  std::size_t Length() const { return Limit(field) + (at_limit ? 0 : 1); }
  // The message: a valid request with the one field replaced (the payload: padded to the size).
  std::string Text(const std::string& rid) const {
    const std::string value(Length(), 'x');
    nlohmann::json j;
    switch (field) {
      case kPayload: {
        j = {{"type", "ping"}, {"pad", ""}};
        const std::size_t base = j.dump().size();
        j["pad"] = std::string(Length() - base, 'x');
        return j.dump();
      }
      case kRequestId: j = protocol::ToJson(protocol::ClientMessage{protocol::MediaSignalRequest{value, protocol::GetRouterRtpCapabilitiesRequest{}}}); break;
      case kDirection:
        j = protocol::ToJson(protocol::ClientMessage{protocol::MediaSignalRequest{rid, protocol::CreateWebRtcTransportRequest{}}});
        j["direction"] = value;
        break;
      case kTransportId:
        j = protocol::ToJson(protocol::ClientMessage{protocol::MediaSignalRequest{rid, ConnectTransport::Body(value, "client-fp/none")}});
        break;
      default: {
        auto body = World::AudioProduce(kBogusTransport, DefaultCaps(), 0x77);
        j = protocol::ToJson(protocol::ClientMessage{protocol::MediaSignalRequest{rid, body}});
        j[field == kKind ? "kind" : field == kSource ? "source" : "routing_mode"] = value;
      }
    }
    return j.dump();
  }
  void Step(Model& m, Expect& e) const override {
    if (field == kPayload) {
      // Checked before parsing: not known to be a media_signal, so it does not count. A payload
      // exactly at the limit is a plain ping.
      if (at_limit) e.To(i, "pong");
      else e.Error(i, err::kPayloadTooLarge);
    } else if (field == kRequestId) {
      const std::string rid = at_limit ? std::string(Length(), 'x') : "-";
      e.rids.push_back(rid);
      std::string outcome = Gate(m, e, i);
      if (outcome.empty()) outcome = CapsOk(m, i);  // a request id at the limit is fine
      if (!at_limit && outcome != err::kRateLimited) outcome = err::kFieldTooLong;
      e.Response(i, rid, outcome);
    } else {
      const std::string rid = e.NewRid(m);
      std::string outcome;
      if (!e.Event(m, i)) {
        outcome = err::kRateLimited;
      } else if (!at_limit) {
        outcome = err::kFieldTooLong;
      } else if (field == kTransportId) {  // a well-formed id that names nothing
        outcome = m.C(i).channel.empty() ? err::kNotInChannel : err::kTransportNotFound;
      } else {  // "xxxx" at the limit is not one of the allowed words
        outcome = err::kInvalidEnum;
      }
      e.Response(i, rid, outcome);
    }
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect& e, Sut& sut) const override {
    sut.C(i).SendRaw(Text(e.rids.empty() ? "" : e.rids[0]));
    sut.Step();
    RC_ASSERT(sut.C(i).open());
  }
  void Export(ScenarioWriter& w, const Model& m0) const override { w.SendRaw(m0, i, Text("q")); }
  void show(std::ostream& os) const override {
    os << "Oversized(c" << i << ", " << FieldName(field) << " " << (at_limit ? "at" : "over") << " its limit of "
       << Limit(field) << ")";
  }
};

// Many media_signal requests at once (a cheap one: resume of an unknown consumer).
struct Burst : ModelCommand {
  int i = GenClient();
  int count = *rc::gen::inRange(20, 101);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    for (int k = 0; k < count; ++k) {
      const std::string rid = e.NewRid(m);
      std::string outcome = Gate(m, e, i);
      e.Response(i, rid, outcome.empty() ? std::string(err::kConsumerNotFound) : outcome);
    }
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect& e, Sut& sut) const override {
    for (const auto& rid : e.rids) sut.Request(i, rid, protocol::MediaResumeConsumerRequest{kBogusConsumer});
    sut.Step();
    RC_ASSERT(sut.C(i).open());  // rate limited is an error, never a disconnect
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    w.SendRaw(m0, i, EncodeRequest("burst", protocol::MediaResumeConsumerRequest{kBogusConsumer}), count);
  }
  void show(std::ostream& os) const override { os << "Burst(c" << i << ", " << count << " requests)"; }
};

}  // namespace sfusim::sfu::test::model
