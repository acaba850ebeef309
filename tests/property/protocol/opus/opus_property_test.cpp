// RapidCheck properties of the Opus packet framing: any layout the serializer accepts parses
// back to the same fields and frames, and arbitrary bytes either parse into a packet that
// respects RFC 6716's limits or fail with an opus_* code.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include <vector>

#include "sfusim/protocol/opus/opus_packet.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

TEST_CASE("Opus packet Serialize -> Parse round-trips", "[opus][property]") {
  rc::prop("same TOC, flags, padding and frames", [] {
    OpusPacket p;
    p.toc.config = *rc::gen::inRange<uint8_t>(0, 32);
    p.toc.stereo = *rc::gen::arbitrary<bool>();
    p.toc.frame_count_code = *rc::gen::inRange<uint8_t>(0, 4);
    const size_t max_frames = kOpusMaxPacketSamples48k / p.toc.frame_samples_48k();
    size_t count = 1;
    if (p.toc.frame_count_code == 1 || p.toc.frame_count_code == 2) count = 2;
    if (p.toc.frame_count_code == 3) count = *rc::gen::inRange<size_t>(1, max_frames + 1);
    const bool equal = p.toc.frame_count_code == 1 || (p.toc.frame_count_code == 3 && !*rc::gen::arbitrary<bool>());
    if (p.toc.frame_count_code == 3) {
      p.vbr = !equal;
      p.padding_bytes = *rc::gen::element<size_t>(0, 0, 1, 253, 254, 255, 256, 509, 1000);
    }
    std::vector<Bytes> storage;
    const size_t common = *rc::gen::inRange<size_t>(0, 400);
    for (size_t i = 0; i < count; ++i) {
      const size_t size = equal ? common : *rc::gen::inRange<size_t>(0, kOpusMaxFrameBytes + 1);
      storage.push_back(*rc::gen::container<Bytes>(size, rc::gen::arbitrary<uint8_t>()));
    }
    p.frames.assign(storage.begin(), storage.end());

    auto wire = p.Serialize();
    RC_ASSERT(wire.ok());
    auto back = OpusPacket::Parse(*wire);
    RC_ASSERT(back.ok());
    RC_ASSERT(back->toc == p.toc);
    RC_ASSERT(back->vbr == p.vbr);
    RC_ASSERT(back->padding_bytes == p.padding_bytes);
    RC_ASSERT(back->frames.size() == storage.size());
    for (size_t i = 0; i < storage.size(); ++i) RC_ASSERT(Bytes(back->frames[i].begin(), back->frames[i].end()) == storage[i]);
    RC_ASSERT(back->DurationSamples48k() == count * p.toc.frame_samples_48k());
    RC_ASSERT(*back->Serialize() == *wire);
  });
}

TEST_CASE("Opus parser on arbitrary bytes", "[opus][property]") {
  rc::prop("either a packet within RFC 6716 limits or an opus_* error", [] {
    const Bytes bytes = *rc::gen::container<Bytes>(*rc::gen::inRange<size_t>(0, 3000), rc::gen::arbitrary<uint8_t>());
    auto p = OpusPacket::Parse(bytes);
    if (!p.ok()) {
      RC_ASSERT(p.error().code.rfind("opus_", 0) == 0U);
      return;
    }
    RC_ASSERT(!p->frames.empty());
    RC_ASSERT(p->DurationSamples48k() <= kOpusMaxPacketSamples48k);
    size_t total = 0;
    for (const auto& f : p->frames) {
      RC_ASSERT(f.size() <= kOpusMaxFrameBytes);
      RC_ASSERT(f.data() >= bytes.data());
      RC_ASSERT(f.data() + f.size() <= bytes.data() + bytes.size());
      total += f.size();
    }
    RC_ASSERT(total + p->padding_bytes < bytes.size());  // the TOC byte at least is overhead
  });
}
