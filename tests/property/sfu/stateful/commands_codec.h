// Commands of the stateful model: the operator changes a channel's codec settings (PROTOCOL.md §2:
// opus_bitrate, opus_dtx, opus_fec) through the SFU's SetChannelCodec, the API a scenario's
// set_channel_codec uses. "Takes effect for the next join", precisely (model_state.h's Join):
// - The change itself sends nothing and changes no router: members keep their media, and
//   get_router_rtp_capabilities still answers the old settings.
// - The next join of a connection into the channel (a join or a switch; a member's repeated join
//   does not count) rebuilds the router when its settings differ from those in force: generation +1,
//   every transport, producer and consumer of the members already there vanishes without
//   producer_closed, and each of them gets media_router_reset(codec_changed, new generation). The
//   joiner gets its usual joined/presence. An empty channel's router is rebuilt the same way.
// - A worker restart builds the worker's routers with the settings in force; so does a restarted
//   SFU (the settings are configuration and survive it, as in the scenario runner).
// Known defect (mutant router-cache): the router is never rebuilt, so the capabilities after the
// next join, the generation and the members' media_router_reset give it away.
#pragma once

#include <string>
#include <vector>

#include "command_base.h"
#include "scenario_writer.h"

namespace sfusim::sfu::test::model {

// Bitrates a change picks from: the default, two common ones and both ends of the allowed range.
inline const std::vector<int64_t>& OpusBitrates() {
  static const std::vector<int64_t> rates = {protocol::kDefaultOpusBitrateBps, 24'000, 64'000,
                                             protocol::kOpusMinBitrateBps, protocol::kOpusMaxBitrateBps};
  return rates;
}

struct SetCodec : ModelCommand {
  std::string channel = GenChannel();
  OpusSettings opus = [] {
    OpusSettings o;
    o.bitrate_bps = *rc::gen::elementOf(OpusBitrates());
    o.dtx = *rc::gen::arbitrary<bool>();
    o.fec = !*rc::gen::arbitrary<bool>();  // shrinks towards the default (fec on)
    return o;
  }();
  void Step(Model& m, Expect&) const override {
    m.channel_opus[channel] = opus;
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect&, Sut& sut) const override {
    sut.w.sfu->SetChannelCodec(channel, opus);
    sut.channel_opus[channel] = opus;  // a restarted SFU is configured with it
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    w.Add(m0, {{"action", "set_channel_codec"},
               {"channel", channel},
               {"opus", {{"bitrate", opus.bitrate_bps}, {"dtx", opus.dtx}, {"fec", opus.fec}}}});
  }
  void show(std::ostream& os) const override { os << "SetCodec(" << channel << ", " << OpusLine(opus) << ")"; }
};

}  // namespace sfusim::sfu::test::model
