#include "sfusim/scenario/mutant_names.h"

namespace sfusim::scenario {

bool ApplyMutant(std::string_view name, Mutants& m) {
  bool* sw = nullptr;
  if (name == "consumer-leak") sw = &m.sfu.consumer_leak;
  if (name == "transport-replace") sw = &m.sfu.transport_replace;
  if (name == "producer-limit-race") sw = &m.sfu.producer_limit_race;
  if (name == "router-cache") sw = &m.sfu.router_cache;
  if (name == "no-worker-health") sw = &m.sfu.no_worker_health;
  if (name == "voice-echo") sw = &m.sfu.voice_echo;
  if (name == "paused-forwarding") sw = &m.sfu.paused_forwarding;
  if (name == "no-keyframe-on-resume") sw = &m.sfu.no_keyframe_on_resume;
  if (name == "pli-unthrottled") sw = &m.sfu.pli_unthrottled;
  if (name == "rate-limiter-no-reset") sw = &m.sfu.rate_limiter_no_reset;
  if (name == "ssrc-prefix") sw = &m.sfu.ssrc_prefix;
  if (name == "unbounded-preferred-codecs") sw = &m.sfu.unbounded_preferred_codecs;
  if (name == "error-text-leak") sw = &m.sfu.error_text_leak;
  if (name == "membership-lost-on-restart") sw = &m.sfu.membership_lost_on_restart;
  if (name == "producer-owner-lookup-skip") sw = &m.sfu.producer_owner_lookup_skip;
  if (name == "seq-not-rewritten") sw = &m.sfu.seq_not_rewritten;
  if (name == "fallback-never") sw = &m.client.fallback_never;
  if (name == "ladder-wrong-order") sw = &m.client.ladder_wrong_order;
  if (name == "sticky-native-flag") sw = &m.client.sticky_native_flag;
  if (name == "nack-for-reorder") sw = &m.client.nack_for_reorder;
  if (name == "backoff-no-cap") sw = &m.client.backoff_no_cap;
  if (sw == nullptr) return false;
  *sw = true;
  return true;
}

}  // namespace sfusim::scenario
