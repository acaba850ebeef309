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
// More known defects of PROTOCOL.md:
//   ssrc_prefix          the native sender's SSRC is the first 4 bytes of the connection id, not a
//                        hash of all of it, and is not made unique in the router ("u-10" and
//                        "u-100" collide)
//   unbounded_preferred_codecs create_native_sender_session accepts a preferred_codecs list of any
//                        length (the decoder's bound is bypassed) instead of refusing it
//   error_text_leak      an internal library error (a consume whose capabilities do not match) is
//                        sent to the client as the library's own text, named by its C++ function
//   membership_lost_on_restart a worker restart loses the voice membership of its channels (both
//                        maps) without telling the members: nobody gets media_router_reset
//   producer_owner_lookup_skip the batch of existing producers sent with a new recv transport looks
//                        each owner up among the channel's members starting one past the first (an
//                        off-by-one), so the first member's producers (lowest connection key: the
//                        earliest connected) are silently skipped
//   seq_not_rewritten    a consumer re-syncs its sequence/timestamp offset only when it is resumed,
//                        not when its producer's input stream restarts (a sender that rebuilt its
//                        packetizer starts a new random sequence on the same SSRC): the restart
//                        detection (a jump beyond kSequenceRestartThreshold) is missing, so the
//                        output jumps with the input (forward: a gap of thousands that receivers
//                        NACK or take for a new source; backward: numbers already sent, or nothing
//                        at all while the input stays below the last re-sync point)
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
  bool ssrc_prefix = false;
  bool unbounded_preferred_codecs = false;
  bool error_text_leak = false;
  bool membership_lost_on_restart = false;
  bool producer_owner_lookup_skip = false;
  bool seq_not_rewritten = false;

  bool operator==(const SfuMutants&) const = default;
};

}  // namespace sfusim::sfu
