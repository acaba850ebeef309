#include "sfusim/clients/native/failure_classifier.h"

#include <cstdio>
#include <string>

namespace sfusim::clients {

namespace {

std::string FormatFraction(double f) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3g", f);
  return buf;
}

}  // namespace

FailureClassifier::FailureClassifier(FallbackThresholds thresholds)
    : thresholds_(thresholds),
      encode_failures_(thresholds.window),
      send_errors_(thresholds.window),
      captured_(thresholds.window),
      dropped_(thresholds.window) {}

protocol::Status FailureClassifier::ValidateThresholds(const FallbackThresholds& t) {
  auto bad = [](std::string what) { return protocol::MakeError("invalid_argument", "thresholds." + what); };
  if (t.encode_failures < 0 || t.encode_failures > kMaxFallbackCountThreshold) return bad("encode_failures out of range");
  if (t.send_errors < 0 || t.send_errors > kMaxFallbackCountThreshold) return bad("send_errors out of range");
  if (t.window <= sim::TimeDelta::Zero() || t.window > kMaxFallbackWindow) return bad("window out of range");
  if (!(t.queue_drop_fraction >= 0.0 && t.queue_drop_fraction <= 1.0)) return bad("queue_drop_fraction out of [0, 1]");
  if (t.queue_pressure_for <= sim::TimeDelta::Zero() || t.queue_pressure_for > kMaxFallbackWindow) {
    return bad("queue_pressure_for out of range");
  }
  return protocol::Ok{};
}

FailureClass FailureClassifier::Classify(FailureKind kind) {
  switch (kind) {
    case FailureKind::kProducerNegotiation:
    case FailureKind::kTransportClosed:
      return FailureClass::kFatal;
    case FailureKind::kEncodeFailure:
    case FailureKind::kSendError:
    case FailureKind::kQueueDrop:
      return FailureClass::kTransient;
  }
  return FailureClass::kFatal;
}

FallbackReason FailureClassifier::Fatal(FailureKind kind, std::string_view detail) {
  FallbackReason r;
  r.count = 1;
  switch (kind) {
    case FailureKind::kProducerNegotiation: r.rule = kFallbackRuleProducerFailed; break;
    case FailureKind::kTransportClosed: r.rule = kFallbackRuleTransportClosed; break;
    case FailureKind::kEncodeFailure: r.rule = kFallbackRuleEncodeFailures; break;
    case FailureKind::kSendError: r.rule = kFallbackRuleSendErrors; break;
    case FailureKind::kQueueDrop: r.rule = kFallbackRuleQueueDrops; break;
  }
  r.text = r.rule;
  r.text += ": ";
  r.text += detail.empty() ? std::string_view("fatal") : detail;
  return r;
}

std::string FailureClassifier::FormatDuration(sim::TimeDelta d) {
  const int64_t us = d.us();
  if (us % 1'000'000 == 0) return std::to_string(us / 1'000'000) + " s";
  if (us >= 1'000'000 && us % 1000 == 0) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3g s", static_cast<double>(us) / 1e6);
    return buf;
  }
  if (us % 1000 == 0) return std::to_string(us / 1000) + " ms";
  return std::to_string(us) + " us";
}

std::optional<FallbackReason> FailureClassifier::OnEncodeFailure(sim::Timestamp now) {
  const std::size_t n = encode_failures_.Add(now);
  if (static_cast<int64_t>(n) <= thresholds_.encode_failures) return std::nullopt;
  FallbackReason r;
  r.rule = kFallbackRuleEncodeFailures;
  r.count = static_cast<int64_t>(n);
  r.window = thresholds_.window;
  r.text = r.rule + ": " + std::to_string(n) + " in " + FormatDuration(thresholds_.window) + " > " +
           std::to_string(thresholds_.encode_failures);
  return r;
}

std::optional<FallbackReason> FailureClassifier::OnSendError(sim::Timestamp now) {
  const std::size_t n = send_errors_.Add(now);
  if (static_cast<int64_t>(n) <= thresholds_.send_errors) return std::nullopt;
  FallbackReason r;
  r.rule = kFallbackRuleSendErrors;
  r.count = static_cast<int64_t>(n);
  r.window = thresholds_.window;
  r.text = r.rule + ": " + std::to_string(n) + " in " + FormatDuration(thresholds_.window) + " > " +
           std::to_string(thresholds_.send_errors);
  return r;
}

std::optional<FallbackReason> FailureClassifier::OnFrameCaptured(sim::Timestamp now, bool dropped) {
  const std::size_t captured = captured_.Add(now);
  const std::size_t drops = dropped ? dropped_.Add(now) : dropped_.Count(now);
  // drops / captured > fraction, in integers-safe form (captured >= 1 here).
  const bool above = static_cast<double>(drops) > thresholds_.queue_drop_fraction * static_cast<double>(captured);
  if (!above) {
    queue_pressure_since_.reset();
    return std::nullopt;
  }
  if (!queue_pressure_since_) queue_pressure_since_ = now;
  if (now - *queue_pressure_since_ < thresholds_.queue_pressure_for) return std::nullopt;
  FallbackReason r;
  r.rule = kFallbackRuleQueueDrops;
  r.count = static_cast<int64_t>(drops);
  r.window = thresholds_.window;
  r.text = r.rule + ": " + std::to_string(drops) + "/" + std::to_string(captured) + " in " +
           FormatDuration(thresholds_.window) + " > " + FormatFraction(thresholds_.queue_drop_fraction) + " for " +
           FormatDuration(thresholds_.queue_pressure_for);
  return r;
}

void FailureClassifier::Reset() {
  encode_failures_.Clear();
  send_errors_.Clear();
  captured_.Clear();
  dropped_.Clear();
  queue_pressure_since_.reset();
}

}  // namespace sfusim::clients
