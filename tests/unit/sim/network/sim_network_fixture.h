// Shared by the network unit tests: a small world (scheduler, trace, network with hosts a, b, c)
// and recording receivers/listeners.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_network.h"
#include "sfusim/sim/trace.h"

namespace sfusim::sim::testing {

constexpr uint32_t kIpA = MakeIpv4(10, 0, 0, 1);
constexpr uint32_t kIpB = MakeIpv4(10, 0, 0, 2);
constexpr uint32_t kIpC = MakeIpv4(10, 0, 0, 3);

inline LinkConfig Delay(int64_t ms) {
  LinkConfig c;
  c.delay = TimeDelta::Millis(ms);
  return c;
}

struct World {
  explicit World(uint64_t seed = 1) : net(&scheduler, &trace, seed) {
    a = net.AddHost("a", kIpA);
    b = net.AddHost("b", kIpB);
    c = net.AddHost("c", kIpC);
  }
  // a <-> b with the given one-way delays.
  void Join(SimHost* x, SimHost* y, int64_t ms_xy, int64_t ms_yx) {
    net.SetLink(x->name(), y->name(), Delay(ms_xy));
    net.SetLink(y->name(), x->name(), Delay(ms_yx));
  }
  void RunUntil(int64_t ms) { scheduler.RunUntil(Timestamp::Millis(ms)); }
  // Every record of the trace, described ("t=0.020000 s deliver a->b size=3 ...").
  std::vector<std::string> Records() const {
    std::vector<std::string> out;
    for (const TraceRecord& r : trace.records()) out.push_back(trace.Describe(r));
    return out;
  }
  bool HasRecord(TraceKind kind, const std::string& subject, DropReason reason = DropReason::kNone) const {
    for (const TraceRecord& r : trace.records()) {
      if (r.kind == kind && trace.Name(r.subject) == subject && r.reason == reason) return true;
    }
    return false;
  }
  bool HasText(TraceKind kind, const std::string& text) const {
    for (const TraceRecord& r : trace.records()) {
      if (r.kind == kind && trace.Describe(r).find(text) != std::string::npos) return true;
    }
    return false;
  }

  Scheduler scheduler;
  Trace trace;
  SimNetwork net;
  SimHost* a = nullptr;
  SimHost* b = nullptr;
  SimHost* c = nullptr;
};

struct Received {
  Timestamp at;
  SocketAddress from;
  std::vector<uint8_t> data;
};

struct RecordingReceiver : DatagramSocket::Receiver {
  explicit RecordingReceiver(Scheduler* s) : scheduler(s) {}
  void OnDatagram(const SocketAddress& from, std::span<const uint8_t> data) override {
    got.push_back(Received{scheduler->Now(), from, std::vector<uint8_t>(data.begin(), data.end())});
  }
  Scheduler* scheduler;
  std::vector<Received> got;
};

struct StreamEvent {
  Timestamp at;
  std::string what;  // "msg:<text>" or "closed:<reason>"
};

struct RecordingListener : MessageStream::Listener {
  explicit RecordingListener(Scheduler* s) : scheduler(s) {}
  void OnMessage(std::string_view m) override { events.push_back({scheduler->Now(), "msg:" + std::string(m)}); }
  void OnClosed(std::string_view r) override { events.push_back({scheduler->Now(), "closed:" + std::string(r)}); }
  std::vector<std::string> Whats() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.what);
    return out;
  }
  Scheduler* scheduler;
  std::vector<StreamEvent> events;
};

// Accepts streams and keeps them, each with its own recording listener.
struct Server : StreamAcceptor {
  explicit Server(Scheduler* s) : scheduler(s) {}
  void OnAccept(std::unique_ptr<MessageStream> stream) override {
    accepted_at.push_back(scheduler->Now());
    listeners.push_back(std::make_unique<RecordingListener>(scheduler));
    stream->SetListener(listeners.back().get());
    streams.push_back(std::move(stream));
  }
  Scheduler* scheduler;
  std::vector<Timestamp> accepted_at;
  std::vector<std::unique_ptr<MessageStream>> streams;
  std::vector<std::unique_ptr<RecordingListener>> listeners;
};

// The result of one Connect.
struct Client {
  explicit Client(Scheduler* s) : scheduler(s), listener(s) {}
  Net::ConnectCallback Callback() {
    return [this](std::unique_ptr<MessageStream> s, std::string_view e) {
      done = true;
      done_at = scheduler->Now();
      error = std::string(e);
      stream = std::move(s);
      if (stream) stream->SetListener(&listener);
    };
  }
  Scheduler* scheduler;
  RecordingListener listener;
  bool done = false;
  Timestamp done_at;
  std::string error;
  std::unique_ptr<MessageStream> stream;
};

inline std::vector<uint8_t> Bytes(std::initializer_list<uint8_t> b) { return std::vector<uint8_t>(b); }

}  // namespace sfusim::sim::testing
