#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <vector>

#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/clients/video/video_constants.h"
#include "sfusim/clients/video/video_rtp_sender.h"
#include "sfusim/protocol/h264/h264_depacketizer.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"

using namespace sfusim::clients;
namespace protocol = sfusim::protocol;
namespace sim = sfusim::sim;

TEST_CASE("property: stamp round-trips for any frame number and stampable size", "[video_send][property]") {
  rc::prop("Read(Write(n)) == n", [] {
    const uint32_t n = *rc::gen::arbitrary<uint32_t>();
    const int w = 2 * *rc::gen::inRange(80, 640);   // 160..1278
    const int h = 2 * *rc::gen::inRange(32, 360);   // 64..718
    I420Frame f = I420Frame::Black(w, h);
    FrameStamp::Write(n, &f);
    const auto read = FrameStamp::Read(f);
    RC_ASSERT(read.has_value());
    RC_ASSERT(*read == n);
  });
}

TEST_CASE("property: a stamp never reads as another number after one cell flips", "[video_send][property]") {
  rc::prop("single cell flip -> nullopt", [] {
    const uint32_t n = *rc::gen::arbitrary<uint32_t>();
    const int cell = *rc::gen::inRange(0, FrameStamp::kStampColumns * FrameStamp::kStampRows);
    I420Frame f = I420Frame::Black(320, 180);
    FrameStamp::Write(n, &f);
    const int cx = (cell % FrameStamp::kStampColumns) * 16, cy = (cell / FrameStamp::kStampColumns) * 16;
    for (int y = cy; y < cy + 16; ++y) {
      for (int x = cx; x < cx + 16; ++x) {
        auto& s = f.y[static_cast<size_t>(y * 320 + x)];
        s = s == FrameStamp::kWhite ? FrameStamp::kBlack : FrameStamp::kWhite;
      }
    }
    RC_ASSERT(!FrameStamp::Read(f).has_value());
  });
}

TEST_CASE("property: VideoRtpSender output depacketizes to the input access unit", "[video_send][property]") {
  rc::prop("depacketize(SendFrame(au)) == au", [] {
    const auto sizes = *rc::gen::container<std::vector<int>>(*rc::gen::inRange(1, 8), rc::gen::inRange(2, 4000));
    const size_t max_payload = static_cast<size_t>(*rc::gen::inRange(100, 1400));
    EncodedVideoFrame frame;
    for (size_t i = 0; i < sizes.size(); ++i) {
      const uint8_t sc[] = {0, 0, 0, 1};
      frame.annex_b.insert(frame.annex_b.end(), sc, sc + 4);
      frame.annex_b.push_back(i == 0 ? 0x67 : 0x41);  // SPS first, then non-IDR slices
      for (int b = 1; b < sizes[i]; ++b) frame.annex_b.push_back(static_cast<uint8_t>(0x20 + (b * 13 + i) % 200));
    }
    sim::Scheduler scheduler;
    VideoRtpSenderConfig config;
    config.max_payload_bytes = max_payload;
    protocol::H264Depacketizer depacketizer;
    bool ok = true;
    VideoRtpSender sender(sim::Env{&scheduler, sim::Rng(*rc::gen::arbitrary<uint64_t>()), nullptr, nullptr}, config,
                          [&](std::vector<uint8_t> p) {
                            auto v = protocol::RtpPacketView::Parse(p);
                            ok = ok && v.ok() && v->payload().size() <= max_payload &&
                                 depacketizer.Insert(v->sequence_number(), v->timestamp(), v->marker(), v->payload()).ok();
                            return true;
                          });
    (void)sender.SendFrame(frame, sim::Timestamp::Millis(10));
    RC_ASSERT(ok);
    const auto frames = depacketizer.TakeFrames();
    RC_ASSERT(frames.size() == 1u);
    RC_ASSERT(frames[0].annex_b == frame.annex_b);
  });
}
