// NativeSender lifecycle under random call sequences (Start, Stop, Dispose, faults, fatal
// failures, time passing): never crashes, only valid states are visible, events are balanced
// (every sender_started is followed by exactly one sender_stopped or fallback_triggered before the
// next start), nothing is emitted after Dispose, and RTP reaches the SFU only while running.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "../../../unit/clients/native/native_test_world.h"

using namespace sfusim;
using namespace sfusim::clients;
using namespace sfusim::clients::testing;

namespace {

enum Op : int {
  kStart,
  kStop,
  kDispose,
  kRun,
  kFaultEncode,
  kFaultSlow,
  kFaultSend,
  kTransportClosed,
  kProducerFailed,
  kKeyFrame,
  kBitrate,
  kRecreate,
  kOpCount
};

bool Visible(NativeSenderState s) {
  return s == NativeSenderState::kIdle || s == NativeSenderState::kRunning || s == NativeSenderState::kStopped ||
         s == NativeSenderState::kFallenBack || s == NativeSenderState::kDisposed;
}

}  // namespace

TEST_CASE("NativeSender lifecycle property") {
  rc::prop("random call sequences keep the state machine and the events consistent", [] {
    const auto ops = *rc::gen::resize(
        25, rc::gen::container<std::vector<std::pair<int, int>>>(
                rc::gen::pair(rc::gen::inRange(0, static_cast<int>(kOpCount)), rc::gen::inRange(0, 400))));
    NativeWorld w(*rc::gen::inRange<uint64_t>(1, 1000));
    w.log->bytes_per_frame = 400;
    NativeSenderConfig cfg = w.Config();
    cfg.thresholds.encode_failures = *rc::gen::inRange(0, 6);
    cfg.thresholds.send_errors = *rc::gen::inRange(0, 25);
    auto sender = w.MakeSender(cfg);
    RC_ASSERT(sender != nullptr);

    bool open = false;        // a sender_started awaits its end
    bool disposed = false;
    size_t seen = 0;
    // Running intervals of the current sender, for the "RTP only while running" check.
    std::vector<std::pair<sim::Timestamp, sim::Timestamp>> running;
    auto check = [&] {
      for (; seen < w.listener.events.size(); ++seen) {
        const Event& e = w.listener.events[seen];
        RC_ASSERT(!disposed || e.name == "sender_stopped");  // only Dispose's own stop
        if (e.name == "sender_started") {
          RC_ASSERT(!open);
          open = true;
          running.emplace_back(e.at, sim::Timestamp::PlusInfinity());
        } else if (e.name == "sender_stopped" || e.name == "fallback_triggered") {
          RC_ASSERT(open);
          open = false;
          running.back().second = e.at;
          if (e.name == "fallback_triggered") RC_ASSERT(!e.reason.empty());
        }
      }
      const NativeSenderStatus st = sender->status();
      RC_ASSERT(Visible(st.state));
      RC_ASSERT((st.state == NativeSenderState::kRunning) == open);
      RC_ASSERT(st.transport_connected == open);
      if (disposed) RC_ASSERT(st.state == NativeSenderState::kDisposed);
      if (st.state == NativeSenderState::kFallenBack) RC_ASSERT(!st.last_fallback_reason.empty());
      RC_ASSERT(st.degradation_level >= 0);
      RC_ASSERT(st.fps >= kDefaultLadderMinFps);
    };

    for (const auto& [op, arg] : ops) {
      const sim::Timestamp until = w.Now() + sim::TimeDelta::Millis(arg);
      switch (op) {
        case kStart: sender->Start(); break;
        case kStop: sender->Stop("user"); break;
        case kDispose:
          sender->Dispose();
          disposed = true;
          break;
        case kRun: w.scheduler.RunUntil(until); break;
        case kFaultEncode: sender->SetFault(NativeFault::kEncodeError, until); break;
        case kFaultSlow: sender->SetFault(NativeFault::kSlowEncode, until); break;
        case kFaultSend: sender->SetFault(NativeFault::kSendError, until); break;
        case kTransportClosed: sender->OnTransportClosed("closed"); break;
        case kProducerFailed: sender->OnProducerFailed("rejected"); break;
        case kKeyFrame: sender->RequestKeyFrame(); break;
        case kBitrate: sender->SetTargetBitrate(int64_t{arg} * 10'000); break;
        case kRecreate:
          // The client's way: Dispose, destroy, make a new one (no sticky state anywhere).
          sender->Dispose();
          check();
          sender = w.MakeSender(cfg);
          RC_ASSERT(sender != nullptr);
          disposed = false;
          break;
        default: break;
      }
      check();
    }
    sender->Dispose();
    disposed = true;
    check();
    w.scheduler.RunFor(sim::TimeDelta::Millis(100));
    check();
    RC_ASSERT(w.scheduler.pending() == 0u);
    // Every RTP packet left while its sender ran (10 ms link, no jitter).
    for (const auto& a : w.sfu_socket.rtp) {
      bool inside = false;
      for (const auto& [from, to] : running) {
        const sim::Timestamp left = a.at - sim::TimeDelta::Millis(10);
        if (left >= from && left <= to) inside = true;
      }
      RC_ASSERT(inside);
    }
  });
}
