// Signaling decode cost. BM_SignalingValidate is the figure of record: text -> size check ->
// JSON parse -> every validation rule -> typed struct, for a typical media_produce (a browser's
// microphone: Opus with four header extensions, ~900 bytes). The others put it in context: the
// JSON parse alone with sfusim's own parser (json_document.h, the floor under
// BM_SignalingValidate) and with nlohmann's DOM (what the decoder used before), a small message,
// encoding.
#include <benchmark/benchmark.h>

#include <string>

#include <nlohmann/json.hpp>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/json_document.h"
#include "sfusim/protocol/signaling/signaling_codec.h"

namespace {

using namespace sfusim::protocol;

const std::string& TypicalProduce() {
  static const std::string text = nlohmann::json::parse(R"({
    "type": "media_signal", "action": "media_produce", "request_id": "req-42",
    "transport_id": "3f1c2a9e-7b1d-4c55-9a0e-2d6f8b7c1e01",
    "kind": "audio", "source": "microphone", "routing_mode": "sfu",
    "rtp_parameters": {
      "mid": "0",
      "codecs": [{"mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
                  "parameters": {"minptime": 10, "useinbandfec": 1, "usedtx": 1},
                  "rtcpFeedback": [{"type": "transport-cc", "parameter": ""}]}],
      "headerExtensions": [
        {"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1, "encrypt": false, "parameters": {}},
        {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4, "encrypt": false, "parameters": {}},
        {"uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", "id": 5, "encrypt": false, "parameters": {}},
        {"uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 10, "encrypt": false, "parameters": {}}],
      "encodings": [{"ssrc": 1234567890, "dtx": false}],
      "rtcp": {"cname": "Yf2b3nT1", "reducedSize": true}
    }
  })").dump();
  return text;
}

void BM_SignalingValidate(benchmark::State& state) {
  const std::string& text = TypicalProduce();
  for (auto _ : state) {
    auto message = DecodeClientMessage(text);
    if (!message.ok()) state.SkipWithError("typical media_produce rejected");
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_SignalingValidate);

void BM_SignalingJsonDocumentParseOnly(benchmark::State& state) {
  const std::string& text = TypicalProduce();
  for (auto _ : state) {
    JsonDocument document;  // a fresh one, as DecodeClientMessage does
    const bool ok = document.Parse(text, kMaxJsonDepth);
    if (!ok) state.SkipWithError("typical media_produce rejected");
    benchmark::DoNotOptimize(document.root());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_SignalingJsonDocumentParseOnly);

void BM_SignalingJsonParseOnly(benchmark::State& state) {
  const std::string& text = TypicalProduce();
  for (auto _ : state) {
    auto json = nlohmann::json::parse(text, nullptr, false);
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_SignalingJsonParseOnly);

void BM_SignalingValidateVoiceActivity(benchmark::State& state) {
  const std::string text = R"({"type":"voice_activity","channel_id":"lobby","speaking":true})";
  for (auto _ : state) {
    auto message = DecodeClientMessage(text);
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignalingValidateVoiceActivity);

void BM_SignalingEncodeProduce(benchmark::State& state) {
  const ClientMessage message = DecodeClientMessage(TypicalProduce()).value();
  for (auto _ : state) {
    std::string text = EncodeClientMessage(message);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignalingEncodeProduce);

}  // namespace
