#include "sfusim/clients/request_retry.h"

#include <algorithm>

#include "sfusim/clients/reconnect_policy.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::clients {

namespace err = protocol::signaling_error;
using protocol::MediaAction;

RepeatPolicy RepeatPolicyOf(MediaAction action) {
  switch (action) {
    case MediaAction::kGetRouterRtpCapabilities:
    case MediaAction::kMediaResumeConsumer:
      return RepeatPolicy::kIdempotent;
    case MediaAction::kCreateWebRtcTransport:
    case MediaAction::kConnectWebRtcTransport:
    case MediaAction::kMediaProduce:
    case MediaAction::kMediaConsume:
    case MediaAction::kMediaCloseProducer:
    case MediaAction::kCreateNativeSenderSession:
      return RepeatPolicy::kRepeatAndReconcile;
    case MediaAction::kClientDiagnostic:
      return RepeatPolicy::kNeverRepeat;
  }
  return RepeatPolicy::kNeverRepeat;
}

sim::TimeDelta RetryDelay(int attempt) {
  // The reconnection backoff's formula (capped exponential), with the request retry's numbers.
  ReconnectPolicy p;
  p.initial_delay = kRequestRetryInitialDelay;
  p.multiplier = kRequestRetryMultiplier;
  p.max_delay = kRequestRetryMaxDelay;
  return BackoffDelay(p, std::max(attempt - 1, 1));
}

TimeoutPlan PlanAfterTimeout(MediaAction action, int attempts_sent) {
  if (RepeatPolicyOf(action) == RepeatPolicy::kNeverRepeat) return {};
  if (attempts_sent >= kMaxRequestAttempts) return {};
  return {true, RetryDelay(attempts_sent + 1)};
}

RepeatAnswer ClassifyRepeatError(MediaAction action, std::string_view code) {
  switch (action) {
    case MediaAction::kConnectWebRtcTransport:
      // The SFU's only invalid_value for parameters it accepted before: "already connected".
      return code == err::kInvalidValue ? RepeatAnswer::kAlreadyDone : RepeatAnswer::kAsAnswered;
    case MediaAction::kMediaCloseProducer:
      return code == err::kProducerNotFound ? RepeatAnswer::kAlreadyDone : RepeatAnswer::kAsAnswered;
    case MediaAction::kCreateWebRtcTransport:
      return code == err::kTransportExists ? RepeatAnswer::kExistsUnknownId : RepeatAnswer::kAsAnswered;
    case MediaAction::kMediaProduce:
      // producer_limit: the camera/screen exists; invalid_value: our SSRC is in use (by our producer).
      return code == err::kProducerLimit || code == err::kInvalidValue ? RepeatAnswer::kExistsUnknownId
                                                                       : RepeatAnswer::kAsAnswered;
    case MediaAction::kCreateNativeSenderSession:
      return code == err::kTransportExists || code == err::kProducerLimit ? RepeatAnswer::kExistsUnknownId
                                                                          : RepeatAnswer::kAsAnswered;
    default:
      return RepeatAnswer::kAsAnswered;
  }
}

bool NeedsCreatedId(const protocol::MediaSignalBody& body) {
  const auto* produce = std::get_if<protocol::MediaProduceRequest>(&body);
  return produce == nullptr || produce->source != protocol::MediaSource::kMicrophone;
}

std::optional<protocol::MediaSignalOutcome> AssumedSuccess(MediaAction action) {
  switch (action) {
    case MediaAction::kConnectWebRtcTransport: return protocol::ConnectWebRtcTransportResult{};
    case MediaAction::kMediaCloseProducer: return protocol::MediaCloseProducerResult{};
    case MediaAction::kMediaResumeConsumer: return protocol::MediaResumeConsumerResult{};
    default: return std::nullopt;
  }
}

}  // namespace sfusim::clients
