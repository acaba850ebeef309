// Audio format constants shared by the audio pipeline: 48 kHz mono PCM in 20 ms frames, the Opus
// RTP clock (RFC 7587: always 48 kHz) and the playout cadence. One frame = one RTP packet.
#pragma once

#include <cstdint>

#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

inline constexpr int kAudioSampleRateHz = 48'000;
inline constexpr int kAudioChannels = 1;  // we encode mono; the SDP still says opus/48000/2 (RFC 7587)
inline constexpr int kAudioFrameMs = 20;
inline constexpr int kAudioFrameSamples = kAudioSampleRateHz / 1000 * kAudioFrameMs;  // 960
inline constexpr sim::TimeDelta kAudioFrameDuration = sim::TimeDelta::Millis(kAudioFrameMs);
// Opus can carry at most 120 ms in one packet (RFC 6716 3.2.5): the decode buffer size.
inline constexpr int kOpusMaxFrameSamples = kAudioSampleRateHz / 1000 * 120;
// RFC 6716 3.4: a well-formed Opus packet is at most 1275 bytes per frame; our frames are one 20 ms frame.
inline constexpr int kOpusMaxPacketBytes = 1275;

}  // namespace sfusim::clients
