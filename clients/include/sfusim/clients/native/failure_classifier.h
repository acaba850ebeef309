// FailureClassifier: turns the native sender's failures into "keep going" or "fall back"
// (PROTOCOL.md §3 failure classes, FallbackThresholds for the exact rules).
//
// Classes: fatal at once: producer negotiation failure, transport closed. Fatal when repeated
// beyond a threshold: encode failures, send errors, queue drops (sustained). A single encode
// failure, send miss or queue drop is transient. Pure logic (times are given), no events.
//
// Contract: OnEncodeFailure/OnSendError/OnFrameCaptured record the failure at `now` and return the
// FallbackReason when this very call crosses a threshold (then the caller falls back; the
// classifier keeps counting if called again, and would report again). Reset() empties the windows
// (a new run). Times must not decrease.
#pragma once

#include <optional>
#include <string_view>

#include "sfusim/clients/native/failure_window.h"
#include "sfusim/clients/native/fallback_reason.h"
#include "sfusim/clients/native/fallback_thresholds.h"
#include "sfusim/protocol/result.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

enum class FailureKind { kEncodeFailure, kSendError, kQueueDrop, kProducerNegotiation, kTransportClosed };
enum class FailureClass { kTransient, kFatal };

// Bounds on FallbackThresholds (ValidateThresholds).
inline constexpr int kMaxFallbackCountThreshold = 10'000;  // < kMaxFailureWindowEvents
inline constexpr sim::TimeDelta kMaxFallbackWindow = sim::TimeDelta::Seconds(60);

class FailureClassifier {
 public:
  explicit FailureClassifier(FallbackThresholds thresholds);

  // "invalid_argument" when a count is < 0 or > kMaxFallbackCountThreshold, a window/duration is
  // <= 0 or > kMaxFallbackWindow, or the fraction is outside [0, 1].
  static protocol::Status ValidateThresholds(const FallbackThresholds& thresholds);
  // The class of ONE occurrence of `kind`.
  static FailureClass Classify(FailureKind kind);
  // The reason for an at-once fatal failure (producer negotiation / transport closed).
  static FallbackReason Fatal(FailureKind kind, std::string_view detail);
  // "2 s", "1.5 s", "250 ms": how windows are written in reasons.
  static std::string FormatDuration(sim::TimeDelta d);

  std::optional<FallbackReason> OnEncodeFailure(sim::Timestamp now);
  std::optional<FallbackReason> OnSendError(sim::Timestamp now);
  // One capture tick; `dropped`: the tick dropped a frame before encode.
  std::optional<FallbackReason> OnFrameCaptured(sim::Timestamp now, bool dropped);
  void Reset();

  const FallbackThresholds& thresholds() const { return thresholds_; }
  std::size_t encode_failures_in_window(sim::Timestamp now) { return encode_failures_.Count(now); }
  std::size_t send_errors_in_window(sim::Timestamp now) { return send_errors_.Count(now); }
  // Since when the queue drop fraction has been above the threshold (none: it is not).
  std::optional<sim::Timestamp> queue_pressure_since() const { return queue_pressure_since_; }

 private:
  FallbackThresholds thresholds_;
  FailureWindow encode_failures_;
  FailureWindow send_errors_;
  FailureWindow captured_;
  FailureWindow dropped_;
  std::optional<sim::Timestamp> queue_pressure_since_;
};

}  // namespace sfusim::clients
