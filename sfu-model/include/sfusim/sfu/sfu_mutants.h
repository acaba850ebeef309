// SfuMutants: the known defects of PROTOCOL.md as switches (DESIGN.md "Mutants"). All off means the
// reference (correct) behaviour; each switch turns exactly one defect on:
//   consumer_leak        consumers stay in the map when their producer closes
//   transport_replace    a second transport for a direction silently replaces the first
//   producer_limit_race  the camera/screen limit is checked before an asynchronous step and the
//                        producer created after it, so two requests in flight both pass
//   router_cache         a channel's router is built once and never rebuilt on a codec change
//   no_worker_health     nothing notices a crashed worker
//   voice_echo           voice_user_speaking is also sent back to the speaker
// Defects a real SFU could plausibly have (not in PROTOCOL.md's list):
//   paused_forwarding    a paused consumer still forwards (its route is never paused)
//   no_keyframe_on_resume resuming a video consumer does not ask the producer for a key frame
//   pli_unthrottled      every PLI/FIR from a consumer reaches the producer (no minimum interval)
//   rate_limiter_no_reset the media_signal rate limiter's window never slides: after 80 events a
//                        connection is limited for good
#pragma once

namespace sfusim::sfu {

struct SfuMutants {
  bool consumer_leak = false;
  bool transport_replace = false;
  bool producer_limit_race = false;
  bool router_cache = false;
  bool no_worker_health = false;
  bool voice_echo = false;
  bool paused_forwarding = false;
  bool no_keyframe_on_resume = false;
  bool pli_unthrottled = false;
  bool rate_limiter_no_reset = false;

  bool operator==(const SfuMutants&) const = default;
};

}  // namespace sfusim::sfu
