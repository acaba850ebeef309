// Server messages: JSON encoding and the validator's rules for them (signaling_validator.h).
#include <string>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/rtp_parameters_json.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "sfusim/protocol/signaling/signaling_validator.h"
#include "signaling_json_internal.h"

namespace sfusim::protocol {
namespace {

using nlohmann::json;
namespace err = signaling_error;

constexpr StringRule kChannelId{kMaxChannelIdLength};
constexpr StringRule kUserId{kMaxUserIdLength};
constexpr StringRule kUsername{kMaxUsernameLength};
constexpr StringRule kProducerId{kMaxProducerIdLength};
constexpr StringRule kConsumerId{kMaxConsumerIdLength};
constexpr StringRule kTransportId{kMaxTransportIdLength};
constexpr std::int64_t kMaxUint32 = 0xFFFFFFFFll;

constexpr std::array<EnumName<std::string_view>, 2> kIceProtocolTable{{{"udp", "udp"}, {"tcp", "tcp"}}};
constexpr std::array<EnumName<std::string_view>, 4> kIceCandidateTypeTable{
    {{"host", "host"}, {"srflx", "srflx"}, {"prflx", "prflx"}, {"relay", "relay"}}};

// --- encoding ---------------------------------------------------------------------------------

json NewProducerFields(const NewProducer& m) {
  return json{{"producer_id", m.producer_id},
              {"username", m.username},
              {"kind", ToString(m.kind)},
              {"source", ToString(m.source)},
              {"routing_mode", ToString(m.routing_mode)}};
}

json ResultJson(const MediaSignalError&) { return json::object(); }  // not used: errors are written apart
json ResultJson(const RouterRtpCapabilitiesResult& m) { return json{{"rtp_capabilities", ToJson(m.rtp_capabilities)}}; }
json ResultJson(const WebRtcTransportResult& m) {
  json candidates = json::array();
  for (const auto& c : m.ice_candidates) {
    candidates.push_back(json{{"foundation", c.foundation},
                              {"priority", c.priority},
                              {"ip", c.ip},
                              {"protocol", c.protocol},
                              {"port", c.port},
                              {"type", c.type}});
  }
  json producers = json::array();
  for (const auto& p : m.producers) producers.push_back(NewProducerFields(p));
  return json{{"transport_id", m.transport_id},
              {"direction", ToString(m.direction)},
              {"ice_parameters",
               json{{"usernameFragment", m.ice_parameters.username_fragment},
                    {"password", m.ice_parameters.password},
                    {"iceLite", m.ice_parameters.ice_lite}}},
              {"ice_candidates", std::move(candidates)},
              {"dtls_parameters", internal::DtlsParametersToJson(m.dtls_parameters)},
              {"producers", std::move(producers)}};
}
json ResultJson(const ConnectWebRtcTransportResult&) { return json::object(); }
json ResultJson(const MediaProduceResult& m) { return json{{"producer_id", m.producer_id}}; }
json ResultJson(const MediaConsumeResult& m) {
  return json{{"consumer_id", m.consumer_id},
              {"producer_id", m.producer_id},
              {"kind", ToString(m.kind)},
              {"rtp_parameters", ToJson(m.rtp_parameters)},
              {"paused", m.paused}};
}
json ResultJson(const MediaResumeConsumerResult&) { return json::object(); }
json ResultJson(const MediaCloseProducerResult&) { return json::object(); }
json ResultJson(const NativeSenderSessionResult& m) {
  return json{{"transport_id", m.transport_id},
              {"producer_id", m.producer_id},
              {"rtp_target", json{{"ip", m.rtp_target.ip}, {"port", m.rtp_target.port}}},
              {"payload_type", m.payload_type},
              {"ssrc", m.ssrc},
              {"codec", ToJson(m.codec)}};
}
json ResultJson(const ClientDiagnosticResult&) { return json::object(); }

void AddFields(json& j, const VoiceJoined& m) {
  j["channel_id"] = m.channel_id;
  j["user_id"] = m.user_id;
}
void AddFields(json& j, const VoiceLeft& m) { j["channel_id"] = m.channel_id; }
void AddFields(json& j, const Authenticated& m) {
  j["user_id"] = m.user_id;
  j["username"] = m.username;
}
void AddFields(json&, const Pong&) {}
void AddFields(json& j, const VoiceUserJoined& m) {
  j["channel_id"] = m.channel_id;
  j["user_id"] = m.user_id;
  j["username"] = m.username;
}
void AddFields(json& j, const VoiceUserLeft& m) {
  j["channel_id"] = m.channel_id;
  j["user_id"] = m.user_id;
  j["username"] = m.username;
}
void AddFields(json& j, const VoiceUserSpeaking& m) {
  j["channel_id"] = m.channel_id;
  j["username"] = m.username;
  j["speaking"] = m.speaking;
}
void AddFields(json& j, const VoicePresenceSnapshot& m) {
  json channels = json::array();
  for (const auto& c : m.channels) {
    json members = json::array();
    for (const auto& member : c.members) {
      members.push_back(json{{"user_id", member.user_id}, {"username", member.username}, {"speaking", member.speaking}});
    }
    channels.push_back(json{{"channel_id", c.channel_id}, {"members", std::move(members)}});
  }
  j["channels"] = std::move(channels);
}
void AddFields(json& j, const MediaSignalResponse& m) {
  if (m.request_id) j["request_id"] = *m.request_id;
  if (const auto* error = std::get_if<MediaSignalError>(&m.outcome)) {
    if (m.action) j["action"] = ToString(*m.action);
    j["error"] = json{{"code", error->code}, {"message", error->message}};
    return;
  }
  j["action"] = ToString(*ResultAction(m.outcome));
  j["result"] = std::visit([](const auto& result) { return ResultJson(result); }, m.outcome);
}
void AddFields(json& j, const NewProducer& m) { j.update(NewProducerFields(m)); }
void AddFields(json& j, const ProducerClosed& m) {
  j["producer_id"] = m.producer_id;
  j["source"] = ToString(m.source);
  j["routing_mode"] = ToString(m.routing_mode);
}
void AddFields(json& j, const MediaRouterReset& m) {
  j["channel_id"] = m.channel_id;
  j["reason"] = m.reason;
  j["generation"] = m.generation;
}
void AddFields(json& j, const SignalingErrorNotice& m) {
  j["code"] = m.code;
  j["message"] = m.message;
  if (m.request_id) j["request_id"] = *m.request_id;
}

// --- validation ---------------------------------------------------------------------------------

bool ReadNewProducerFields(JsonReader& r, const JsonValue& p, const JsonPath& at, NewProducer* out) {
  if (!r.ReadString(p, at, "producer_id", kProducerId, &out->producer_id)) return false;
  if (!r.ReadString(p, at, "username", kUsername, &out->username)) return false;
  if (!r.ReadEnum(p, at, "kind", kMaxKindLength, kMediaKindTable, &out->kind)) return false;
  if (!r.ReadEnum(p, at, "source", kMaxSourceLength, kMediaSourceTable, &out->source)) return false;
  if (!r.ReadEnum(p, at, "routing_mode", kMaxRoutingModeLength, kRoutingModeTable, &out->routing_mode)) return false;
  if (KindOfSource(out->source) != out->kind) {
    return r.Fail(err::kKindSourceMismatch, at.Field("source"), "does not match kind");
  }
  return true;
}


bool ReadResult(JsonReader& r, const JsonValue& p, const JsonPath& at, RouterRtpCapabilitiesResult* out) {
  const JsonValue* caps = r.ReadObject(p, at, "rtp_capabilities", true);
  if (caps == nullptr) return false;
  const JsonPath caps_at = at.Field("rtp_capabilities");
  return ReadRtpCapabilities(r, *caps, caps_at, &out->rtp_capabilities);
}

bool ReadResult(JsonReader& r, const JsonValue& p, const JsonPath& at, WebRtcTransportResult* out) {
  if (!r.ReadString(p, at, "transport_id", kTransportId, &out->transport_id)) return false;
  if (!r.ReadEnum(p, at, "direction", kMaxDirectionLength, kTransportDirectionTable, &out->direction)) return false;

  const JsonValue* ice = r.ReadObject(p, at, "ice_parameters", true);
  if (ice == nullptr) return false;
  const JsonPath ice_at = at.Field("ice_parameters");
  if (!r.ReadString(*ice, ice_at, "usernameFragment", {kMaxIceCredentialLength}, &out->ice_parameters.username_fragment)) {
    return false;
  }
  if (!r.ReadString(*ice, ice_at, "password", {kMaxIceCredentialLength}, &out->ice_parameters.password)) return false;
  if (!r.ReadBool(*ice, ice_at, "iceLite", &out->ice_parameters.ice_lite)) return false;

  const JsonValue* candidates = r.ReadArray(p, at, "ice_candidates", kMaxIceCandidates, true);
  if (candidates == nullptr) return false;
  const JsonPath cand_at = at.Field("ice_candidates");
  out->ice_candidates.resize(candidates->size());
  for (std::size_t i = 0; i < candidates->size(); ++i) {
    const JsonPath item = cand_at.Index(i);
    const JsonValue& c = (*candidates)[i];
    IceCandidate& candidate = out->ice_candidates[i];
    std::int64_t priority = 0;
    std::int64_t port = 0;
    std::string_view word;
    if (!r.CheckObject(c, item)) return false;
    if (!r.ReadString(c, item, "foundation", {kMaxIceFoundationLength}, &candidate.foundation)) return false;
    if (!r.ReadInt(c, item, "priority", 0, kMaxUint32, &priority)) return false;
    if (!r.ReadString(c, item, "ip", {kMaxIpLength}, &candidate.ip)) return false;
    if (!r.ReadEnum(c, item, "protocol", kMaxIceCandidateWordLength, kIceProtocolTable, &word)) return false;
    candidate.protocol = word;
    if (!r.ReadInt(c, item, "port", 1, 65535, &port)) return false;
    if (!r.ReadEnum(c, item, "type", kMaxIceCandidateWordLength, kIceCandidateTypeTable, &word)) return false;
    candidate.type = word;
    candidate.priority = static_cast<std::uint32_t>(priority);
    candidate.port = static_cast<std::uint16_t>(port);
  }

  const JsonValue* dtls = r.ReadObject(p, at, "dtls_parameters", true);
  if (dtls == nullptr) return false;
  const JsonPath dtls_at = at.Field("dtls_parameters");
  if (!internal::ReadDtlsParameters(r, *dtls, dtls_at, &out->dtls_parameters)) return false;

  const JsonValue* producers = r.ReadArray(p, at, "producers", kMaxAnnouncedProducers, false);
  if (producers == nullptr) return r.ok();
  const JsonPath prod_at = at.Field("producers");
  out->producers.resize(producers->size());
  for (std::size_t i = 0; i < producers->size(); ++i) {
    const JsonPath item = prod_at.Index(i);
    if (!r.CheckObject((*producers)[i], item)) return false;
    if (!ReadNewProducerFields(r, (*producers)[i], item, &out->producers[i])) return false;
  }
  return true;
}

bool ReadResult(JsonReader&, const JsonValue&, const JsonPath&, ConnectWebRtcTransportResult*) { return true; }

bool ReadResult(JsonReader& r, const JsonValue& p, const JsonPath& at, MediaProduceResult* out) {
  return r.ReadString(p, at, "producer_id", kProducerId, &out->producer_id);
}

bool ReadResult(JsonReader& r, const JsonValue& p, const JsonPath& at, MediaConsumeResult* out) {
  if (!r.ReadString(p, at, "consumer_id", kConsumerId, &out->consumer_id)) return false;
  if (!r.ReadString(p, at, "producer_id", kProducerId, &out->producer_id)) return false;
  if (!r.ReadEnum(p, at, "kind", kMaxKindLength, kMediaKindTable, &out->kind)) return false;
  const JsonValue* rtp = r.ReadObject(p, at, "rtp_parameters", true);
  if (rtp == nullptr) return false;
  const JsonPath rtp_at = at.Field("rtp_parameters");
  if (!ReadRtpParameters(r, *rtp, rtp_at, &out->rtp_parameters)) return false;
  return r.ReadBool(p, at, "paused", &out->paused);
}

bool ReadResult(JsonReader&, const JsonValue&, const JsonPath&, MediaResumeConsumerResult*) { return true; }
bool ReadResult(JsonReader&, const JsonValue&, const JsonPath&, MediaCloseProducerResult*) { return true; }

bool ReadResult(JsonReader& r, const JsonValue& p, const JsonPath& at, NativeSenderSessionResult* out) {
  std::int64_t number = 0;
  if (!r.ReadString(p, at, "transport_id", kTransportId, &out->transport_id)) return false;
  if (!r.ReadString(p, at, "producer_id", kProducerId, &out->producer_id)) return false;
  const JsonValue* target = r.ReadObject(p, at, "rtp_target", true);
  if (target == nullptr) return false;
  const JsonPath target_at = at.Field("rtp_target");
  if (!r.ReadString(*target, target_at, "ip", {kMaxIpLength}, &out->rtp_target.ip)) return false;
  if (!r.ReadInt(*target, target_at, "port", 1, 65535, &number)) return false;
  out->rtp_target.port = static_cast<std::uint16_t>(number);
  if (!r.ReadInt(p, at, "payload_type", 0, kMaxRtpPayloadType, &number)) return false;
  out->payload_type = static_cast<std::uint8_t>(number);
  if (!r.ReadInt(p, at, "ssrc", 0, kMaxUint32, &number)) return false;
  out->ssrc = static_cast<std::uint32_t>(number);
  const JsonValue* codec = r.ReadObject(p, at, "codec", true);
  if (codec == nullptr) return false;
  const JsonPath codec_at = at.Field("codec");
  return ReadRtpCodecParameters(r, *codec, codec_at, &out->codec);
}

bool ReadResult(JsonReader&, const JsonValue&, const JsonPath&, ClientDiagnosticResult*) { return true; }

template <std::size_t I>
bool ReadResultAt(JsonReader& r, const JsonValue& p, const JsonPath& at, std::size_t index, MediaSignalOutcome* out) {
  if constexpr (I < std::variant_size_v<MediaSignalOutcome>) {
    if (index == I) {
      std::variant_alternative_t<I, MediaSignalOutcome> typed;
      if (!ReadResult(r, p, at, &typed)) return false;
      *out = std::move(typed);
      return true;
    }
    return ReadResultAt<I + 1>(r, p, at, index, out);
  } else {
    return r.Fail(err::kUnknownAction, at, "is not a known action");
  }
}

bool ReadMediaSignalResponse(JsonReader& r, const JsonValue& p, MediaSignalResponse* out, DecodeDiagnostics* diagnostics) {
  const JsonPath root;
  if (!internal::ReadRequestId(r, p, &out->request_id)) return false;
  diagnostics->request_id = out->request_id;
  if (!internal::ReadAction(r, p, false, &out->action)) return false;
  diagnostics->action = out->action;
  const JsonValue* result = JsonReader::Find(p, "result");
  const JsonValue* error = JsonReader::Find(p, "error");
  if (result != nullptr && error != nullptr) {
    return r.Fail(err::kInvalidValue, root.Field("error"), "a response carries either result or error, not both");
  }
  if (error != nullptr) {
    const JsonPath error_at = root.Field("error");
    MediaSignalError e;
    if (!r.CheckObject(*error, error_at)) return false;
    if (!r.ReadString(*error, error_at, "code", {kMaxErrorCodeLength}, &e.code)) return false;
    if (!r.ReadString(*error, error_at, "message", {kMaxErrorMessageLength, true}, &e.message)) return false;
    out->outcome = std::move(e);
    return true;
  }
  const JsonPath result_at = root.Field("result");
  if (result == nullptr) return r.Fail(err::kMissingField, result_at, "a response carries result or error");
  if (!out->action) return r.Fail(err::kMissingField, root.Field("action"), "is required with a result");
  if (!r.CheckObject(*result, result_at)) return false;
  return ReadResultAt<1>(r, *result, result_at, static_cast<std::size_t>(*out->action) + 1, &out->outcome);
}

}  // namespace

bool ReadServerMessage(JsonReader& r, const JsonValue& payload, ServerMessage* out, DecodeDiagnostics* diagnostics) {
  const JsonPath root;
  if (!r.CheckObject(payload, root)) return false;
  std::string_view type;
  if (!internal::ReadTypeName(r, payload, &type)) return false;
  const JsonValue& p = payload;

  if (type == kTypeVoiceJoined) {
    VoiceJoined m;
    if (!r.ReadString(p, root, "channel_id", kChannelId, &m.channel_id)) return false;
    if (!r.ReadString(p, root, "user_id", kUserId, &m.user_id)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeVoiceLeft) {
    VoiceLeft m;
    if (!r.ReadString(p, root, "channel_id", kChannelId, &m.channel_id)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeVoiceUserJoined || type == kTypeVoiceUserLeft) {
    std::string channel_id, user_id, username;
    if (!r.ReadString(p, root, "channel_id", kChannelId, &channel_id)) return false;
    if (!r.ReadString(p, root, "user_id", kUserId, &user_id)) return false;
    if (!r.ReadString(p, root, "username", kUsername, &username)) return false;
    if (type == kTypeVoiceUserJoined) {
      *out = VoiceUserJoined{std::move(channel_id), std::move(user_id), std::move(username)};
    } else {
      *out = VoiceUserLeft{std::move(channel_id), std::move(user_id), std::move(username)};
    }
    return true;
  }
  if (type == kTypeVoiceUserSpeaking) {
    VoiceUserSpeaking m;
    if (!r.ReadString(p, root, "channel_id", kChannelId, &m.channel_id)) return false;
    if (!r.ReadString(p, root, "username", kUsername, &m.username)) return false;
    if (!r.ReadBool(p, root, "speaking", &m.speaking)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeVoicePresenceSnapshot) {
    VoicePresenceSnapshot m;
    const JsonValue* channels = r.ReadArray(p, root, "channels", kMaxPresenceChannels, true);
    if (channels == nullptr) return false;
    const JsonPath channels_at = root.Field("channels");
    m.channels.resize(channels->size());
    for (std::size_t i = 0; i < channels->size(); ++i) {
      const JsonPath item = channels_at.Index(i);
      const JsonValue& c = (*channels)[i];
      if (!r.CheckObject(c, item)) return false;
      if (!r.ReadString(c, item, "channel_id", kChannelId, &m.channels[i].channel_id)) return false;
      const JsonValue* members = r.ReadArray(c, item, "members", kMaxPresenceMembers, true);
      if (members == nullptr) return false;
      const JsonPath members_at = item.Field("members");
      m.channels[i].members.resize(members->size());
      for (std::size_t k = 0; k < members->size(); ++k) {
        const JsonPath member_at = members_at.Index(k);
        const JsonValue& member = (*members)[k];
        PresenceMember& out_member = m.channels[i].members[k];
        if (!r.CheckObject(member, member_at)) return false;
        if (!r.ReadString(member, member_at, "user_id", kUserId, &out_member.user_id)) return false;
        if (!r.ReadString(member, member_at, "username", kUsername, &out_member.username)) return false;
        if (!r.ReadBool(member, member_at, "speaking", &out_member.speaking)) return false;
      }
    }
    *out = std::move(m);
    return true;
  }
  if (type == kTypeMediaSignal) {
    diagnostics->media_signal = true;
    MediaSignalResponse m;
    if (!ReadMediaSignalResponse(r, p, &m, diagnostics)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeNewProducer) {
    NewProducer m;
    if (!ReadNewProducerFields(r, p, root, &m)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeProducerClosed) {
    ProducerClosed m;
    if (!r.ReadString(p, root, "producer_id", kProducerId, &m.producer_id)) return false;
    if (!r.ReadEnum(p, root, "source", kMaxSourceLength, kMediaSourceTable, &m.source)) return false;
    if (!r.ReadEnum(p, root, "routing_mode", kMaxRoutingModeLength, kRoutingModeTable, &m.routing_mode)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeMediaRouterReset) {
    MediaRouterReset m;
    std::int64_t generation = 0;
    if (!r.ReadString(p, root, "channel_id", kChannelId, &m.channel_id)) return false;
    if (!r.ReadString(p, root, "reason", {kMaxReasonLength}, &m.reason)) return false;
    if (!r.ReadInt(p, root, "generation", 0, std::numeric_limits<std::int64_t>::max(), &generation)) return false;
    m.generation = static_cast<std::uint64_t>(generation);
    *out = std::move(m);
    return true;
  }
  if (type == kTypeError) {
    SignalingErrorNotice m;
    if (!r.ReadString(p, root, "code", {kMaxErrorCodeLength}, &m.code)) return false;
    if (!r.ReadString(p, root, "message", {kMaxErrorMessageLength, true}, &m.message)) return false;
    if (!internal::ReadRequestId(r, p, &m.request_id)) return false;
    diagnostics->request_id = m.request_id;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeAuthenticated) {
    Authenticated m;
    if (!r.ReadString(p, root, "user_id", kUserId, &m.user_id)) return false;
    if (!r.ReadString(p, root, "username", kUsername, &m.username)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypePong) {
    *out = Pong{};
    return true;
  }
  return r.Fail(err::kUnknownType, root.Field(kTypeField), "is not a known server message type");
}

nlohmann::json ToJson(const ServerMessage& message) {
  json j = json::object();
  j[kTypeField] = TypeName(message);
  std::visit([&j](const auto& m) { AddFields(j, m); }, message);
  return j;
}

namespace {

using internal::JsonWriter;

void AddProducerFields(JsonWriter::Members& o, const NewProducer& m) {
  o.Add("producer_id", [&](JsonWriter& v) { v.String(m.producer_id); });
  o.Add("username", [&](JsonWriter& v) { v.String(m.username); });
  o.Add("kind", [&](JsonWriter& v) { v.String(ToString(m.kind)); });
  o.Add("source", [&](JsonWriter& v) { v.String(ToString(m.source)); });
  o.Add("routing_mode", [&](JsonWriter& v) { v.String(ToString(m.routing_mode)); });
}

void AddResult(JsonWriter::Members&, const MediaSignalError&) {}  // not used: errors are written apart
void AddResult(JsonWriter::Members& o, const RouterRtpCapabilitiesResult& m) {
  o.Add("rtp_capabilities", [&](JsonWriter& v) { internal::WriteRtpCapabilities(v, m.rtp_capabilities); });
}
void AddResult(JsonWriter::Members& o, const WebRtcTransportResult& m) {
  o.Add("transport_id", [&](JsonWriter& v) { v.String(m.transport_id); });
  o.Add("direction", [&](JsonWriter& v) { v.String(ToString(m.direction)); });
  o.Add("ice_parameters", [&](JsonWriter& v) {
    v.Object([&](JsonWriter::Members& ice) {
      ice.Add("usernameFragment", [&](JsonWriter& s) { s.String(m.ice_parameters.username_fragment); });
      ice.Add("password", [&](JsonWriter& s) { s.String(m.ice_parameters.password); });
      ice.Add("iceLite", [&](JsonWriter& b) { b.Bool(m.ice_parameters.ice_lite); });
    });
  });
  o.Add("ice_candidates", [&](JsonWriter& v) {
    v.Array(m.ice_candidates, [](JsonWriter& a, const IceCandidate& c) {
      a.Object([&](JsonWriter::Members& f) {
        f.Add("foundation", [&](JsonWriter& x) { x.String(c.foundation); });
        f.Add("priority", [&](JsonWriter& x) { x.Number(c.priority); });
        f.Add("ip", [&](JsonWriter& x) { x.String(c.ip); });
        f.Add("protocol", [&](JsonWriter& x) { x.String(c.protocol); });
        f.Add("port", [&](JsonWriter& x) { x.Number(c.port); });
        f.Add("type", [&](JsonWriter& x) { x.String(c.type); });
      });
    });
  });
  o.Add("dtls_parameters", [&](JsonWriter& v) { internal::WriteDtlsParameters(v, m.dtls_parameters); });
  o.Add("producers", [&](JsonWriter& v) {
    v.Array(m.producers, [](JsonWriter& a, const NewProducer& p) {
      a.Object([&](JsonWriter::Members& f) { AddProducerFields(f, p); });
    });
  });
}
void AddResult(JsonWriter::Members&, const ConnectWebRtcTransportResult&) {}
void AddResult(JsonWriter::Members& o, const MediaProduceResult& m) {
  o.Add("producer_id", [&](JsonWriter& v) { v.String(m.producer_id); });
}
void AddResult(JsonWriter::Members& o, const MediaConsumeResult& m) {
  o.Add("consumer_id", [&](JsonWriter& v) { v.String(m.consumer_id); });
  o.Add("producer_id", [&](JsonWriter& v) { v.String(m.producer_id); });
  o.Add("kind", [&](JsonWriter& v) { v.String(ToString(m.kind)); });
  o.Add("rtp_parameters", [&](JsonWriter& v) { internal::WriteRtpParameters(v, m.rtp_parameters); });
  o.Add("paused", [&](JsonWriter& v) { v.Bool(m.paused); });
}
void AddResult(JsonWriter::Members&, const MediaResumeConsumerResult&) {}
void AddResult(JsonWriter::Members&, const MediaCloseProducerResult&) {}
void AddResult(JsonWriter::Members& o, const NativeSenderSessionResult& m) {
  o.Add("transport_id", [&](JsonWriter& v) { v.String(m.transport_id); });
  o.Add("producer_id", [&](JsonWriter& v) { v.String(m.producer_id); });
  o.Add("rtp_target", [&](JsonWriter& v) {
    v.Object([&](JsonWriter::Members& t) {
      t.Add("ip", [&](JsonWriter& x) { x.String(m.rtp_target.ip); });
      t.Add("port", [&](JsonWriter& x) { x.Number(m.rtp_target.port); });
    });
  });
  o.Add("payload_type", [&](JsonWriter& v) { v.Number(m.payload_type); });
  o.Add("ssrc", [&](JsonWriter& v) { v.Number(m.ssrc); });
  o.Add("codec", [&](JsonWriter& v) { internal::WriteRtpCodecParameters(v, m.codec); });
}
void AddResult(JsonWriter::Members&, const ClientDiagnosticResult&) {}

void AddMessage(JsonWriter::Members& o, const VoiceJoined& m) {
  o.Add("channel_id", [&](JsonWriter& v) { v.String(m.channel_id); });
  o.Add("user_id", [&](JsonWriter& v) { v.String(m.user_id); });
}
void AddMessage(JsonWriter::Members& o, const VoiceLeft& m) {
  o.Add("channel_id", [&](JsonWriter& v) { v.String(m.channel_id); });
}
void AddMessage(JsonWriter::Members& o, const Authenticated& m) {
  o.Add("user_id", [&](JsonWriter& v) { v.String(m.user_id); });
  o.Add("username", [&](JsonWriter& v) { v.String(m.username); });
}
void AddMessage(JsonWriter::Members&, const Pong&) {}
void AddMessage(JsonWriter::Members& o, const VoiceUserJoined& m) {
  o.Add("channel_id", [&](JsonWriter& v) { v.String(m.channel_id); });
  o.Add("user_id", [&](JsonWriter& v) { v.String(m.user_id); });
  o.Add("username", [&](JsonWriter& v) { v.String(m.username); });
}
void AddMessage(JsonWriter::Members& o, const VoiceUserLeft& m) {
  o.Add("channel_id", [&](JsonWriter& v) { v.String(m.channel_id); });
  o.Add("user_id", [&](JsonWriter& v) { v.String(m.user_id); });
  o.Add("username", [&](JsonWriter& v) { v.String(m.username); });
}
void AddMessage(JsonWriter::Members& o, const VoiceUserSpeaking& m) {
  o.Add("channel_id", [&](JsonWriter& v) { v.String(m.channel_id); });
  o.Add("username", [&](JsonWriter& v) { v.String(m.username); });
  o.Add("speaking", [&](JsonWriter& v) { v.Bool(m.speaking); });
}
void AddMessage(JsonWriter::Members& o, const VoicePresenceSnapshot& m) {
  o.Add("channels", [&](JsonWriter& v) {
    v.Array(m.channels, [](JsonWriter& a, const auto& c) {
      a.Object([&](JsonWriter::Members& ch) {
        ch.Add("channel_id", [&](JsonWriter& x) { x.String(c.channel_id); });
        ch.Add("members", [&](JsonWriter& x) {
          x.Array(c.members, [](JsonWriter& b, const PresenceMember& member) {
            b.Object([&](JsonWriter::Members& u) {
              u.Add("user_id", [&](JsonWriter& y) { y.String(member.user_id); });
              u.Add("username", [&](JsonWriter& y) { y.String(member.username); });
              u.Add("speaking", [&](JsonWriter& y) { y.Bool(member.speaking); });
            });
          });
        });
      });
    });
  });
}
void AddMessage(JsonWriter::Members& o, const MediaSignalResponse& m) {
  if (m.request_id) o.Add("request_id", [&](JsonWriter& v) { v.String(*m.request_id); });
  if (const auto* error = std::get_if<MediaSignalError>(&m.outcome)) {
    if (m.action) o.Add("action", [&](JsonWriter& v) { v.String(ToString(*m.action)); });
    o.Add("error", [&](JsonWriter& v) {
      v.Object([&](JsonWriter::Members& e) {
        e.Add("code", [&](JsonWriter& x) { x.String(error->code); });
        e.Add("message", [&](JsonWriter& x) { x.String(error->message); });
      });
    });
    return;
  }
  o.Add("action", [&](JsonWriter& v) { v.String(ToString(*ResultAction(m.outcome))); });
  o.Add("result", [&](JsonWriter& v) {
    v.Object([&](JsonWriter::Members& r) { std::visit([&](const auto& result) { AddResult(r, result); }, m.outcome); });
  });
}
void AddMessage(JsonWriter::Members& o, const NewProducer& m) { AddProducerFields(o, m); }
void AddMessage(JsonWriter::Members& o, const ProducerClosed& m) {
  o.Add("producer_id", [&](JsonWriter& v) { v.String(m.producer_id); });
  o.Add("source", [&](JsonWriter& v) { v.String(ToString(m.source)); });
  o.Add("routing_mode", [&](JsonWriter& v) { v.String(ToString(m.routing_mode)); });
}
void AddMessage(JsonWriter::Members& o, const MediaRouterReset& m) {
  o.Add("channel_id", [&](JsonWriter& v) { v.String(m.channel_id); });
  o.Add("reason", [&](JsonWriter& v) { v.String(m.reason); });
  o.Add("generation", [&](JsonWriter& v) { v.Number(m.generation); });
}
void AddMessage(JsonWriter::Members& o, const SignalingErrorNotice& m) {
  o.Add("code", [&](JsonWriter& v) { v.String(m.code); });
  o.Add("message", [&](JsonWriter& v) { v.String(m.message); });
  if (m.request_id) o.Add("request_id", [&](JsonWriter& v) { v.String(*m.request_id); });
}

}  // namespace

// The same text as DumpJson(ToJson(message)), written directly (json_writer.h).
std::string EncodeServerMessage(const ServerMessage& message) {
  std::string text;
  text.reserve(128);
  JsonWriter w(text);
  w.Object([&](JsonWriter::Members& o) {
    o.Add(kTypeField, [&](JsonWriter& v) { v.String(TypeName(message)); });
    std::visit([&](const auto& m) { AddMessage(o, m); }, message);
  });
  return text;
}

std::string_view TypeName(const ServerMessage& message) {
  static constexpr std::string_view kNames[] = {
      kTypeVoiceJoined,  kTypeVoiceLeft,        kTypeVoiceUserJoined, kTypeVoiceUserLeft,
      kTypeVoiceUserSpeaking, kTypeVoicePresenceSnapshot, kTypeMediaSignal, kTypeNewProducer,
      kTypeProducerClosed, kTypeMediaRouterReset, kTypeError, kTypeAuthenticated, kTypePong};
  static_assert(std::size(kNames) == std::variant_size_v<ServerMessage>);
  return kNames[message.index()];
}

}  // namespace sfusim::protocol
