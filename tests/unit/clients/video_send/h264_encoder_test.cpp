#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/h264_encoder.h"
#include "sfusim/clients/video/psnr.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/protocol/h264/annex_b_parser.h"
#include "sfusim/protocol/h264/h264_constants.h"
#include "test_h264_decode.h"

using namespace sfusim::clients;
namespace protocol = sfusim::protocol;

namespace {

// NAL unit types of an Annex-B access unit, in order (a minimal start-code scan).
std::vector<uint8_t> NalTypes(const std::vector<uint8_t>& au) {
  std::vector<uint8_t> types;
  for (size_t i = 0; i + 3 < au.size(); ++i) {
    if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
      types.push_back(au[i + 3] & 0x1F);
      i += 2;
    }
  }
  return types;
}

bool Has(const std::vector<uint8_t>& v, uint8_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::unique_ptr<H264Encoder> MakeEncoder(int w, int h, int64_t bps, VideoContent content = VideoContent::kCamera,
                                         int fps = 30) {
  H264EncoderConfig c;
  c.width = w;
  c.height = h;
  c.bitrate_bps = bps;
  c.fps = fps;
  c.content = content;
  auto e = H264Encoder::Create(c);
  REQUIRE(e.ok());
  return std::move(e).value();
}

struct StampRun {
  int frames = 0, decoded = 0, read = 0, misread = 0;
  double min_psnr = 1000, sum_psnr = 0;
  size_t bytes = 0;
};

// Encodes `frames` frames, decodes them, reads the stamp of each decoded picture.
StampRun EncodeDecode(int w, int h, int64_t bps, VideoContent content, int frames) {
  auto enc = MakeEncoder(w, h, bps, content);
  test::TestH264Decoder dec;
  REQUIRE(dec.ok());
  const SyntheticVideoSource source(content, 99);
  StampRun run;
  I420Frame f;
  for (int n = 0; n < frames; ++n) {
    source.Render(static_cast<uint32_t>(n), w, h, &f);
    auto e = enc->Encode(f, static_cast<uint32_t>(n), false);
    REQUIRE(e.ok());
    ++run.frames;
    run.bytes += e->annex_b.size();
    auto d = dec.Decode(e->annex_b);
    if (!d) continue;
    ++run.decoded;
    const double p = PsnrY(*d, f);
    run.min_psnr = std::min(run.min_psnr, p);
    run.sum_psnr += p;
    const auto stamp = FrameStamp::Read(*d);
    if (stamp) {
      ++run.read;
      if (*stamp != static_cast<uint32_t>(n)) ++run.misread;
    }
  }
  return run;
}

}  // namespace

TEST_CASE("h264 encoder: the first frame is an IDR with SPS and PPS, then P frames", "[video_send][h264]") {
  auto enc = MakeEncoder(320, 180, 300'000);
  const SyntheticVideoSource source(VideoContent::kCamera, 1);
  I420Frame f;
  for (uint32_t n = 0; n < 10; ++n) {
    source.Render(n, 320, 180, &f);
    auto e = enc->Encode(f, n, false);
    REQUIRE(e.ok());
    REQUIRE_FALSE(e->annex_b.empty());  // frame skipping is off
    CHECK(e->frame_number == n);
    CHECK(e->width == 320);
    CHECK(e->height == 180);
    // Annex-B with 4-byte start codes.
    REQUIRE(e->annex_b.size() > 4);
    CHECK(e->annex_b[0] == 0);
    CHECK(e->annex_b[1] == 0);
    CHECK(e->annex_b[2] == 0);
    CHECK(e->annex_b[3] == 1);
    const auto types = NalTypes(e->annex_b);
    if (n == 0) {
      CHECK(e->key_frame);
      CHECK(Has(types, protocol::kH264NalSps));
      CHECK(Has(types, protocol::kH264NalPps));
      CHECK(Has(types, protocol::kH264NalIdr));
    } else {
      CHECK_FALSE(e->key_frame);
      CHECK_FALSE(Has(types, protocol::kH264NalIdr));
      CHECK_FALSE(Has(types, protocol::kH264NalSps));
      CHECK(Has(types, protocol::kH264NalSlice));
    }
  }
}

TEST_CASE("h264 encoder: SPS is constrained baseline", "[video_send][h264]") {
  auto enc = MakeEncoder(640, 360, 700'000);
  I420Frame f;
  SyntheticVideoSource(VideoContent::kCamera, 1).Render(0, 640, 360, &f);
  auto e = enc->Encode(f, 0, false);
  REQUIRE(e.ok());
  const auto& au = e->annex_b;
  // Find the SPS: header byte, then profile_idc, constraint flags, level_idc.
  bool found = false;
  for (size_t i = 0; i + 7 < au.size(); ++i) {
    if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1 && (au[i + 3] & 0x1F) == protocol::kH264NalSps) {
      found = true;
      CHECK(au[i + 4] == 66);             // profile_idc baseline
      CHECK((au[i + 5] & 0x40) != 0);     // constraint_set1_flag: constrained baseline
      CHECK(au[i + 6] <= 31);             // level <= 3.1 at 640x360
      break;
    }
  }
  CHECK(found);
}

TEST_CASE("h264 encoder: a forced key frame is an IDR with SPS/PPS", "[video_send][h264]") {
  auto enc = MakeEncoder(320, 180, 300'000);
  const SyntheticVideoSource source(VideoContent::kCamera, 1);
  I420Frame f;
  int keys = 0;
  for (uint32_t n = 0; n < 30; ++n) {
    source.Render(n, 320, 180, &f);
    const bool force = n == 10 || n == 25;
    auto e = enc->Encode(f, n, force);
    REQUIRE(e.ok());
    const auto types = NalTypes(e->annex_b);
    INFO("frame " << n);
    CHECK(e->key_frame == (n == 0 || force));
    CHECK(Has(types, protocol::kH264NalIdr) == e->key_frame);
    CHECK(Has(types, protocol::kH264NalSps) == e->key_frame);
    keys += e->key_frame ? 1 : 0;
  }
  CHECK(keys == 3);
}

TEST_CASE("h264 encoder: periodic key frames when configured", "[video_send][h264]") {
  H264EncoderConfig c;
  c.width = 320;
  c.height = 180;
  c.fps = 10;
  c.bitrate_bps = 200'000;
  c.key_frame_interval_s = 1;
  auto enc = H264Encoder::Create(c);
  REQUIRE(enc.ok());
  const SyntheticVideoSource source(VideoContent::kCamera, 1);
  I420Frame f;
  std::vector<uint32_t> keys;
  for (uint32_t n = 0; n < 35; ++n) {
    source.Render(n, 320, 180, &f);
    auto e = (*enc)->Encode(f, n, false);
    REQUIRE(e.ok());
    if (e->key_frame) keys.push_back(n);
  }
  CHECK(keys == std::vector<uint32_t>{0, 10, 20, 30});
}

TEST_CASE("h264 encoder: the bitrate roughly follows the target and SetRates", "[video_send][h264]") {
  // 640x360@30, 700 kbps, 3 s of camera: within +-40 %.
  auto enc = MakeEncoder(640, 360, 700'000);
  const SyntheticVideoSource source(VideoContent::kCamera, 5);
  I420Frame f;
  size_t bytes = 0;
  uint32_t n = 0;
  for (; n < 90; ++n) {
    source.Render(n, 640, 360, &f);
    auto e = enc->Encode(f, n, false);
    REQUIRE(e.ok());
    bytes += e->annex_b.size();
  }
  const double kbps = static_cast<double>(bytes) * 8.0 / 3.0 / 1000.0;
  INFO("700 kbps target: " << kbps << " kbps");
  CHECK(kbps > 700 * 0.6);
  CHECK(kbps < 700 * 1.4);
  // Down to 250 kbps: the next 3 s follow (after a 1 s settling period).
  REQUIRE(enc->SetRates(250'000, 30).ok());
  for (uint32_t end = n + 30; n < end; ++n) {
    source.Render(n, 640, 360, &f);
    REQUIRE(enc->Encode(f, n, false).ok());
  }
  bytes = 0;
  for (uint32_t end = n + 90; n < end; ++n) {
    source.Render(n, 640, 360, &f);
    auto e = enc->Encode(f, n, false);
    REQUIRE(e.ok());
    bytes += e->annex_b.size();
  }
  const double low_kbps = static_cast<double>(bytes) * 8.0 / 3.0 / 1000.0;
  INFO("250 kbps target: " << low_kbps << " kbps");
  CHECK(low_kbps > 250 * 0.6);
  CHECK(low_kbps < 250 * 1.4);
  CHECK(enc->config().bitrate_bps == 250'000);
}

TEST_CASE("h264 encoder: SetResolution changes the coded size at the next frame", "[video_send][h264]") {
  auto enc = MakeEncoder(640, 360, 500'000);
  test::TestH264Decoder dec;
  REQUIRE(dec.ok());
  const SyntheticVideoSource source(VideoContent::kCamera, 5);
  I420Frame f;
  for (uint32_t n = 0; n < 3; ++n) {
    source.Render(n, 640, 360, &f);
    auto e = enc->Encode(f, n, false);
    REQUIRE(e.ok());
    auto d = dec.Decode(e->annex_b);
    REQUIRE(d.has_value());
    CHECK(d->width == 640);
  }
  REQUIRE(enc->SetResolution(320, 180).ok());
  // A picture of the old size is now refused.
  auto wrong = enc->Encode(f, 3, false);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == "invalid_argument");
  source.Render(3, 320, 180, &f);
  auto e = enc->Encode(f, 3, false);
  REQUIRE(e.ok());
  CHECK(e->key_frame);
  CHECK(e->width == 320);
  auto d = dec.Decode(e->annex_b);
  REQUIRE(d.has_value());
  CHECK(d->width == 320);
  CHECK(d->height == 180);
  CHECK(FrameStamp::Read(*d) == std::optional<uint32_t>(3));
}

TEST_CASE("h264 encoder: bad configuration and input give stable errors", "[video_send][h264]") {
  H264EncoderConfig c;
  c.width = 641;
  CHECK(H264Encoder::Create(c).error().code == "invalid_argument");
  c = {};
  c.fps = 0;
  CHECK(H264Encoder::Create(c).error().code == "invalid_argument");
  c = {};
  c.bitrate_bps = 1;
  CHECK(H264Encoder::Create(c).error().code == "invalid_argument");
  c = {};
  c.key_frame_interval_s = -1;
  CHECK(H264Encoder::Create(c).error().code == "invalid_argument");
  auto enc = MakeEncoder(320, 180, 300'000);
  CHECK(enc->SetRates(0, 30).error().code == "invalid_argument");
  CHECK(enc->SetRates(300'000, 1000).error().code == "invalid_argument");
  CHECK(enc->SetResolution(0, 0).error().code == "invalid_argument");
  CHECK(enc->config().width == 320);  // unchanged after a refused call
  I420Frame broken = I420Frame::Black(320, 180);
  broken.v.clear();
  CHECK(enc->Encode(broken, 0, false).error().code == "invalid_argument");
  CHECK(enc->Encode(I420Frame::Black(640, 360), 0, false).error().code == "invalid_argument");
  // 60 fps is accepted (up to kVideoMaxFps) and encodes.
  REQUIRE(enc->SetRates(300'000, 60).ok());
  REQUIRE(enc->Encode(I420Frame::Black(320, 180), 0, false).ok());
  REQUIRE(enc->SetRates(300'000, 30).ok());
  // Still usable after the refusals.
  auto ok = enc->Encode(I420Frame::Black(320, 180), 1, true);
  REQUIRE(ok.ok());
  CHECK(ok->key_frame);
}

TEST_CASE("h264 encoder + stamp: frame numbers read after low-bitrate coding", "[video_send][h264][stamp]") {
  struct Case {
    int w, h;
    int64_t bps;
    VideoContent content;
  };
  const Case cases[] = {
      {320, 180, 100'000, VideoContent::kCamera},
      {640, 360, 300'000, VideoContent::kCamera},
      {640, 360, 300'000, VideoContent::kScreen},
      {1280, 720, 1'000'000, VideoContent::kScreen},
  };
  for (const Case& c : cases) {
    const StampRun run = EncodeDecode(c.w, c.h, c.bps, c.content, 45);
    INFO(c.w << "x" << c.h << " @" << c.bps << " content " << static_cast<int>(c.content) << ": decoded "
              << run.decoded << " read " << run.read << " mean PSNR " << run.sum_psnr / std::max(1, run.decoded)
              << " min " << run.min_psnr);
    CHECK(run.decoded == run.frames);
    CHECK(run.misread == 0);
    CHECK(run.read == run.decoded);
  }
}
