// Client messages: JSON encoding and the validator's rules for them (signaling_validator.h).
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

// --- encoding ---------------------------------------------------------------------------------

void AddFields(json& j, const GetRouterRtpCapabilitiesRequest&) { (void)j; }
void AddFields(json& j, const CreateWebRtcTransportRequest& m) { j["direction"] = ToString(m.direction); }
void AddFields(json& j, const ConnectWebRtcTransportRequest& m) {
  j["transport_id"] = m.transport_id;
  j["dtls_parameters"] = internal::DtlsParametersToJson(m.dtls_parameters);
}
void AddFields(json& j, const MediaProduceRequest& m) {
  j["transport_id"] = m.transport_id;
  j["kind"] = ToString(m.kind);
  j["source"] = ToString(m.source);
  j["routing_mode"] = ToString(m.routing_mode);
  j["rtp_parameters"] = ToJson(m.rtp_parameters);
}
void AddFields(json& j, const MediaConsumeRequest& m) {
  j["producer_id"] = m.producer_id;
  j["rtp_capabilities"] = ToJson(m.rtp_capabilities);
}
void AddFields(json& j, const MediaResumeConsumerRequest& m) { j["consumer_id"] = m.consumer_id; }
void AddFields(json& j, const MediaCloseProducerRequest& m) { j["producer_id"] = m.producer_id; }
void AddFields(json& j, const CreateNativeSenderSessionRequest& m) { j["preferred_codecs"] = m.preferred_codecs; }
void AddFields(json& j, const ClientDiagnosticRequest& m) { j["diagnostic"] = m.diagnostic; }

// --- validation ---------------------------------------------------------------------------------

constexpr StringRule kChannelId{kMaxChannelIdLength};
constexpr StringRule kTransportId{kMaxTransportIdLength};
constexpr StringRule kProducerId{kMaxProducerIdLength};
constexpr StringRule kConsumerId{kMaxConsumerIdLength};

bool ReadBody(JsonReader&, const JsonValue&, const JsonPath&, GetRouterRtpCapabilitiesRequest*) { return true; }

bool ReadBody(JsonReader& r, const JsonValue& p, const JsonPath& at, CreateWebRtcTransportRequest* out) {
  return r.ReadEnum(p, at, "direction", kMaxDirectionLength, kTransportDirectionTable, &out->direction);
}

bool ReadBody(JsonReader& r, const JsonValue& p, const JsonPath& at, ConnectWebRtcTransportRequest* out) {
  if (!r.ReadString(p, at, "transport_id", kTransportId, &out->transport_id)) return false;
  const JsonValue* dtls = r.ReadObject(p, at, "dtls_parameters", true);
  if (dtls == nullptr) return false;
  const JsonPath dtls_at = at.Field("dtls_parameters");
  return internal::ReadDtlsParameters(r, *dtls, dtls_at, &out->dtls_parameters);
}

bool ReadBody(JsonReader& r, const JsonValue& p, const JsonPath& at, MediaProduceRequest* out) {
  if (!r.ReadString(p, at, "transport_id", kTransportId, &out->transport_id)) return false;
  if (!r.ReadEnum(p, at, "kind", kMaxKindLength, kMediaKindTable, &out->kind)) return false;
  if (!r.ReadEnum(p, at, "source", kMaxSourceLength, kMediaSourceTable, &out->source)) return false;
  if (!r.ReadEnum(p, at, "routing_mode", kMaxRoutingModeLength, kRoutingModeTable, &out->routing_mode)) return false;
  if (KindOfSource(out->source) != out->kind) {
    return r.Fail(err::kKindSourceMismatch, at.Field("source"),
                  out->kind == MediaKind::kAudio ? "an audio producer's source must be microphone"
                                                 : "a video producer's source must be camera or screen");
  }
  const JsonValue* rtp = r.ReadObject(p, at, "rtp_parameters", true);
  if (rtp == nullptr) return false;
  const JsonPath rtp_at = at.Field("rtp_parameters");
  if (!ReadRtpParameters(r, *rtp, rtp_at, &out->rtp_parameters)) return false;
  const JsonPath codecs_at = rtp_at.Field("codecs");
  for (std::size_t i = 0; i < out->rtp_parameters.codecs.size(); ++i) {
    const std::string& mime = out->rtp_parameters.codecs[i].mime_type;
    // ReadRtpParameters has checked the "<kind>/<name>" form.
    if (ParseMediaKind(std::string_view(mime).substr(0, mime.find('/'))) != out->kind) {
      const JsonPath item = codecs_at.Index(i);
      return r.Fail(err::kCodecKindMismatch, item.Field("mimeType"), "is not of the producer's kind");
    }
  }
  return true;
}

bool ReadBody(JsonReader& r, const JsonValue& p, const JsonPath& at, MediaConsumeRequest* out) {
  if (!r.ReadString(p, at, "producer_id", kProducerId, &out->producer_id)) return false;
  const JsonValue* caps = r.ReadObject(p, at, "rtp_capabilities", true);
  if (caps == nullptr) return false;
  const JsonPath caps_at = at.Field("rtp_capabilities");
  return ReadRtpCapabilities(r, *caps, caps_at, &out->rtp_capabilities);
}

bool ReadBody(JsonReader& r, const JsonValue& p, const JsonPath& at, MediaResumeConsumerRequest* out) {
  return r.ReadString(p, at, "consumer_id", kConsumerId, &out->consumer_id);
}

bool ReadBody(JsonReader& r, const JsonValue& p, const JsonPath& at, MediaCloseProducerRequest* out) {
  return r.ReadString(p, at, "producer_id", kProducerId, &out->producer_id);
}

bool ReadBody(JsonReader& r, const JsonValue& p, const JsonPath& at, CreateNativeSenderSessionRequest* out) {
  const JsonValue* list = r.ReadArray(p, at, "preferred_codecs", kMaxPreferredCodecs, false);
  if (list == nullptr) return r.ok();
  const JsonPath list_at = at.Field("preferred_codecs");
  out->preferred_codecs.resize(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const JsonPath item = list_at.Index(i);
    if (!r.CheckString((*list)[i], item, {kMaxPreferredCodecLength}, &out->preferred_codecs[i])) return false;
  }
  return true;
}

bool ReadBody(JsonReader& r, const JsonValue& p, const JsonPath& at, ClientDiagnosticRequest* out) {
  const JsonPath field = at.Field("diagnostic");
  const JsonValue* diagnostic = JsonReader::Find(p, "diagnostic");
  if (diagnostic == nullptr) {
    return r.Fail((p.Find("diagnostic") != nullptr) ? err::kWrongType : err::kMissingField, field,
                  (p.Find("diagnostic") != nullptr) ? "is required and must not be null" : "is required");
  }
  return r.CheckBoundedObject(*diagnostic, field, kMaxDiagnosticDepth, kMaxDiagnosticValues, kMaxDiagnosticBytes,
                              &out->diagnostic);
}

template <typename Body>
bool ReadAs(JsonReader& r, const JsonValue& p, const JsonPath& at, MediaSignalBody* body) {
  Body typed;
  if (!ReadBody(r, p, at, &typed)) return false;
  *body = std::move(typed);
  return true;
}

bool ReadMediaSignalBody(JsonReader& r, const JsonValue& p, const JsonPath& at, MediaAction action, MediaSignalBody* out) {
  switch (action) {
    case MediaAction::kGetRouterRtpCapabilities: return ReadAs<GetRouterRtpCapabilitiesRequest>(r, p, at, out);
    case MediaAction::kCreateWebRtcTransport: return ReadAs<CreateWebRtcTransportRequest>(r, p, at, out);
    case MediaAction::kConnectWebRtcTransport: return ReadAs<ConnectWebRtcTransportRequest>(r, p, at, out);
    case MediaAction::kMediaProduce: return ReadAs<MediaProduceRequest>(r, p, at, out);
    case MediaAction::kMediaConsume: return ReadAs<MediaConsumeRequest>(r, p, at, out);
    case MediaAction::kMediaResumeConsumer: return ReadAs<MediaResumeConsumerRequest>(r, p, at, out);
    case MediaAction::kMediaCloseProducer: return ReadAs<MediaCloseProducerRequest>(r, p, at, out);
    case MediaAction::kCreateNativeSenderSession: return ReadAs<CreateNativeSenderSessionRequest>(r, p, at, out);
    case MediaAction::kClientDiagnostic: return ReadAs<ClientDiagnosticRequest>(r, p, at, out);
  }
  return r.Fail(err::kUnknownAction, at.Field("action"), "is not a known action");
}

}  // namespace

namespace internal {

void WriteDtlsParameters(JsonWriter& w, const DtlsParameters& dtls) {
  w.Object([&](JsonWriter::Members& o) {
    o.Add("role", [&](JsonWriter& v) { v.String(ToString(dtls.role)); });
    o.Add("fingerprints", [&](JsonWriter& v) {
      v.Array(dtls.fingerprints, [](JsonWriter& a, const DtlsFingerprint& fp) {
        a.Object([&](JsonWriter::Members& f) {
          f.Add("algorithm", [&](JsonWriter& s) { s.String(fp.algorithm); });
          f.Add("value", [&](JsonWriter& s) { s.String(fp.value); });
        });
      });
    });
  });
}

json DtlsParametersToJson(const DtlsParameters& dtls) {
  json fingerprints = json::array();
  for (const auto& fp : dtls.fingerprints) fingerprints.push_back(json{{"algorithm", fp.algorithm}, {"value", fp.value}});
  return json{{"role", ToString(dtls.role)}, {"fingerprints", std::move(fingerprints)}};
}

bool ReadDtlsParameters(JsonReader& r, const JsonValue& value, const JsonPath& at, DtlsParameters* out) {
  if (!r.CheckObject(value, at)) return false;
  if (JsonReader::Find(value, "role") != nullptr) {
    if (!r.ReadEnum(value, at, "role", kMaxDtlsRoleLength, kDtlsSetupRoleTable, &out->role)) return false;
  } else {
    out->role = DtlsSetupRole::kAuto;
  }
  const JsonValue* list = r.ReadArray(value, at, "fingerprints", kMaxDtlsFingerprints, true);
  if (list == nullptr) return false;
  const JsonPath list_at = at.Field("fingerprints");
  if (list->empty()) return r.Fail(err::kInvalidValue, list_at, "must hold at least one fingerprint");
  out->fingerprints.resize(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const JsonPath item = list_at.Index(i);
    const JsonValue& fp = (*list)[i];
    if (!r.CheckObject(fp, item)) return false;
    if (!r.ReadString(fp, item, "algorithm", {kMaxDtlsAlgorithmLength}, &out->fingerprints[i].algorithm)) return false;
    if (!r.ReadString(fp, item, "value", {kMaxDtlsFingerprintLength}, &out->fingerprints[i].value)) return false;
  }
  return true;
}

bool ReadTypeName(JsonReader& r, const JsonValue& payload, std::string_view* out) {
  const JsonPath root;
  const JsonPath field = root.Field(kTypeField);
  const JsonValue* type = JsonReader::Find(payload, kTypeField);
  if (type == nullptr) {
    return r.Fail((payload.Find(kTypeField) != nullptr) ? err::kWrongType : err::kMissingField, field,
                  (payload.Find(kTypeField) != nullptr) ? "is required and must not be null" : "is required");
  }
  if (!type->IsString()) return r.Fail(err::kWrongType, field, "expected a string");
  const std::string_view text = type->String();
  if (CountCodePoints(text) > kMaxTypeLength) {
    return r.Fail(err::kFieldTooLong, field, "longer than the limit of " + std::to_string(kMaxTypeLength) + " chars");
  }
  *out = text;
  return true;
}

bool ReadRequestId(JsonReader& r, const JsonValue& payload, std::optional<std::string>* out) {
  const JsonPath root;
  return r.ReadOptionalString(payload, root, "request_id", {kMaxRequestIdLength}, out);
}

bool ReadAction(JsonReader& r, const JsonValue& payload, bool required, std::optional<MediaAction>* out) {
  const JsonPath root;
  std::optional<std::string> name;
  if (!r.ReadOptionalString(payload, root, "action", {kMaxActionLength}, &name)) return false;
  if (!name) {
    out->reset();
    if (!required) return true;
    if (payload.Find("action") != nullptr) return r.Fail(err::kWrongType, root.Field("action"), "is required and must not be null");
    return r.Fail(err::kMissingField, root.Field("action"), "is required");
  }
  *out = ParseEnum(kMediaActionTable, *name);
  if (!*out) return r.Fail(err::kUnknownAction, root.Field("action"), "is not a known action");
  return true;
}

}  // namespace internal

Status CheckPayloadSize(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return Ok{};
  return JsonViolation{std::string(err::kPayloadTooLarge), "",
                       std::to_string(text.size()) + " bytes, more than the limit of " + std::to_string(max_bytes) +
                           " bytes"}
      .ToError();
}

bool ReadClientMessage(JsonReader& r, const JsonValue& payload, ClientMessage* out, DecodeDiagnostics* diagnostics) {
  const JsonPath root;
  if (!r.CheckObject(payload, root)) return false;
  std::string_view type;
  if (!internal::ReadTypeName(r, payload, &type)) return false;

  if (type == kTypeJoinVoice) {
    JoinVoice m;
    if (!r.ReadString(payload, root, "channel_id", kChannelId, &m.channel_id)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeLeaveVoice) {
    LeaveVoice m;
    if (!r.ReadString(payload, root, "channel_id", kChannelId, &m.channel_id)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeVoiceActivity) {
    VoiceActivity m;
    if (!r.ReadString(payload, root, "channel_id", kChannelId, &m.channel_id)) return false;
    if (!r.ReadBool(payload, root, "speaking", &m.speaking)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeMediaSignal) {
    diagnostics->media_signal = true;
    MediaSignalRequest m;
    if (!internal::ReadRequestId(r, payload, &m.request_id)) return false;
    diagnostics->request_id = m.request_id;
    std::optional<MediaAction> action;
    if (!internal::ReadAction(r, payload, true, &action)) return false;
    diagnostics->action = action;
    if (!ReadMediaSignalBody(r, payload, root, *action, &m.body)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypeAuthenticate) {
    Authenticate m;
    if (!r.ReadString(payload, root, "token", {kMaxAuthTokenLength}, &m.token)) return false;
    if (!r.ReadString(payload, root, "username", {kMaxUsernameLength}, &m.username)) return false;
    *out = std::move(m);
    return true;
  }
  if (type == kTypePing) {
    *out = Ping{};
    return true;
  }
  return r.Fail(err::kUnknownType, root.Field(kTypeField), "is not a known client message type");
}

nlohmann::json ToJson(const ClientMessage& message) {
  json j = json::object();
  j[kTypeField] = TypeName(message);
  std::visit(
      [&j](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, JoinVoice> || std::is_same_v<T, LeaveVoice>) {
          j["channel_id"] = m.channel_id;
        } else if constexpr (std::is_same_v<T, VoiceActivity>) {
          j["channel_id"] = m.channel_id;
          j["speaking"] = m.speaking;
        } else if constexpr (std::is_same_v<T, Authenticate>) {
          j["token"] = m.token;
          j["username"] = m.username;
        } else if constexpr (std::is_same_v<T, Ping>) {
          // no fields
        } else {
          if (m.request_id) j["request_id"] = *m.request_id;
          j["action"] = ToString(m.action());
          std::visit([&j](const auto& body) { AddFields(j, body); }, m.body);
        }
      },
      message);
  return j;
}

namespace {

using internal::JsonWriter;

void AddBody(JsonWriter::Members&, const GetRouterRtpCapabilitiesRequest&) {}
void AddBody(JsonWriter::Members& o, const CreateWebRtcTransportRequest& m) {
  o.Add("direction", [&](JsonWriter& v) { v.String(ToString(m.direction)); });
}
void AddBody(JsonWriter::Members& o, const ConnectWebRtcTransportRequest& m) {
  o.Add("transport_id", [&](JsonWriter& v) { v.String(m.transport_id); });
  o.Add("dtls_parameters", [&](JsonWriter& v) { internal::WriteDtlsParameters(v, m.dtls_parameters); });
}
void AddBody(JsonWriter::Members& o, const MediaProduceRequest& m) {
  o.Add("transport_id", [&](JsonWriter& v) { v.String(m.transport_id); });
  o.Add("kind", [&](JsonWriter& v) { v.String(ToString(m.kind)); });
  o.Add("source", [&](JsonWriter& v) { v.String(ToString(m.source)); });
  o.Add("routing_mode", [&](JsonWriter& v) { v.String(ToString(m.routing_mode)); });
  o.Add("rtp_parameters", [&](JsonWriter& v) { internal::WriteRtpParameters(v, m.rtp_parameters); });
}
void AddBody(JsonWriter::Members& o, const MediaConsumeRequest& m) {
  o.Add("producer_id", [&](JsonWriter& v) { v.String(m.producer_id); });
  o.Add("rtp_capabilities", [&](JsonWriter& v) { internal::WriteRtpCapabilities(v, m.rtp_capabilities); });
}
void AddBody(JsonWriter::Members& o, const MediaResumeConsumerRequest& m) {
  o.Add("consumer_id", [&](JsonWriter& v) { v.String(m.consumer_id); });
}
void AddBody(JsonWriter::Members& o, const MediaCloseProducerRequest& m) {
  o.Add("producer_id", [&](JsonWriter& v) { v.String(m.producer_id); });
}
void AddBody(JsonWriter::Members& o, const CreateNativeSenderSessionRequest& m) {
  o.Add("preferred_codecs", [&](JsonWriter& v) {
    v.Array(m.preferred_codecs, [](JsonWriter& a, const std::string& codec) { a.String(codec); });
  });
}
void AddBody(JsonWriter::Members& o, const ClientDiagnosticRequest& m) {
  o.Add("diagnostic", [&](JsonWriter& v) { v.Raw(DumpJson(m.diagnostic)); });  // free-form: nlohmann's
}

}  // namespace

// The same text as DumpJson(ToJson(message)), written directly (json_writer.h).
std::string EncodeClientMessage(const ClientMessage& message) {
  std::string text;
  text.reserve(128);
  JsonWriter w(text);
  w.Object([&](JsonWriter::Members& o) {
    o.Add(kTypeField, [&](JsonWriter& v) { v.String(TypeName(message)); });
    std::visit(
        [&](const auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, JoinVoice> || std::is_same_v<T, LeaveVoice>) {
            o.Add("channel_id", [&](JsonWriter& v) { v.String(m.channel_id); });
          } else if constexpr (std::is_same_v<T, VoiceActivity>) {
            o.Add("channel_id", [&](JsonWriter& v) { v.String(m.channel_id); });
            o.Add("speaking", [&](JsonWriter& v) { v.Bool(m.speaking); });
          } else if constexpr (std::is_same_v<T, Authenticate>) {
            o.Add("token", [&](JsonWriter& v) { v.String(m.token); });
            o.Add("username", [&](JsonWriter& v) { v.String(m.username); });
          } else if constexpr (std::is_same_v<T, Ping>) {
            // no fields
          } else {
            if (m.request_id) o.Add("request_id", [&](JsonWriter& v) { v.String(*m.request_id); });
            o.Add("action", [&](JsonWriter& v) { v.String(ToString(m.action())); });
            std::visit([&](const auto& body) { AddBody(o, body); }, m.body);
          }
        },
        message);
  });
  return text;
}

std::string_view TypeName(const ClientMessage& message) {
  static constexpr std::string_view kNames[] = {kTypeJoinVoice,   kTypeLeaveVoice,    kTypeVoiceActivity,
                                                kTypeMediaSignal, kTypeAuthenticate, kTypePing};
  static_assert(std::size(kNames) == std::variant_size_v<ClientMessage>);
  return kNames[message.index()];
}

}  // namespace sfusim::protocol
