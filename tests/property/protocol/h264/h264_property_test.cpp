// RapidCheck properties of the RFC 6184 code:
// - packetize -> lossy / reordering / duplicating network -> depacketize never yields a corrupt
//   frame: every emitted frame is byte-identical to the sent frame with its timestamp;
// - with in-order delivery the outcome is exact: a frame is emitted iff all its packets arrived
//   and its start is provable, and every other frame with any packet delivered is reported lost;
// - the wire structures round-trip; arbitrary bytes never crash the depacketizer.
// Both depacketizer modes are checked (sps_starts_frame on and off, see h264_depacketizer.h).
// Generated access units follow H.264 order: an AUD, if present, first; a key frame's SPS next.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "sfusim/protocol/h264/annex_b_parser.h"
#include "sfusim/protocol/h264/fu_a_packet.h"
#include "sfusim/protocol/h264/h264_constants.h"
#include "sfusim/protocol/h264/h264_depacketizer.h"
#include "sfusim/protocol/h264/h264_packetizer.h"
#include "sfusim/protocol/h264/h264_payload_info.h"
#include "sfusim/protocol/h264/stap_a_packet.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

namespace {

// Per-packet network decisions come from this tiny PRNG seeded by RapidCheck, so a stream of
// thousands of packets costs one generated value (and the failing seed is printed).
struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
};

Bytes DrawNal(uint8_t type, size_t max_size) {
  const size_t size = *rc::gen::inRange<size_t>(1, max_size + 1);
  const auto nri = *rc::gen::inRange<uint8_t>(0, 4);
  Bytes body = *rc::gen::container<Bytes>(size - 1, rc::gen::arbitrary<uint8_t>());
  body.insert(body.begin(), static_cast<uint8_t>((nri << 5) | type));
  return body;
}

struct SentFrame {
  uint32_t timestamp;
  std::vector<Bytes> nals;
  bool key;
  Bytes AnnexB() const { return AnnexBParser::Join(std::vector<std::span<const uint8_t>>(nals.begin(), nals.end())); }
};

SentFrame DrawFrame(uint32_t timestamp, bool key) {
  SentFrame f{timestamp, {}, key};
  if (*rc::gen::inRange(0, 4) == 0) f.nals.push_back(DrawNal(kH264NalAud, 2));
  if (key) {
    f.nals.push_back(DrawNal(kH264NalSps, 20));
    f.nals.push_back(DrawNal(kH264NalPps, 8));
  }
  if (*rc::gen::inRange(0, 3) == 0) f.nals.push_back(DrawNal(kH264NalSei, 40));
  const int slices = *rc::gen::inRange(1, 4);
  for (int i = 0; i < slices; ++i) f.nals.push_back(DrawNal(key ? kH264NalIdr : kH264NalSlice, key ? 6000 : 3000));
  return f;
}

struct RtpIn {
  uint16_t seq;
  uint32_t timestamp;
  bool marker;
  Bytes payload;
  size_t frame;  // index into the sent frames
};

struct Stream {
  std::vector<SentFrame> frames;
  std::vector<RtpIn> packets;  // in sending order
};

Stream DrawStream() {
  Stream s;
  const auto budget = *rc::gen::inRange<size_t>(100, 1501);
  const auto aggregate = *rc::gen::arbitrary<bool>();
  const int count = *rc::gen::inRange(1, 13);
  auto seq = *rc::gen::arbitrary<uint16_t>();  // any start, so the 65535 -> 0 wrap is covered
  auto packetizer = H264Packetizer::Create({budget, aggregate});
  RC_ASSERT(packetizer.ok());
  for (int i = 0; i < count; ++i) {
    const bool key = i == 0 || *rc::gen::inRange(0, 5) == 0;
    s.frames.push_back(DrawFrame(3000u * static_cast<uint32_t>(i + 1), key));
    const SentFrame& f = s.frames.back();
    auto payloads = packetizer->Packetize(std::vector<std::span<const uint8_t>>(f.nals.begin(), f.nals.end()));
    RC_ASSERT(payloads.ok());
    for (auto& p : *payloads) {
      RC_ASSERT(p.bytes.size() <= budget);
      s.packets.push_back({seq++, f.timestamp, p.marker, std::move(p.bytes), s.frames.size() - 1});
    }
  }
  return s;
}

struct Outcome {
  std::vector<H264Frame> frames;
  std::vector<H264FrameLoss> losses;
};

Outcome Run(const std::vector<RtpIn>& delivered, const H264DepacketizerConfig& config) {
  H264Depacketizer d(config);
  Outcome out;
  for (const auto& p : delivered) {
    RC_ASSERT(d.Insert(p.seq, p.timestamp, p.marker, p.payload).ok());
    for (auto& f : d.TakeFrames()) out.frames.push_back(std::move(f));
    for (auto& l : d.TakeLosses()) out.losses.push_back(l);
  }
  d.Flush();
  RC_ASSERT(d.TakeFrames().empty());
  for (auto& l : d.TakeLosses()) out.losses.push_back(l);
  RC_ASSERT(d.pending_packets() == 0U);
  return out;
}

// Strict mode: byte-identical. SPS mode: byte-identical, or (the AUD's packet missing) the
// same frame from its SPS on: every VCL NAL unit still there.
void CheckNeverCorrupt(const Stream& s, const Outcome& out, bool sps_starts_frame) {
  std::map<uint32_t, const SentFrame*> by_ts;
  for (const auto& f : s.frames) by_ts[f.timestamp] = &f;
  uint32_t previous = 0;
  for (const auto& frame : out.frames) {
    const auto it = by_ts.find(frame.timestamp);
    RC_ASSERT(it != by_ts.end());
    const SentFrame& sent = *it->second;
    if (frame.annex_b != sent.AnnexB()) {
      RC_ASSERT(sps_starts_frame);
      RC_ASSERT(sent.nals.size() >= 2U);
      RC_ASSERT((sent.nals[0][0] & 0x1f) == kH264NalAud);
      RC_ASSERT((sent.nals[1][0] & 0x1f) == kH264NalSps);
      const std::vector<std::span<const uint8_t>> from_sps(sent.nals.begin() + 1, sent.nals.end());
      RC_ASSERT(frame.annex_b == AnnexBParser::Join(from_sps));
    }
    RC_ASSERT(frame.key_frame == sent.key);
    RC_ASSERT(frame.timestamp > previous);  // in order, each at most once
    previous = frame.timestamp;
  }
}

bool BeginsWith(const RtpIn& p, uint8_t nal_type) {
  auto info = H264PayloadInfo::Inspect(p.payload);
  return info.ok() && info->starts_access_unit && info->first_nal_type == nal_type;
}

}  // namespace

TEST_CASE("H.264 depacketizer never emits a corrupt frame under loss, reordering and duplication",
          "[h264][property]") {
  rc::prop("emitted frames are the sent ones (strict mode: byte for byte)", [] {
    const Stream s = DrawStream();
    const H264DepacketizerConfig config{*rc::gen::arbitrary<bool>()};
    SplitMix64 rng{*rc::gen::arbitrary<uint64_t>()};
    const uint32_t loss_pct = *rc::gen::inRange<uint32_t>(0, 31);
    const uint32_t dup_pct = *rc::gen::inRange<uint32_t>(0, 11);
    const uint32_t reorder_pct = *rc::gen::inRange<uint32_t>(0, 21);
    const uint32_t window = *rc::gen::inRange<uint32_t>(1, 16);

    std::vector<RtpIn> delivered;
    for (const auto& p : s.packets) {
      if (rng.Below(100) < loss_pct) continue;
      delivered.push_back(p);
      if (rng.Below(100) < dup_pct) delivered.push_back(p);
    }
    for (size_t i = 0; i + 1 < delivered.size(); ++i) {
      if (rng.Below(100) < reorder_pct) {
        const size_t j = std::min(delivered.size() - 1, i + 1 + rng.Below(window));
        std::swap(delivered[i], delivered[j]);
      }
    }
    const Outcome out = Run(delivered, config);
    CheckNeverCorrupt(s, out, config.sps_starts_frame);
    // A frame is never both emitted and reported lost.
    std::set<uint32_t> emitted;
    for (const auto& f : out.frames) emitted.insert(f.timestamp);
    for (const auto& l : out.losses) RC_ASSERT(emitted.count(l.timestamp) == 0U);
  });
}

TEST_CASE("H.264 depacketizer outcome is exact for in-order delivery with loss", "[h264][property]") {
  rc::prop("emitted iff complete from a provable start; every other touched frame reported lost", [] {
    const Stream s = DrawStream();
    const H264DepacketizerConfig config{*rc::gen::arbitrary<bool>()};
    SplitMix64 rng{*rc::gen::arbitrary<uint64_t>()};
    const uint32_t loss_pct = *rc::gen::inRange<uint32_t>(0, 31);
    std::vector<bool> arrived(s.packets.size());
    std::vector<RtpIn> delivered;
    for (size_t i = 0; i < s.packets.size(); ++i) {
      arrived[i] = rng.Below(100) >= loss_pct;
      if (arrived[i]) delivered.push_back(s.packets[i]);
    }
    const Outcome out = Run(delivered, config);
    CheckNeverCorrupt(s, out, config.sps_starts_frame);

    // The oracle, from the header's rules: the frame's last packet arrived, and the run of
    // arrived packets ending there starts where the previous frame's last packet arrived, or
    // at an AUD, or (SPS mode) at an SPS.
    std::set<uint32_t> expected_emitted;
    std::set<uint32_t> expected_lost;
    size_t first = 0;
    for (size_t f = 0; f < s.frames.size(); ++f) {
      size_t last = first;
      while (last + 1 < s.packets.size() && s.packets[last + 1].frame == f) ++last;
      bool emitted = false;
      if (arrived[last]) {
        size_t run = last;
        while (run > first && arrived[run - 1]) --run;
        emitted = (run == first && first > 0 && arrived[first - 1]) || BeginsWith(s.packets[run], kH264NalAud) ||
                  (config.sps_starts_frame && BeginsWith(s.packets[run], kH264NalSps));
      }
      const bool any = std::any_of(arrived.begin() + static_cast<std::ptrdiff_t>(first),
                                   arrived.begin() + static_cast<std::ptrdiff_t>(last + 1), [](bool b) { return b; });
      if (emitted) {
        expected_emitted.insert(s.frames[f].timestamp);
      } else if (any) {
        expected_lost.insert(s.frames[f].timestamp);
      }
      first = last + 1;
    }
    std::set<uint32_t> emitted;
    for (const auto& f : out.frames) emitted.insert(f.timestamp);
    std::set<uint32_t> lost;
    for (const auto& l : out.losses) lost.insert(l.timestamp);
    RC_ASSERT(emitted == expected_emitted);
    RC_ASSERT(lost == expected_lost);
  });
}

TEST_CASE("H.264 packetizer output is well-formed", "[h264][property]") {
  rc::prop("payloads fit the budget, parse, and only the last has the marker", [] {
    const auto budget = *rc::gen::inRange<size_t>(kH264MinMaxPayloadBytes, 400);
    const SentFrame f = DrawFrame(0, *rc::gen::arbitrary<bool>());
    auto p = H264Packetizer::Create({budget, *rc::gen::arbitrary<bool>()});
    RC_ASSERT(p.ok());
    auto out = p->Packetize(std::vector<std::span<const uint8_t>>(f.nals.begin(), f.nals.end()));
    RC_ASSERT(out.ok());
    RC_ASSERT(!out->empty());
    size_t nal_starts = 0;
    for (size_t i = 0; i < out->size(); ++i) {
      const auto& payload = (*out)[i];
      RC_ASSERT(payload.bytes.size() <= budget);
      RC_ASSERT(payload.marker == (i + 1 == out->size()));
      auto info = H264PayloadInfo::Inspect(payload.bytes);
      RC_ASSERT(info.ok());
      nal_starts += info->nal_unit_count;
    }
    RC_ASSERT(nal_starts == f.nals.size());
  });
}

TEST_CASE("H.264 wire structures round-trip", "[h264][property]") {
  rc::prop("STAP-A: Build -> Serialize -> Parse gives the NAL units back", [] {
    const int n = *rc::gen::inRange(1, 8);
    std::vector<Bytes> nals;
    for (int i = 0; i < n; ++i) nals.push_back(DrawNal(*rc::gen::inRange<uint8_t>(1, 24), 300));
    const std::vector<std::span<const uint8_t>> spans(nals.begin(), nals.end());
    auto built = StapAPacket::Build(spans);
    RC_ASSERT(built.ok());
    const Bytes wire = built->Serialize();
    auto parsed = StapAPacket::Parse(wire);
    RC_ASSERT(parsed.ok());
    RC_ASSERT(parsed->nal_units.size() == nals.size());
    for (size_t i = 0; i < nals.size(); ++i) {
      RC_ASSERT(Bytes(parsed->nal_units[i].begin(), parsed->nal_units[i].end()) == nals[i]);
    }
    RC_ASSERT(parsed->Serialize() == wire);
  });
  rc::prop("FU-A: fields -> Serialize -> Parse -> same fields", [] {
    FuAPacket fu;
    fu.indicator = NalUnitHeader{*rc::gen::arbitrary<bool>(), *rc::gen::inRange<uint8_t>(0, 4), kH264NalFuA};
    fu.start = *rc::gen::arbitrary<bool>();
    fu.end = !fu.start && *rc::gen::arbitrary<bool>();
    fu.reserved = *rc::gen::arbitrary<bool>();
    fu.nal_type = *rc::gen::inRange<uint8_t>(1, 24);
    const Bytes fragment = *rc::gen::arbitrary<Bytes>();
    fu.fragment = fragment;
    const Bytes wire = fu.Serialize();
    auto parsed = FuAPacket::Parse(wire);
    RC_ASSERT(parsed.ok());
    RC_ASSERT(parsed->indicator == fu.indicator);
    RC_ASSERT(parsed->start == fu.start);
    RC_ASSERT(parsed->end == fu.end);
    RC_ASSERT(parsed->reserved == fu.reserved);
    RC_ASSERT(parsed->nal_type == fu.nal_type);
    RC_ASSERT(Bytes(parsed->fragment.begin(), parsed->fragment.end()) == fragment);
  });
  rc::prop("Annex-B: Join -> Split -> same NAL units (emulation-safe content)", [] {
    const int n = *rc::gen::inRange(0, 10);
    std::vector<Bytes> nals;
    for (int i = 0; i < n; ++i) {
      // Emulation prevention keeps 00 00 0x (x <= 3) out of NAL units; the last byte is non-zero.
      Bytes raw = DrawNal(*rc::gen::inRange<uint8_t>(1, 24), 200);
      Bytes nal;
      int zeros = 0;
      for (uint8_t b : raw) {
        if (zeros >= 2 && b <= 3) {
          nal.push_back(3);
          zeros = 0;
        }
        nal.push_back(b);
        zeros = b == 0 ? zeros + 1 : 0;
      }
      if (nal.back() == 0) nal.push_back(0x80);
      nals.push_back(nal);
    }
    const Bytes stream = AnnexBParser::Join(std::vector<std::span<const uint8_t>>(nals.begin(), nals.end()));
    auto split = AnnexBParser::Split(stream);
    RC_ASSERT(split.ok());
    RC_ASSERT(split->size() == nals.size());
    for (size_t i = 0; i < nals.size(); ++i) RC_ASSERT(Bytes((*split)[i].begin(), (*split)[i].end()) == nals[i]);
  });
}

TEST_CASE("H.264 depacketizer survives arbitrary input", "[h264][property]") {
  rc::prop("no crash, bounded state, every emitted frame is Annex-B", [] {
    H264Depacketizer d;
    SplitMix64 rng{*rc::gen::arbitrary<uint64_t>()};
    const int count = *rc::gen::inRange(1, 400);
    uint16_t seq = *rc::gen::arbitrary<uint16_t>();
    uint32_t ts = 0;
    for (int i = 0; i < count; ++i) {
      // Mostly near-valid packets (plausible types, small steps), sometimes wild values.
      static constexpr uint8_t kTypes[] = {1, 5, 7, 8, 9, 24, 28, 28, 28, 0, 25, 31};
      Bytes payload(rng.Below(40));
      for (auto& b : payload) b = static_cast<uint8_t>(rng.Next());
      if (!payload.empty() && rng.Below(4) != 0) {
        payload[0] = static_cast<uint8_t>((payload[0] & 0xe0) | kTypes[rng.Below(sizeof(kTypes))]);
      }
      seq = static_cast<uint16_t>(seq + (rng.Below(8) == 0 ? rng.Next() : rng.Below(4)));
      if (rng.Below(3) == 0) ts += static_cast<uint32_t>(rng.Below(2) == 0 ? 3000 : rng.Next());
      (void)d.Insert(seq, ts, rng.Below(3) == 0, payload);
      RC_ASSERT(d.pending_packets() <= kH264MaxPendingPackets);
      for (const auto& f : d.TakeFrames()) {
        RC_ASSERT(f.annex_b.size() <= kH264MaxAccessUnitBytes);
        RC_ASSERT(AnnexBParser::Split(f.annex_b).ok());
      }
      (void)d.TakeLosses();
    }
    d.Flush();
    RC_ASSERT(d.pending_packets() == 0U);
  });
}
