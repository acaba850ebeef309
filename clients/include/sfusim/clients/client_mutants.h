// ClientMutants: defects a real client could plausibly have, as switches (DESIGN.md "Mutants").
// All off means the reference (correct) behaviour; each switch turns exactly one defect on:
//   fallback_never      the native sender never falls back, whatever its failures
//   ladder_wrong_order  the native sender's degradation ladder lowers bitrate first, then the
//                       resolution tier, then fps (PROTOCOL.md §3 says fps, tier, bitrate)
#pragma once

namespace sfusim::clients {

struct ClientMutants {
  bool fallback_never = false;
  bool ladder_wrong_order = false;

  bool operator==(const ClientMutants&) const = default;
};

}  // namespace sfusim::clients
