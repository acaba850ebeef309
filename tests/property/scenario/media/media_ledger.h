// Media ledgers: for one receiver (a WebClient at the end of a run), does every packet and frame
// it was handed end up decoded or reported lost, and is nothing it decoded garbage?
//
// Checks, per received stream (the counters are defined in audio_stream_stats.h and
// video_stream_stats.h):
// - audio: frames_undecodable == 0 (the decoder never rejected a played packet); the packet ledger
//   packets_received = frames_normal + frames_undecodable + frames_dropped + packets_discarded +
//   (still buffered at the end, in [0, JitterBuffer::kMaxPackets]).
// - video: decode_errors == 0 and frames_no_output == 0; the frame ledger frames_received =
//   frames_decoded + frames_skipped + decode_errors + frames_no_output exactly; the packet ledger
//   packets_received = packets_depacketized + packets_discarded + (still held, in
//   [0, kPacketBufferMaxPackets + 1]); every decoded picture's stamp is readable
//   (stamp_unreadable == 0) and no PSNR sample is below kMinPsnrDb (a picture decoded from a
//   broken reference is garbage: the stamp or the PSNR says so).
// - the client: invalid_transitions == 0.
// Returns one line per broken check ("bob <- alice/camera: ..."), empty when all hold.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "sfusim/clients/audio/jitter_buffer.h"
#include "sfusim/clients/video/video_receive_constants.h"
#include "sfusim/clients/web_client.h"

namespace sfusim::scenario::test {

// A decoded 320x180 camera picture at >= 100 kbps measures 30-45 dB against its source; a picture
// predicted from a missing reference measures far below. The floor sits well under the first.
inline constexpr double kMinPsnrDb = 20.0;
// Packets a live receiver may still hold at the end (in flight inside the client, not lost).
inline constexpr uint64_t kAudioBufferedMax = clients::JitterBuffer::kMaxPackets;
inline constexpr uint64_t kVideoHeldMax = clients::kPacketBufferMaxPackets + 1;

inline std::vector<std::string> CheckMediaLedgers(const std::string& receiver, const clients::WebClient& client) {
  std::vector<std::string> out;
  auto fail = [&](const std::string& stream, const std::string& what) {
    out.push_back(receiver + " <- " + stream + ": " + what);
  };
  auto n = [](uint64_t v) { return std::to_string(v); };
  for (const auto& [sender, a] : client.audio_stats()) {
    if (a.frames_undecodable != 0) fail(sender + "/audio", "frames_undecodable = " + n(a.frames_undecodable));
    const uint64_t accounted = a.frames_normal + a.frames_undecodable + a.frames_dropped + a.packets_discarded;
    if (accounted > a.packets_received || a.packets_received - accounted > kAudioBufferedMax) {
      fail(sender + "/audio", "packet ledger open: received " + n(a.packets_received) + " != played " +
                                  n(a.frames_normal) + " + undecodable " + n(a.frames_undecodable) + " + dropped " +
                                  n(a.frames_dropped) + " + discarded " + n(a.packets_discarded) +
                                  " + buffered (0.." + n(kAudioBufferedMax) + ")");
    }
  }
  for (const auto& [key, v] : client.video_stats()) {
    if (v.decode_errors != 0) fail(key, "decode_errors = " + n(v.decode_errors));
    if (v.frames_no_output != 0) fail(key, "frames_no_output = " + n(v.frames_no_output));
    if (v.frames_received != v.frames_decoded + v.frames_skipped + v.decode_errors + v.frames_no_output) {
      fail(key, "frame ledger open: received " + n(v.frames_received) + " != decoded " + n(v.frames_decoded) +
                    " + skipped " + n(v.frames_skipped) + " + decode_errors " + n(v.decode_errors) + " + no_output " +
                    n(v.frames_no_output));
    }
    const uint64_t accounted = v.packets_depacketized + v.packets_discarded;
    if (accounted > v.packets_received || v.packets_received - accounted > kVideoHeldMax) {
      fail(key, "packet ledger open: received " + n(v.packets_received) + " != depacketized " +
                    n(v.packets_depacketized) + " + discarded " + n(v.packets_discarded) + " + held (0.." +
                    n(kVideoHeldMax) + ")");
    }
    if (v.stamp_unreadable != 0) fail(key, "decoded pictures with an unreadable stamp: " + n(v.stamp_unreadable));
    if (!v.psnr_db.empty()) {
      const float worst = *std::min_element(v.psnr_db.begin(), v.psnr_db.end());
      if (worst < kMinPsnrDb) fail(key, "a decoded picture at " + std::to_string(worst) + " dB PSNR (< floor)");
    }
  }
  if (client.counters().invalid_transitions != 0) {
    fail("client", "invalid_transitions = " + n(client.counters().invalid_transitions));
  }
  return out;
}

}  // namespace sfusim::scenario::test
