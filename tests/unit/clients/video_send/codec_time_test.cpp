#include <catch2/catch.hpp>

#include "sfusim/clients/video/codec_time.h"
#include "sfusim/clients/video/h264_encoder.h"
#include "sfusim/clients/video/synthetic_video_source.h"

using namespace sfusim::clients;

namespace {
constexpr auto kEncode = static_cast<size_t>(CodecCall::kH264Encode);
constexpr auto kSetup = static_cast<size_t>(CodecCall::kSetup);

std::vector<std::vector<uint8_t>> EncodeFew() {
  auto encoder = H264Encoder::Create(H264EncoderConfig{});
  REQUIRE(encoder.ok());
  const SyntheticVideoSource source(VideoContent::kCamera, 4);
  I420Frame frame;
  std::vector<std::vector<uint8_t>> out;
  for (uint32_t n = 0; n < 4; ++n) {
    source.Render(n, 640, 360, &frame);
    auto e = (*encoder)->Encode(frame, n, false);
    REQUIRE(e.ok());
    out.push_back(e->annex_b);
  }
  return out;
}

struct Disable {
  ~Disable() {
    CodecTime::Enable(false);
    CodecTime::Reset();
  }
};
}  // namespace

TEST_CASE("codec time: off by default, counts nothing", "[video_send][codec_time]") {
  Disable guard;
  CodecTime::Reset();
  REQUIRE_FALSE(CodecTime::enabled());
  (void)EncodeFew();
  CHECK(CodecTime::Totals().calls[kEncode] == 0);
  CHECK(CodecTime::Totals().total_cpu_ns() == 0);
}

TEST_CASE("codec time: on, counts every encode call and its CPU time; output unchanged", "[video_send][codec_time]") {
  Disable guard;
  CodecTime::Reset();
  const auto plain = EncodeFew();
  CodecTime::Enable(true);
  const auto timed = EncodeFew();
  CodecTime::Enable(false);
  CHECK(timed == plain);
  CHECK(CodecTime::Totals().calls[kEncode] == 4);
  CHECK(CodecTime::Totals().cpu_ns[kEncode] > 0);  // a 640x360 encode costs far more than a clock tick
  CHECK(CodecTime::Totals().calls[kSetup] >= 2);    // Init and destroy
  CHECK(CodecTime::Totals().total_cpu_ns() >= CodecTime::Totals().cpu_ns[kEncode]);
}

TEST_CASE("codec time: a nested scope records nothing of its own", "[video_send][codec_time]") {
  Disable guard;
  CodecTime::Reset();
  CodecTime::Enable(true);
  {
    CodecTime::Scope outer(CodecCall::kSetup);
    CodecTime::Scope inner(CodecCall::kOpusDecode);
  }
  CHECK(CodecTime::Totals().calls[kSetup] == 1);
  CHECK(CodecTime::Totals().calls[static_cast<size_t>(CodecCall::kOpusDecode)] == 0);
  {
    CodecTime::Scope again(CodecCall::kOpusDecode);  // the outer one closed: records again
  }
  CHECK(CodecTime::Totals().calls[static_cast<size_t>(CodecCall::kOpusDecode)] == 1);
}
