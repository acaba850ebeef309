// ClientMutants: defects a real client could plausibly have, as switches (DESIGN.md "Mutants").
// All off means the reference (correct) behaviour; each switch turns exactly one defect on:
//   fallback_never      the native sender never falls back, whatever its failures
//   ladder_wrong_order  the native sender's degradation ladder lowers bitrate first, then the
//                       resolution tier, then fps (PROTOCOL.md §3 says fps, tier, bitrate)
//   sticky_native_flag  a known defect of PROTOCOL.md §3: once native screen share was attempted,
//                       a sticky "native attempted" flag sends every later share to the browser
//                       path (no retry of native after a fallback)
//   nack_for_reorder    the video receiver's NackTracker NACKs a missing packet at once, without
//                       the reorder wait, so mere reordering causes NACKs (and spurious
//                       retransmissions)
//   backoff_no_cap      the reconnect backoff has no maximum delay (initial x multiplier^n grows
//                       without bound), so a long outage is followed by a long wait
#pragma once

namespace sfusim::clients {

struct ClientMutants {
  bool fallback_never = false;
  bool ladder_wrong_order = false;
  bool sticky_native_flag = false;
  bool nack_for_reorder = false;
  bool backoff_no_cap = false;

  bool operator==(const ClientMutants&) const = default;
};

}  // namespace sfusim::clients
