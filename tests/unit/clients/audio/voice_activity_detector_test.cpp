// VoiceActivityDetector: threshold, 220 ms hold, changes only, mute; transitions on the speech source.
#include "sfusim/clients/audio/voice_activity_detector.h"

#include <catch2/catch.hpp>
#include <vector>

#include "sfusim/clients/audio/audio_format.h"
#include "sfusim/clients/audio/speech_source.h"
#include "sfusim/sim/rng.h"

using namespace sfusim::clients;
using sfusim::sim::Rng;
using sfusim::sim::Timestamp;

namespace {
std::vector<float> Frame(float amplitude) {  // a square wave: RMS == amplitude
  std::vector<float> f(kAudioFrameSamples);
  for (size_t i = 0; i < f.size(); ++i) f[i] = (i % 2) ? amplitude : -amplitude;
  return f;
}
}  // namespace

TEST_CASE("threshold 0.04, hold 220 ms, changes only", "[vad]") {
  VoiceActivityDetector vad;
  const auto loud = Frame(0.05f);
  const auto quiet = Frame(0.03f);
  CHECK(VoiceActivityDetector::Rms(std::span<const float>(loud)) == Approx(0.05));
  CHECK(!vad.Process(std::span<const float>(quiet), Timestamp::Millis(20)));
  CHECK(vad.Process(std::span<const float>(loud), Timestamp::Millis(40)) == std::optional<bool>(true));
  CHECK(!vad.Process(std::span<const float>(loud), Timestamp::Millis(60)));  // no repeat
  // Quiet from 80 ms: still speaking until 60 + 220 = 280 ms.
  for (int t = 80; t < 280; t += 20) {
    INFO("t = " << t);
    CHECK(!vad.Process(std::span<const float>(quiet), Timestamp::Millis(t)));
    CHECK(vad.speaking());
  }
  CHECK(vad.Process(std::span<const float>(quiet), Timestamp::Millis(280)) == std::optional<bool>(false));
  CHECK(!vad.Process(std::span<const float>(quiet), Timestamp::Millis(300)));
}

TEST_CASE("exactly at the threshold counts as voice", "[vad]") {
  VoiceActivityDetector vad(0.04);
  const std::vector<int16_t> f(kAudioFrameSamples, static_cast<int16_t>(0.04 * 32768));
  CHECK(vad.Process(std::span<const int16_t>(f), Timestamp::Millis(20)).has_value() ==
        (VoiceActivityDetector::Rms(std::span<const int16_t>(f)) >= 0.04));
}

TEST_CASE("muting reports not speaking at once and ignores frames", "[vad]") {
  VoiceActivityDetector vad;
  const auto loud = Frame(0.2f);
  REQUIRE(vad.Process(std::span<const float>(loud), Timestamp::Millis(20)) == std::optional<bool>(true));
  CHECK(vad.SetMuted(true) == std::optional<bool>(false));
  CHECK(!vad.speaking());
  CHECK(!vad.SetMuted(true));
  CHECK(!vad.Process(std::span<const float>(loud), Timestamp::Millis(40)));
  CHECK(!vad.speaking());
  CHECK(!vad.SetMuted(false));  // unmuting says nothing by itself
  CHECK(vad.Process(std::span<const float>(loud), Timestamp::Millis(60)) == std::optional<bool>(true));
  VoiceActivityDetector silent;
  CHECK(!silent.SetMuted(true));  // not speaking: nothing to report
}

TEST_CASE("VAD follows the speech source's talk spurts", "[vad]") {
  SpeechSource src(Rng::Stream(21, "speech"));
  VoiceActivityDetector vad;
  std::vector<float> frame(kAudioFrameSamples);
  int rises = 0, falls = 0, agree = 0, frames = 0;
  bool state = false;
  int talk_starts = 0;
  bool was_talking = false;
  for (int f = 1; f <= 50 * 60; ++f) {
    src.Render(std::span<float>(frame));
    if (src.talking() && !was_talking) ++talk_starts;
    was_talking = src.talking();
    if (auto change = vad.Process(std::span<const float>(frame), Timestamp::Millis(20 * f))) {
      REQUIRE(*change != state);  // alternates: changes only
      state = *change;
      (*change ? rises : falls)++;
    }
    ++frames;
    agree += (vad.speaking() == src.talking()) ? 1 : 0;
  }
  INFO("rises " << rises << " falls " << falls << " talk spurts " << talk_starts << " agreement " << agree << "/"
                << frames);
  CHECK(rises >= 10);
  CHECK(rises <= talk_starts);  // pauses shorter than the hold merge two spurts
  CHECK(rises >= falls);
  CHECK(rises - falls <= 1);
  // Disagreement only in the 220 ms hangover after each spurt and edge frames.
  CHECK(agree > frames * 0.85);
}
