// Support for the real-peer interop tests (label `interop`): the reference SFU and clients on
// sim::AsioNet over 127.0.0.1, judged by programs nobody here wrote (GStreamer, tshark).
//
// Contract:
// - RequireToolsOrSkip: when a program is missing from PATH, prints "SKIP: ..." naming it and the
//   Debian package, and ends the process with kSkipReturnCode (CTest's SKIP_RETURN_CODE). Only a
//   missing tool skips; everything else that goes wrong fails.
// - ChildProcess runs `/bin/sh -c command` with stdout and stderr to files; it never outlives its
//   object (the destructor sends SIGKILL to a child still running and reaps it).
// - SfuInvariantWatch runs the SFU-side invariant checkers of the scenario runner (the snapshot
//   ones after every change, the per-packet ones on every consumer packet) on a live SFU.
// - Everything is bounded: waits take a timeout, processes a deadline.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/scenario/invariants/consumer_has_producer.h"
#include "sfusim/scenario/invariants/consumer_seq_continuous.h"
#include "sfusim/scenario/invariants/membership_maps_agree.h"
#include "sfusim/scenario/invariants/no_consumer_outlives_producer.h"
#include "sfusim/scenario/invariants/one_camera_one_screen.h"
#include "sfusim/scenario/invariants/paused_consumer_silent.h"
#include "sfusim/scenario/invariants/ssrc_unique.h"
#include "sfusim/sfu/sfu_server.h"
#include "sfusim/sim/asio_net.h"
#include "sfusim/sim/real_time_loop.h"
#include "raw_signaling_client.h"

namespace sfusim::interop {

inline constexpr int kSkipReturnCode = 77;
inline constexpr uint32_t kLoopback = sim::MakeIpv4(127, 0, 0, 1);

struct Tool {
  std::string program;  // on PATH
  std::string package;  // the Debian package that has it
};
void RequireToolsOrSkip(const std::vector<Tool>& tools);

// A UDP port on 127.0.0.1 that was free a moment ago (bound, read, released).
uint16_t FreeUdpPort();
std::string ReadFile(const std::string& path);
// Lines of `text` that contain `needle`.
std::size_t CountLinesWith(const std::string& text, const std::string& needle);
std::string TmpPath(const std::string& name);

class ChildProcess {
 public:
  ChildProcess(const std::string& command, const std::string& out_path, const std::string& err_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // True once the child ended (reaped); exit_status() is then its exit code (128+signal if killed).
  bool Poll();
  void Signal(int sig);
  // Waits (polling, without the event loop) up to timeout_s for the child to end; true if it did.
  bool Wait(double timeout_s);
  int exit_status() const { return status_; }
  const std::string& command() const { return command_; }

 private:
  std::string command_;
  pid_t pid_ = -1;
  bool done_ = false;
  int status_ = -1;
};

class SfuInvariantWatch : public sfu::SfuObserver {
 public:
  SfuInvariantWatch(sim::RealTimeLoop* loop, sfu::SfuServer* sfu) : loop_(loop), sfu_(sfu) {}
  void OnStateChanged() override;
  void OnConsumerRtp(const sfu::ConsumerRtpEvent& event) override;
  // Every checker's verdict; `failures` lists the violated ones with their first violation.
  bool AllPassed(std::string* failures) const;
  // RTP packets each consumer sent (retransmissions excluded), by consumer id.
  const std::map<std::string, uint64_t>& forwarded() const { return forwarded_; }

 private:
  double Now() const;
  sim::RealTimeLoop* loop_;
  sfu::SfuServer* sfu_;
  scenario::ConsumerHasProducer consumer_has_producer_;
  scenario::MembershipMapsAgree membership_maps_agree_;
  scenario::NoConsumerOutlivesProducer no_consumer_outlives_producer_;
  scenario::OneCameraOneScreen one_camera_one_screen_;
  scenario::SsrcUnique ssrc_unique_;
  scenario::ConsumerSeqContinuous consumer_seq_continuous_;
  scenario::PausedConsumerSilent paused_consumer_silent_;
  std::map<std::string, uint64_t> forwarded_;
};

}  // namespace sfusim::interop
