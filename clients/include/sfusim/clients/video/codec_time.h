// CodecTime: an opt-in, process-wide accumulator of the CPU time spent inside the codec libraries
// (OpenH264 EncodeFrame / DecodeFrameNoDelay, libopus opus_encode / opus_decode), for the
// benchmarks that must report which share of a run the codecs take (BM_ScenarioVideo6).
//
// Contract:
// - Off by default. While off, a CodecTime::Scope costs one branch on a bool and reads no clock.
// - While on, each Scope adds the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID, so time
//   stolen by other processes on a shared machine is not counted) between its construction and
//   destruction to its codec's total, and counts one call.
// - It only observes: nothing in the simulation reads it, so enabling it never changes a run's
//   behaviour, trace or result. It is not part of any output; the benchmark reads Totals().
// - Not thread-safe (the simulation is single-threaded); a benchmark enables, runs, reads,
//   disables. A Scope opened while another is open records nothing (its time belongs to the
//   outer one), so wrapping a helper that itself wraps a call never counts time twice.
// It lives with the video code but also wraps the Opus calls (clients/src/audio/opus_*.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sfusim::clients {

// kSetup: creating, initializing, reconfiguring and destroying encoders and decoders (OpenH264
// WelsCreate*/Initialize*/SetOption/ForceIntraFrame/Uninitialize/WelsDestroy*, opus_*_create and
// opus_*_destroy): library time too, but not per frame.
enum class CodecCall : uint8_t { kH264Encode, kH264Decode, kOpusEncode, kOpusDecode, kSetup };
inline constexpr size_t kCodecCallKinds = 5;

struct CodecTimeTotals {
  std::array<uint64_t, kCodecCallKinds> cpu_ns{};  // thread CPU time inside the calls
  std::array<uint64_t, kCodecCallKinds> calls{};
  uint64_t total_cpu_ns() const;
};

class CodecTime {
 public:
  static void Enable(bool on);
  static bool enabled() { return enabled_; }
  static void Reset();
  static const CodecTimeTotals& Totals() { return totals_; }
  // The calling thread's CPU time in ns (the clock the scopes use; exposed so a benchmark can
  // measure the whole run with the same clock).
  static uint64_t ThreadCpuNs();

  class Scope {
   public:
    explicit Scope(CodecCall call) : call_(call), active_(enabled_ && !inside_) {
      if (active_) {
        inside_ = true;
        start_ns_ = ThreadCpuNs();
      }
    }
    ~Scope() {
      if (active_) {
        Add(call_, ThreadCpuNs() - start_ns_);
        inside_ = false;
      }
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CodecCall call_;
    bool active_;
    uint64_t start_ns_ = 0;
  };

 private:
  static void Add(CodecCall call, uint64_t ns);
  static inline bool enabled_ = false;
  static inline bool inside_ = false;  // a Scope is recording
  static inline CodecTimeTotals totals_{};
};

}  // namespace sfusim::clients
