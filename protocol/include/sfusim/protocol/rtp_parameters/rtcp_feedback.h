// RtcpFeedback: one rtcp-fb line of a codec (RFC 4585 §4.2): a type and an optional parameter,
// e.g. {"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"goog-remb", ""}, {"transport-cc", ""}.
//
// Contract: plain value; an empty parameter means "none" (JSON omits it).
#pragma once

#include <string>
#include <string_view>

namespace sfusim::protocol {

struct RtcpFeedback {
  std::string type;
  std::string parameter;

  bool operator==(const RtcpFeedback&) const = default;
};

// The feedback types sfusim's router offers (PROTOCOL.md §2).
inline constexpr std::string_view kRtcpFeedbackNack = "nack";
inline constexpr std::string_view kRtcpFeedbackParameterPli = "pli";
inline constexpr std::string_view kRtcpFeedbackCcm = "ccm";
inline constexpr std::string_view kRtcpFeedbackParameterFir = "fir";
inline constexpr std::string_view kRtcpFeedbackGoogRemb = "goog-remb";
inline constexpr std::string_view kRtcpFeedbackTransportCc = "transport-cc";

}  // namespace sfusim::protocol
