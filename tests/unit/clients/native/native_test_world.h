// Shared by the native sender tests (unit and property): a fake VideoEncoder that produces
// structurally valid H.264 access units fast, a two-host SimNetwork ("desk" -> "sfu") with a fake
// SFU plain-transport socket that records RTP/RTCP and can answer with RTCP (comedia: to the
// address our first packet came from), and a recording listener.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/clients/native/native_sender.h"
#include "sfusim/clients/video/video_encoder.h"
#include "sfusim/protocol/h264/h264_depacketizer.h"
#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"
#include "sfusim/protocol/rtcp/rtcp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_network.h"
#include "sfusim/sim/trace.h"

namespace sfusim::clients::testing {

inline constexpr uint32_t kSfuIp = sim::MakeIpv4(10, 0, 0, 1);
inline constexpr uint32_t kDeskIp = sim::MakeIpv4(10, 0, 1, 1);
inline constexpr uint16_t kSfuPort = 40000;
inline constexpr uint32_t kTestSsrc = 0x1234abcd;
inline constexpr uint8_t kTestPt = 101;

// What the fake encoder saw; shared with the test (the sender owns the encoder).
struct FakeEncoderLog {
  std::vector<bool> force_key;        // per Encode call
  std::vector<uint32_t> frame_numbers;
  std::vector<int> widths;
  int set_resolution_calls = 0;
  int64_t last_bitrate = 0;
  int last_fps = 0;
  size_t bytes_per_frame = 0;         // 0: bitrate / fps / 8
};

class FakeVideoEncoder final : public VideoEncoder {
 public:
  explicit FakeVideoEncoder(std::shared_ptr<FakeEncoderLog> log) : log_(std::move(log)) {}
  protocol::Result<EncodedVideoFrame> Encode(const I420Frame& frame, uint32_t frame_number, bool force_key) override {
    log_->force_key.push_back(force_key);
    log_->frame_numbers.push_back(frame_number);
    log_->widths.push_back(frame.width);
    const bool key = force_key || first_;
    first_ = false;
    EncodedVideoFrame out;
    out.key_frame = key;
    out.width = frame.width;
    out.height = frame.height;
    out.frame_number = frame_number;
    size_t size = log_->bytes_per_frame;
    if (size == 0) size = static_cast<size_t>(std::max<int64_t>(log_->last_bitrate / std::max(log_->last_fps, 1) / 8, 200));
    if (key) size *= 3;
    auto nal = [&](uint8_t header, size_t n) {
      const uint8_t sc[] = {0, 0, 0, 1};
      out.annex_b.insert(out.annex_b.end(), sc, sc + 4);
      out.annex_b.push_back(header);
      for (size_t i = 0; i < n; ++i) out.annex_b.push_back(static_cast<uint8_t>(0x10 + (i + frame_number) % 0x60));
    };
    if (key) {
      nal(0x67, 10);  // SPS
      nal(0x68, 4);   // PPS
      nal(0x65, size);  // IDR slice
    } else {
      nal(0x41, size);  // non-IDR slice
    }
    return out;
  }
  protocol::Status SetRates(int64_t bitrate_bps, int fps) override {
    log_->last_bitrate = bitrate_bps;
    log_->last_fps = fps;
    return protocol::Ok{};
  }
  protocol::Status SetResolution(int, int) override {
    ++log_->set_resolution_calls;
    return protocol::Ok{};
  }

 private:
  std::shared_ptr<FakeEncoderLog> log_;
  bool first_ = true;
};

struct Event {
  sim::Timestamp at;
  std::string name;
  std::string reason;
};

struct RecordingListener : NativeSenderListener {
  explicit RecordingListener(sim::Scheduler* s) : scheduler(s) {}
  void OnNativeSenderEvent(std::string_view name, std::string_view reason) override {
    events.push_back(Event{scheduler->Now(), std::string(name), std::string(reason)});
  }
  int Count(std::string_view name) const {
    int n = 0;
    for (const auto& e : events) n += e.name == name ? 1 : 0;
    return n;
  }
  std::vector<Event> Named(std::string_view name) const {
    std::vector<Event> out;
    for (const auto& e : events) {
      if (e.name == name) out.push_back(e);
    }
    return out;
  }
  sim::Scheduler* scheduler;
  std::vector<Event> events;
};

struct RtpArrival {
  sim::Timestamp at;
  uint16_t seq = 0;
  uint32_t ssrc = 0;
  uint8_t pt = 0;
  uint32_t timestamp = 0;
  bool marker = false;
  std::vector<uint8_t> payload;
};

// The SFU end of the plain transport.
struct FakeSfuSocket : sim::DatagramSocket::Receiver {
  void OnDatagram(const sim::SocketAddress& from, std::span<const uint8_t> data) override {
    if (!latched) latched = from;
    if (data.size() >= 2 && data[1] >= 192 && data[1] <= 223) {
      auto c = protocol::rtcp::CompoundPacket::Parse(data);
      if (c.ok()) rtcp.push_back(std::move(c).value());
      else ++bad;
      return;
    }
    auto p = protocol::RtpPacketView::Parse(data);
    if (!p.ok()) {
      ++bad;
      return;
    }
    RtpArrival a;
    a.at = scheduler->Now();
    a.seq = p->sequence_number();
    a.ssrc = p->ssrc();
    a.pt = p->payload_type();
    a.timestamp = p->timestamp();
    a.marker = p->marker();
    a.payload.assign(p->payload().begin(), p->payload().end());
    rtp.push_back(std::move(a));
  }
  void SendRtcp(const protocol::rtcp::CompoundPacket& c) {
    auto bytes = c.Serialize();
    if (bytes.ok() && latched) socket->SendTo(*latched, bytes.value());
  }
  // Every frame the depacketizer assembles from what arrived so far.
  std::vector<protocol::H264Frame> Frames() const {
    protocol::H264Depacketizer d;
    for (const auto& a : rtp) (void)d.Insert(a.seq, a.timestamp, a.marker, a.payload);
    return d.TakeFrames();
  }
  sim::Scheduler* scheduler = nullptr;
  std::unique_ptr<sim::DatagramSocket> socket;
  std::optional<sim::SocketAddress> latched;
  std::vector<RtpArrival> rtp;
  std::vector<protocol::rtcp::CompoundPacket> rtcp;
  int bad = 0;
};

struct NativeWorld {
  explicit NativeWorld(uint64_t seed = 7) : net(&scheduler, &trace, seed), listener(&scheduler) {
    sfu = net.AddHost("sfu", kSfuIp);
    desk = net.AddHost("desk", kDeskIp);
    sim::LinkConfig link;
    link.delay = sim::TimeDelta::Millis(10);
    net.SetLink("desk", "sfu", link);
    net.SetLink("sfu", "desk", link);
    sfu_socket.scheduler = &scheduler;
    sfu_socket.socket = sfu->OpenDatagram(kSfuPort, &sfu_socket);
    log = std::make_shared<FakeEncoderLog>();
  }
  NativeSenderConfig Config() const {
    NativeSenderConfig c;
    c.ssrc = kTestSsrc;
    c.payload_type = kTestPt;
    c.rtp_target = sim::SocketAddress{kSfuIp, kSfuPort};
    c.source_seed = 42;
    c.render_source = false;  // the fake encoder ignores the pixels (NativeSender::Create tests render)
    return c;
  }
  std::unique_ptr<NativeSender> MakeSender(NativeSenderConfig c, NativeSenderListener* l = nullptr) {
    auto r = NativeSender::CreateWithEncoder(desk->MakeEnv("native"), std::move(c), l ? l : &listener,
                                             std::make_unique<FakeVideoEncoder>(log));
    if (!r.ok()) return nullptr;
    return std::move(r).value();
  }
  void RunUntilMs(int64_t ms) { scheduler.RunUntil(sim::Timestamp::Millis(ms)); }
  sim::Timestamp Now() const { return scheduler.Now(); }

  sim::Scheduler scheduler;
  sim::Trace trace;
  sim::SimNetwork net;
  sim::SimHost* sfu = nullptr;
  sim::SimHost* desk = nullptr;
  FakeSfuSocket sfu_socket;
  RecordingListener listener;
  std::shared_ptr<FakeEncoderLog> log;
};

}  // namespace sfusim::clients::testing
