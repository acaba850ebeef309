// SpeechSource: determinism, voiced/pause levels against the VAD threshold, segment structure.
#include "sfusim/clients/audio/speech_source.h"

#include <catch2/catch.hpp>
#include <vector>

#include "sfusim/clients/audio/audio_format.h"
#include "sfusim/clients/audio/voice_activity_detector.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/sim/rng.h"

using namespace sfusim::clients;
using sfusim::sim::Rng;

TEST_CASE("same seed, same samples; other seed, other samples", "[speech_source]") {
  SpeechSource a(Rng::Stream(7, "alice/speech"));
  SpeechSource b(Rng::Stream(7, "alice/speech"));
  SpeechSource c(Rng::Stream(8, "alice/speech"));
  std::vector<int16_t> fa(kAudioFrameSamples), fb(kAudioFrameSamples), fc(kAudioFrameSamples);
  bool any_diff = false;
  for (int i = 0; i < 200; ++i) {
    a.Render(std::span<int16_t>(fa));
    b.Render(std::span<int16_t>(fb));
    c.Render(std::span<int16_t>(fc));
    REQUIRE(fa == fb);
    any_diff |= fa != fc;
  }
  CHECK(any_diff);
  CHECK(a.samples_rendered() == 200 * kAudioFrameSamples);
}

TEST_CASE("rendering in odd chunk sizes gives the same signal", "[speech_source]") {
  SpeechSource a(Rng(3));
  SpeechSource b(Rng(3));
  std::vector<float> whole(48000), parts(48000);
  a.Render(std::span<float>(whole));
  size_t pos = 0;
  size_t chunk = 1;
  while (pos < parts.size()) {
    const size_t n = std::min(chunk, parts.size() - pos);
    b.Render(std::span<float>(parts.data() + pos, n));
    pos += n;
    chunk = chunk * 3 % 1001 + 1;
  }
  CHECK(whole == parts);
}

TEST_CASE("voiced frames are well above the VAD threshold, pauses well below", "[speech_source]") {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    SpeechSource src(Rng::Stream(seed, "speech"));
    std::vector<float> frame(kAudioFrameSamples);
    int voiced = 0, paused = 0, talk_starts = 0;
    double min_voiced = 1, max_pause = 0, sum_voiced = 0;
    bool was_talking = false;
    for (int f = 0; f < 50 * 60; ++f) {  // one minute
      int talking_samples = 0;
      for (auto& s : frame) {
        src.Render(std::span<float>(&s, 1));
        talking_samples += src.talking() ? 1 : 0;
        if (src.talking() && !was_talking) ++talk_starts;
        was_talking = src.talking();
      }
      const double rms = VoiceActivityDetector::Rms(std::span<const float>(frame));
      if (talking_samples == kAudioFrameSamples) {
        ++voiced;
        min_voiced = std::min(min_voiced, rms);
        sum_voiced += rms;
      } else if (talking_samples == 0) {
        ++paused;
        max_pause = std::max(max_pause, rms);
      }
    }
    INFO("seed " << seed << " voiced " << voiced << " paused " << paused << " min voiced rms " << min_voiced
                 << " mean voiced rms " << sum_voiced / voiced << " max pause rms " << max_pause);
    CHECK(min_voiced > 1.5 * sfusim::protocol::kVoiceActivityRmsThreshold);
    CHECK(sum_voiced / voiced > 0.1);
    CHECK(max_pause < 0.25 * sfusim::protocol::kVoiceActivityRmsThreshold);
    // Talk 0.8-3 s and pauses 0.3-2 s: a minute holds roughly 13-50 talk spurts.
    CHECK(talk_starts >= 13);
    CHECK(talk_starts <= 50);
    CHECK(voiced > paused);  // mean talk 1.9 s vs mean pause 1.15 s
  }
}

TEST_CASE("config ranges are honoured", "[speech_source]") {
  SpeechSourceConfig cfg;
  cfg.min_talk_s = cfg.max_talk_s = 0.5;
  cfg.min_pause_s = cfg.max_pause_s = 0.25;
  SpeechSource src(Rng(11), cfg);
  std::vector<float> s(1);
  int64_t run = 0;
  bool talking = true;
  std::vector<int64_t> runs;
  for (int i = 0; i < 48000 * 3; ++i) {
    src.Render(std::span<float>(s));
    if (src.talking() != talking) {
      runs.push_back(run);
      run = 0;
      talking = src.talking();
    }
    ++run;
  }
  REQUIRE(runs.size() >= 4);
  CHECK(runs[0] == 24000);
  CHECK(runs[1] == 12000);
  CHECK(runs[2] == 24000);
  CHECK(runs[3] == 12000);
}
