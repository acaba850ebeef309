#include "sfusim/protocol/signaling/rtp_parameters_json.h"

#include <limits>
#include <set>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "json_writer.h"
#include "signaling_json_internal.h"

namespace sfusim::protocol {
namespace {

using nlohmann::json;
namespace err = signaling_error;

constexpr std::int64_t kMaxSsrc = std::numeric_limits<std::uint32_t>::max();

// "audio/opus" -> audio; nullopt unless "<audio|video>/<non-empty name>".
std::optional<MediaKind> MimeTypeKind(std::string_view mime_type) {
  const auto slash = mime_type.find('/');
  if (slash == std::string_view::npos || slash + 1 >= mime_type.size()) return std::nullopt;
  return ParseMediaKind(mime_type.substr(0, slash));
}

bool ReadMimeType(JsonReader& r, const JsonValue& object, const JsonPath& at, std::string* out, MediaKind* kind) {
  if (!r.ReadString(object, at, "mimeType", {kMaxMimeTypeLength}, out)) return false;
  const auto parsed = MimeTypeKind(*out);
  if (!parsed) return r.Fail(err::kInvalidValue, at.Field("mimeType"), "must be audio/<codec> or video/<codec>");
  *kind = *parsed;
  return true;
}

bool ReadCodecParameters(JsonReader& r, const JsonValue& object, const JsonPath& at, CodecParameters* out) {
  const JsonValue* params = r.ReadObject(object, at, "parameters", false);
  if (params == nullptr) return r.ok();
  const JsonPath field = at.Field("parameters");
  if (params->size() > kMaxCodecParameters) {
    return r.Fail(err::kTooManyItems, field,
                  "more than the limit of " + std::to_string(kMaxCodecParameters) + " parameters");
  }
  // Key order, as when the DOM was nlohmann::json's sorted map: the same bad member is reported.
  for (const JsonMember* member : params->SortedMembers()) {
    const std::string_view key = member->key;
    if (key.empty()) return r.Fail(err::kInvalidValue, field, "a parameter name is empty");
    if (CountCodePoints(key) > kMaxCodecParameterKeyLength) {
      return r.Fail(err::kFieldTooLong, field,
                    "a parameter name is longer than the limit of " + std::to_string(kMaxCodecParameterKeyLength) +
                        " chars");
    }
    const JsonPath entry = field.Field(key);
    const JsonValue& value = member->value;
    if (value.IsString()) {
      std::string text;
      if (!r.CheckString(value, entry, {kMaxCodecParameterValueLength, true}, &text)) return false;
      out->emplace(key, std::move(text));
    } else {
      std::int64_t number = 0;
      if (!value.IsInteger()) return r.Fail(err::kWrongType, entry, "expected an integer or a string");
      if (!r.CheckInt(value, entry, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                      &number)) {
        return false;
      }
      out->emplace(key, number);
    }
  }
  return true;
}

bool ReadRtcpFeedbackList(JsonReader& r, const JsonValue& object, const JsonPath& at, std::vector<RtcpFeedback>* out) {
  const JsonValue* list = r.ReadArray(object, at, "rtcpFeedback", kMaxRtcpFeedback, false);
  if (list == nullptr) return r.ok();
  const JsonPath field = at.Field("rtcpFeedback");
  out->reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const JsonPath item = field.Index(i);
    const JsonValue& fb = (*list)[i];
    if (!r.CheckObject(fb, item)) return false;
    RtcpFeedback feedback;
    std::optional<std::string> parameter;
    if (!r.ReadString(fb, item, "type", {kMaxRtcpFeedbackTypeLength}, &feedback.type)) return false;
    if (!r.ReadOptionalString(fb, item, "parameter", {kMaxRtcpFeedbackTypeLength, true}, &parameter)) return false;
    feedback.parameter = parameter.value_or("");
    out->push_back(std::move(feedback));
  }
  return true;
}

bool ReadChannels(JsonReader& r, const JsonValue& object, const JsonPath& at, std::optional<int>* out) {
  std::optional<std::int64_t> channels;
  if (!r.ReadOptionalInt(object, at, "channels", 1, kMaxAudioChannels, &channels)) return false;
  if (channels) *out = static_cast<int>(*channels);
  return true;
}

bool ReadHeaderExtension(JsonReader& r, const JsonValue& value, const JsonPath& at, RtpHeaderExtensionParameters* out) {
  if (!r.CheckObject(value, at)) return false;
  std::int64_t id = 0;
  std::optional<bool> encrypt;
  if (!r.ReadString(value, at, "uri", {kMaxHeaderExtensionUriLength}, &out->uri)) return false;
  if (!r.ReadInt(value, at, "id", 1, kMaxHeaderExtensionId, &id)) return false;
  if (!r.ReadOptionalBool(value, at, "encrypt", &encrypt)) return false;
  out->id = static_cast<int>(id);
  out->encrypt = encrypt.value_or(false);
  return true;
}

bool ReadEncoding(JsonReader& r, const JsonValue& value, const JsonPath& at, RtpEncodingParameters* out) {
  if (!r.CheckObject(value, at)) return false;
  std::optional<std::int64_t> ssrc;
  if (!r.ReadOptionalInt(value, at, "ssrc", 0, kMaxSsrc, &ssrc)) return false;
  if (ssrc) out->ssrc = static_cast<std::uint32_t>(*ssrc);
  if (const JsonValue* rtx = r.ReadObject(value, at, "rtx", false)) {
    const JsonPath rtx_at = at.Field("rtx");
    std::int64_t rtx_ssrc = 0;
    if (!r.ReadInt(*rtx, rtx_at, "ssrc", 0, kMaxSsrc, &rtx_ssrc)) return false;
    out->rtx_ssrc = static_cast<std::uint32_t>(rtx_ssrc);
  } else if (!r.ok()) {
    return false;
  }
  if (!r.ReadOptionalString(value, at, "rid", {kMaxRidLength}, &out->rid)) return false;
  if (!r.ReadOptionalBool(value, at, "dtx", &out->dtx)) return false;
  if (!r.ReadOptionalInt(value, at, "maxBitrate", 0, kMaxEncodingBitrateBps, &out->max_bitrate)) return false;
  return r.ReadOptionalString(value, at, "scalabilityMode", {kMaxScalabilityModeLength}, &out->scalability_mode);
}

json CodecCommonJson(std::string_view mime_type, std::uint32_t clock_rate, const std::optional<int>& channels,
                     const CodecParameters& parameters, const std::vector<RtcpFeedback>& feedback) {
  json j = json::object();
  j["mimeType"] = mime_type;
  j["clockRate"] = clock_rate;
  if (channels) j["channels"] = *channels;
  j["parameters"] = ToJson(parameters);
  json list = json::array();
  for (const auto& fb : feedback) list.push_back(ToJson(fb));
  j["rtcpFeedback"] = std::move(list);
  return j;
}

// A nlohmann::json goes through its text into the reader's DOM: these conversions are for tests
// and tools, not the hot path, and one reader implementation keeps the rules in one place.
template <typename T>
Result<T> Standalone(const json& value, bool (*read)(JsonReader&, const JsonValue&, const JsonPath&, T*)) {
  JsonReader reader;
  T out;
  const JsonPath root;
  const std::string text = DumpJson(value);
  JsonDocument document;
  if (!ParseJsonBounded(text, JsonDocument::kMaxSupportedDepth, reader, &document) ||
      !read(reader, document.root(), root, &out)) {
    return reader.violation()->ToError();
  }
  return out;
}

}  // namespace

json ToJson(const CodecParameters& parameters) {
  json j = json::object();
  for (const auto& [key, value] : parameters) {
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
      j[key] = *number;
    } else {
      j[key] = std::get<std::string>(value);
    }
  }
  return j;
}

json ToJson(const RtcpFeedback& feedback) {
  json j = json::object();
  j["type"] = feedback.type;
  if (!feedback.parameter.empty()) j["parameter"] = feedback.parameter;
  return j;
}

json ToJson(const RtpCodecParameters& codec) {
  json j = CodecCommonJson(codec.mime_type, codec.clock_rate, codec.channels, codec.parameters, codec.rtcp_feedback);
  j["payloadType"] = codec.payload_type;
  return j;
}

json ToJson(const RtpHeaderExtensionParameters& extension) {
  return json{{"uri", extension.uri}, {"id", extension.id}, {"encrypt", extension.encrypt}};
}

json ToJson(const RtpEncodingParameters& encoding) {
  json j = json::object();
  if (encoding.ssrc) j["ssrc"] = *encoding.ssrc;
  if (encoding.rtx_ssrc) j["rtx"] = json{{"ssrc", *encoding.rtx_ssrc}};
  if (encoding.rid) j["rid"] = *encoding.rid;
  if (encoding.dtx) j["dtx"] = *encoding.dtx;
  if (encoding.max_bitrate) j["maxBitrate"] = *encoding.max_bitrate;
  if (encoding.scalability_mode) j["scalabilityMode"] = *encoding.scalability_mode;
  return j;
}

json ToJson(const RtcpParameters& rtcp) {
  json j = json::object();
  if (rtcp.cname) j["cname"] = *rtcp.cname;
  if (rtcp.reduced_size) j["reducedSize"] = *rtcp.reduced_size;
  return j;
}

json ToJson(const RtpParameters& parameters) {
  json j = json::object();
  if (parameters.mid) j["mid"] = *parameters.mid;
  json codecs = json::array();
  for (const auto& codec : parameters.codecs) codecs.push_back(ToJson(codec));
  j["codecs"] = std::move(codecs);
  json extensions = json::array();
  for (const auto& ext : parameters.header_extensions) extensions.push_back(ToJson(ext));
  j["headerExtensions"] = std::move(extensions);
  json encodings = json::array();
  for (const auto& encoding : parameters.encodings) encodings.push_back(ToJson(encoding));
  j["encodings"] = std::move(encodings);
  j["rtcp"] = ToJson(parameters.rtcp);
  return j;
}

json ToJson(const RtpCodecCapability& codec) {
  json j = CodecCommonJson(codec.mime_type, codec.clock_rate, codec.channels, codec.parameters, codec.rtcp_feedback);
  j["kind"] = ToString(codec.kind);
  if (codec.preferred_payload_type) j["preferredPayloadType"] = *codec.preferred_payload_type;
  return j;
}

json ToJson(const RtpHeaderExtensionCapability& extension) {
  return json{{"kind", ToString(extension.kind)},
              {"uri", extension.uri},
              {"preferredId", extension.preferred_id},
              {"preferredEncrypt", extension.preferred_encrypt}};
}

json ToJson(const RtpCapabilities& capabilities) {
  json codecs = json::array();
  for (const auto& codec : capabilities.codecs) codecs.push_back(ToJson(codec));
  json extensions = json::array();
  for (const auto& ext : capabilities.header_extensions) extensions.push_back(ToJson(ext));
  return json{{"codecs", std::move(codecs)}, {"headerExtensions", std::move(extensions)}};
}

bool ReadRtpCodecParameters(JsonReader& r, const JsonValue& value, const JsonPath& at, RtpCodecParameters* out) {
  if (!r.CheckObject(value, at)) return false;
  MediaKind kind = MediaKind::kAudio;
  std::int64_t payload_type = 0;
  std::int64_t clock_rate = 0;
  if (!ReadMimeType(r, value, at, &out->mime_type, &kind)) return false;
  if (!r.ReadInt(value, at, "payloadType", 0, kMaxRtpPayloadType, &payload_type)) return false;
  if (!r.ReadInt(value, at, "clockRate", 1, kMaxClockRateHz, &clock_rate)) return false;
  if (!ReadChannels(r, value, at, &out->channels)) return false;
  if (!ReadCodecParameters(r, value, at, &out->parameters)) return false;
  if (!ReadRtcpFeedbackList(r, value, at, &out->rtcp_feedback)) return false;
  out->payload_type = static_cast<std::uint8_t>(payload_type);
  out->clock_rate = static_cast<std::uint32_t>(clock_rate);
  return true;
}

bool ReadRtpParameters(JsonReader& r, const JsonValue& value, const JsonPath& at, RtpParameters* out) {
  if (!r.CheckObject(value, at)) return false;
  if (!r.ReadOptionalString(value, at, "mid", {kMaxMidLength}, &out->mid)) return false;

  const JsonValue* codecs = r.ReadArray(value, at, "codecs", kMaxRtpCodecs, true);
  if (codecs == nullptr) return false;
  const JsonPath codecs_at = at.Field("codecs");
  if (codecs->empty()) return r.Fail(err::kInvalidValue, codecs_at, "must hold at least one codec");
  out->codecs.resize(codecs->size());
  std::uint64_t payload_types_seen[2] = {0, 0};  // a bit per payload type 0..127
  for (std::size_t i = 0; i < codecs->size(); ++i) {
    const JsonPath item = codecs_at.Index(i);
    if (!ReadRtpCodecParameters(r, (*codecs)[i], item, &out->codecs[i])) return false;
    const unsigned pt = out->codecs[i].payload_type;
    const std::uint64_t bit = std::uint64_t{1} << (pt % 64);
    if (payload_types_seen[pt / 64] & bit) {
      return r.Fail(err::kDuplicateValue, item.Field("payloadType"), "payload type used by an earlier codec");
    }
    payload_types_seen[pt / 64] |= bit;
  }

  if (const JsonValue* extensions = r.ReadArray(value, at, "headerExtensions", kMaxRtpHeaderExtensions, false)) {
    const JsonPath ext_at = at.Field("headerExtensions");
    out->header_extensions.resize(extensions->size());
    std::set<int> ids;
    for (std::size_t i = 0; i < extensions->size(); ++i) {
      const JsonPath item = ext_at.Index(i);
      if (!ReadHeaderExtension(r, (*extensions)[i], item, &out->header_extensions[i])) return false;
      if (!ids.insert(out->header_extensions[i].id).second) {
        return r.Fail(err::kDuplicateValue, item.Field("id"), "id used by an earlier header extension");
      }
    }
  } else if (!r.ok()) {
    return false;
  }

  if (const JsonValue* encodings = r.ReadArray(value, at, "encodings", kMaxRtpEncodings, false)) {
    const JsonPath enc_at = at.Field("encodings");
    out->encodings.resize(encodings->size());
    for (std::size_t i = 0; i < encodings->size(); ++i) {
      const JsonPath item = enc_at.Index(i);
      if (!ReadEncoding(r, (*encodings)[i], item, &out->encodings[i])) return false;
    }
  } else if (!r.ok()) {
    return false;
  }

  if (const JsonValue* rtcp = r.ReadObject(value, at, "rtcp", false)) {
    const JsonPath rtcp_at = at.Field("rtcp");
    if (!r.ReadOptionalString(*rtcp, rtcp_at, "cname", {kMaxCnameLength}, &out->rtcp.cname)) return false;
    if (!r.ReadOptionalBool(*rtcp, rtcp_at, "reducedSize", &out->rtcp.reduced_size)) return false;
  }
  return r.ok();
}

bool ReadRtpCapabilities(JsonReader& r, const JsonValue& value, const JsonPath& at, RtpCapabilities* out) {
  if (!r.CheckObject(value, at)) return false;
  const JsonValue* codecs = r.ReadArray(value, at, "codecs", kMaxRtpCodecs, true);
  if (codecs == nullptr) return false;
  const JsonPath codecs_at = at.Field("codecs");
  out->codecs.resize(codecs->size());
  for (std::size_t i = 0; i < codecs->size(); ++i) {
    const JsonPath item = codecs_at.Index(i);
    const JsonValue& c = (*codecs)[i];
    RtpCodecCapability& codec = out->codecs[i];
    if (!r.CheckObject(c, item)) return false;
    if (!r.ReadEnum(c, item, "kind", kMaxKindLength, kMediaKindTable, &codec.kind)) return false;
    MediaKind mime_kind = MediaKind::kAudio;
    if (!ReadMimeType(r, c, item, &codec.mime_type, &mime_kind)) return false;
    if (mime_kind != codec.kind) {
      return r.Fail(err::kCodecKindMismatch, item.Field("mimeType"), "does not match the codec's kind");
    }
    std::optional<std::int64_t> preferred;
    std::int64_t clock_rate = 0;
    if (!r.ReadOptionalInt(c, item, "preferredPayloadType", 0, kMaxRtpPayloadType, &preferred)) return false;
    if (!r.ReadInt(c, item, "clockRate", 1, kMaxClockRateHz, &clock_rate)) return false;
    if (!ReadChannels(r, c, item, &codec.channels)) return false;
    if (!ReadCodecParameters(r, c, item, &codec.parameters)) return false;
    if (!ReadRtcpFeedbackList(r, c, item, &codec.rtcp_feedback)) return false;
    if (preferred) codec.preferred_payload_type = static_cast<std::uint8_t>(*preferred);
    codec.clock_rate = static_cast<std::uint32_t>(clock_rate);
  }

  if (const JsonValue* extensions = r.ReadArray(value, at, "headerExtensions", kMaxRtpHeaderExtensions, false)) {
    const JsonPath ext_at = at.Field("headerExtensions");
    out->header_extensions.resize(extensions->size());
    for (std::size_t i = 0; i < extensions->size(); ++i) {
      const JsonPath item = ext_at.Index(i);
      const JsonValue& e = (*extensions)[i];
      RtpHeaderExtensionCapability& ext = out->header_extensions[i];
      std::int64_t id = 0;
      std::optional<bool> encrypt;
      if (!r.CheckObject(e, item)) return false;
      if (!r.ReadEnum(e, item, "kind", kMaxKindLength, kMediaKindTable, &ext.kind)) return false;
      if (!r.ReadString(e, item, "uri", {kMaxHeaderExtensionUriLength}, &ext.uri)) return false;
      if (!r.ReadInt(e, item, "preferredId", 1, kMaxHeaderExtensionId, &id)) return false;
      if (!r.ReadOptionalBool(e, item, "preferredEncrypt", &encrypt)) return false;
      ext.preferred_id = static_cast<int>(id);
      ext.preferred_encrypt = encrypt.value_or(false);
    }
  }
  return r.ok();
}

Result<RtpParameters> RtpParametersFromJson(const json& value) { return Standalone<RtpParameters>(value, &ReadRtpParameters); }

Result<RtpCapabilities> RtpCapabilitiesFromJson(const json& value) {
  return Standalone<RtpCapabilities>(value, &ReadRtpCapabilities);
}


// --- the JsonWriter forms (json_writer.h): the same text as DumpJson(ToJson(x)) -----------------

namespace internal {
namespace {

void WriteCodecParameters(JsonWriter& w, const CodecParameters& parameters) {
  // A std::map<std::string, ...>: already in nlohmann's key order.
  w.Raw("{");
  bool first = true;
  for (const auto& [key, value] : parameters) {
    if (!first) w.Raw(",");
    first = false;
    w.String(key);
    w.Raw(":");
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
      w.Int(*number);
    } else {
      w.String(std::get<std::string>(value));
    }
  }
  w.Raw("}");
}

void WriteRtcpFeedback(JsonWriter& w, const RtcpFeedback& feedback) {
  w.Object([&](JsonWriter::Members& o) {
    o.Add("type", [&](JsonWriter& v) { v.String(feedback.type); });
    if (!feedback.parameter.empty()) o.Add("parameter", [&](JsonWriter& v) { v.String(feedback.parameter); });
  });
}

void AddCodecCommon(JsonWriter::Members& o, const std::string& mime_type, std::uint32_t clock_rate,
                    const std::optional<int>& channels, const CodecParameters& parameters,
                    const std::vector<RtcpFeedback>& feedback) {
  o.Add("mimeType", [&](JsonWriter& v) { v.String(mime_type); });
  o.Add("clockRate", [&](JsonWriter& v) { v.Number(clock_rate); });
  if (channels) o.Add("channels", [&](JsonWriter& v) { v.Number(*channels); });
  o.Add("parameters", [&](JsonWriter& v) { WriteCodecParameters(v, parameters); });
  o.Add("rtcpFeedback", [&](JsonWriter& v) { v.Array(feedback, WriteRtcpFeedback); });
}

void WriteCodecCapability(JsonWriter& w, const RtpCodecCapability& codec) {
  w.Object([&](JsonWriter::Members& o) {
    AddCodecCommon(o, codec.mime_type, codec.clock_rate, codec.channels, codec.parameters, codec.rtcp_feedback);
    o.Add("kind", [&](JsonWriter& v) { v.String(ToString(codec.kind)); });
    if (codec.preferred_payload_type) {
      o.Add("preferredPayloadType", [&](JsonWriter& v) { v.Number(*codec.preferred_payload_type); });
    }
  });
}

void WriteExtensionCapability(JsonWriter& w, const RtpHeaderExtensionCapability& extension) {
  w.Object([&](JsonWriter::Members& o) {
    o.Add("kind", [&](JsonWriter& v) { v.String(ToString(extension.kind)); });
    o.Add("uri", [&](JsonWriter& v) { v.String(extension.uri); });
    o.Add("preferredId", [&](JsonWriter& v) { v.Number(extension.preferred_id); });
    o.Add("preferredEncrypt", [&](JsonWriter& v) { v.Bool(extension.preferred_encrypt); });
  });
}

void WriteExtensionParameters(JsonWriter& w, const RtpHeaderExtensionParameters& extension) {
  w.Object([&](JsonWriter::Members& o) {
    o.Add("uri", [&](JsonWriter& v) { v.String(extension.uri); });
    o.Add("id", [&](JsonWriter& v) { v.Number(extension.id); });
    o.Add("encrypt", [&](JsonWriter& v) { v.Bool(extension.encrypt); });
  });
}

void WriteEncoding(JsonWriter& w, const RtpEncodingParameters& encoding) {
  w.Object([&](JsonWriter::Members& o) {
    if (encoding.ssrc) o.Add("ssrc", [&](JsonWriter& v) { v.Number(*encoding.ssrc); });
    if (encoding.rtx_ssrc) {
      o.Add("rtx", [&](JsonWriter& v) {
        v.Object([&](JsonWriter::Members& rtx) { rtx.Add("ssrc", [&](JsonWriter& n) { n.Number(*encoding.rtx_ssrc); }); });
      });
    }
    if (encoding.rid) o.Add("rid", [&](JsonWriter& v) { v.String(*encoding.rid); });
    if (encoding.dtx) o.Add("dtx", [&](JsonWriter& v) { v.Bool(*encoding.dtx); });
    if (encoding.max_bitrate) o.Add("maxBitrate", [&](JsonWriter& v) { v.Number(*encoding.max_bitrate); });
    if (encoding.scalability_mode) o.Add("scalabilityMode", [&](JsonWriter& v) { v.String(*encoding.scalability_mode); });
  });
}

}  // namespace

void WriteRtpCodecParameters(JsonWriter& w, const RtpCodecParameters& codec) {
  w.Object([&](JsonWriter::Members& o) {
    AddCodecCommon(o, codec.mime_type, codec.clock_rate, codec.channels, codec.parameters, codec.rtcp_feedback);
    o.Add("payloadType", [&](JsonWriter& v) { v.Number(codec.payload_type); });
  });
}

void WriteRtpParameters(JsonWriter& w, const RtpParameters& parameters) {
  w.Object([&](JsonWriter::Members& o) {
    if (parameters.mid) o.Add("mid", [&](JsonWriter& v) { v.String(*parameters.mid); });
    o.Add("codecs", [&](JsonWriter& v) { v.Array(parameters.codecs, WriteRtpCodecParameters); });
    o.Add("headerExtensions", [&](JsonWriter& v) { v.Array(parameters.header_extensions, WriteExtensionParameters); });
    o.Add("encodings", [&](JsonWriter& v) { v.Array(parameters.encodings, WriteEncoding); });
    o.Add("rtcp", [&](JsonWriter& v) {
      v.Object([&](JsonWriter::Members& rtcp) {
        if (parameters.rtcp.cname) rtcp.Add("cname", [&](JsonWriter& s) { s.String(*parameters.rtcp.cname); });
        if (parameters.rtcp.reduced_size) {
          rtcp.Add("reducedSize", [&](JsonWriter& b) { b.Bool(*parameters.rtcp.reduced_size); });
        }
      });
    });
  });
}

void WriteRtpCapabilities(JsonWriter& w, const RtpCapabilities& capabilities) {
  w.Object([&](JsonWriter::Members& o) {
    o.Add("codecs", [&](JsonWriter& v) { v.Array(capabilities.codecs, WriteCodecCapability); });
    o.Add("headerExtensions", [&](JsonWriter& v) { v.Array(capabilities.header_extensions, WriteExtensionCapability); });
  });
}

}  // namespace internal
}  // namespace sfusim::protocol
