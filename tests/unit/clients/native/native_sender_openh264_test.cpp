// NativeSender with the real OpenH264 encoder (NativeSender::Create): the SFU end receives RTP
// that depacketizes into H.264 access units: an IDR with SPS/PPS first, then P frames, a new IDR
// after a PLI; V2's H264Decoder decodes every one of them, the stamped frame numbers increase and
// the pictures match the synthetic source (PSNR).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "native_test_world.h"
#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/h264_decoder.h"
#include "sfusim/clients/video/psnr.h"
#include "sfusim/clients/video/synthetic_video_source.h"

using namespace sfusim;
using namespace sfusim::clients;
using namespace sfusim::clients::testing;

namespace {

// NAL unit types (low 5 bits of the header byte) of an Annex-B access unit.
std::set<int> NalTypes(const std::vector<uint8_t>& au) {
  std::set<int> types;
  for (size_t i = 0; i + 4 < au.size(); ++i) {
    if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) types.insert(au[i + 3] & 0x1F);
  }
  return types;
}

}  // namespace

TEST_CASE("NativeSender with OpenH264: screen content at 720p arrives as H.264 access units") {
  NativeWorld w;
  NativeSenderConfig cfg = w.Config();
  cfg.tier = "720p";
  cfg.render_source = true;
  cfg.fps = 15;
  cfg.bitrate_bps = 1'500'000;
  auto created = NativeSender::Create(w.desk->MakeEnv("native"), cfg, &w.listener);
  REQUIRE(created.ok());
  auto sender = std::move(created).value();
  sender->Start();
  w.RunUntilMs(700);
  protocol::rtcp::CompoundPacket pli;
  pli.packets.push_back(protocol::rtcp::Pli{1, kTestSsrc});
  w.sfu_socket.SendRtcp(pli);
  w.RunUntilMs(1000);
  sender->Stop("done");

  const auto frames = w.sfu_socket.Frames();
  REQUIRE(frames.size() >= 14);
  CHECK(frames.front().key_frame);
  const auto first = NalTypes(frames.front().annex_b);
  CHECK(first.count(7) == 1);  // SPS
  CHECK(first.count(8) == 1);  // PPS
  CHECK(first.count(5) == 1);  // IDR slice
  CHECK(NalTypes(frames[1].annex_b).count(1) == 1);  // a P slice
  CHECK(std::count_if(frames.begin(), frames.end(), [](const auto& f) { return f.key_frame; }) == 2);
  CHECK(sender->counters().key_frames == 2);
  CHECK(sender->counters().encode_failures == 0);
  CHECK(w.listener.Count("sender_stopped") == 1);
  // The key frame is large (many FU-A packets), a static screen's P frames small.
  CHECK(frames.front().annex_b.size() > frames[3].annex_b.size());

  auto decoder = H264Decoder::Create();
  REQUIRE(decoder.ok());
  const SyntheticVideoSource source(VideoContent::kScreen, cfg.source_seed);
  std::optional<uint32_t> last;
  int decoded = 0;
  for (const auto& f : frames) {
    auto picture = decoder.value()->Decode(f.annex_b);
    REQUIRE(picture.ok());
    if (!picture.value()) continue;
    ++decoded;
    const I420Frame& got = *picture.value();
    CHECK(got.width == 1280);
    CHECK(got.height == 720);
    const auto n = FrameStamp::Read(got);
    REQUIRE(n);
    if (last) CHECK(*n > *last);
    last = n;
    I420Frame expected;
    source.Render(*n, 1280, 720, &expected);
    CHECK(PsnrY(got, expected) > 30.0);
  }
  CHECK(decoded >= 13);
}
