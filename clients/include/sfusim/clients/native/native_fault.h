// NativeFault: the fault kinds the scenario timeline injects into a native sender
// (SCENARIO.md `encoder_faults`, kinds `encode_error`, `slow_encode`, `send_error`).
//
// Contract: while a fault is active (simulated time < its `until`):
// - kEncodeError: every Encode() of the sender's encoder fails (FaultyVideoEncoder);
// - kSlowEncode: the modelled encode time is multiplied by NativeSenderConfig::slow_encode_factor;
// - kSendError: every socket send is treated as failed (nothing goes on the wire).
// NativeFaultFromName/NativeFaultName map the scenario's snake_case names both ways.
#pragma once

#include <optional>
#include <string_view>

namespace sfusim::clients {

enum class NativeFault { kEncodeError, kSlowEncode, kSendError };

inline constexpr int kNativeFaultCount = 3;

inline std::string_view NativeFaultName(NativeFault fault) {
  switch (fault) {
    case NativeFault::kEncodeError: return "encode_error";
    case NativeFault::kSlowEncode: return "slow_encode";
    case NativeFault::kSendError: return "send_error";
  }
  return "unknown";
}

inline std::optional<NativeFault> NativeFaultFromName(std::string_view name) {
  if (name == "encode_error") return NativeFault::kEncodeError;
  if (name == "slow_encode") return NativeFault::kSlowEncode;
  if (name == "send_error") return NativeFault::kSendError;
  return std::nullopt;
}

}  // namespace sfusim::clients
