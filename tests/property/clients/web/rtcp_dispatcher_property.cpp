// RtcpDispatcher properties: any bytes give a result or an error, never a crash, and the output
// stays bounded; a compound built from random feedback parses back to the same feedback (NACK
// sequence numbers, PLI/FIR SSRCs, REMB SSRCs) in order.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "sfusim/clients/rtcp_dispatcher.h"
#include "sfusim/protocol/rtcp/nack.h"
#include "sfusim/protocol/rtcp/pli.h"
#include "sfusim/protocol/rtcp/remb.h"

using namespace sfusim;
namespace rtcp = protocol::rtcp;

TEST_CASE("ParseRtcpFeedback on arbitrary bytes", "[clients][web][rtcp][property]") {
  rc::prop("never crashes; output bounded by the input", [] {
    auto bytes = *rc::gen::container<std::vector<uint8_t>>(rc::gen::arbitrary<uint8_t>());
    // Often a valid-looking header, so the sub-packet parsers are reached.
    if (bytes.size() >= 4 && *rc::gen::arbitrary<bool>()) {
      bytes[0] = static_cast<uint8_t>(0x80 | (bytes[0] & 0x1F));
      bytes[1] = static_cast<uint8_t>(*rc::gen::inRange(200, 207));
      const size_t words = bytes.size() / 4 - 1;
      bytes[2] = static_cast<uint8_t>(words >> 8);
      bytes[3] = static_cast<uint8_t>(words);
      bytes.resize((words + 1) * 4);
    }
    auto fb = clients::ParseRtcpFeedback(bytes);
    if (!fb.ok()) {
      RC_ASSERT(!fb.error().code.empty());
      return;
    }
    RC_ASSERT(fb->report_blocks.size() * rtcp::ReportBlock::kSize <= bytes.size());
    RC_ASSERT(fb->key_frame_requests.size() * 4 <= bytes.size());
    for (const auto& n : fb->nacks) RC_ASSERT(n.sequence_numbers.size() <= 17 * bytes.size() / 4);
  });
}

TEST_CASE("ParseRtcpFeedback round trip of generated feedback", "[clients][web][rtcp][property]") {
  rc::prop("NACK, PLI and REMB come back as built", [] {
    const uint32_t media = *rc::gen::arbitrary<uint32_t>();
    const auto seq_list = *rc::gen::container<std::vector<uint16_t>>(rc::gen::arbitrary<uint16_t>());
    const std::set<uint16_t> seq_set(seq_list.begin(), seq_list.end());
    RC_PRE(!seq_set.empty());
    const std::vector<uint16_t> seqs(seq_set.begin(), seq_set.end());  // ascending, unique
    const auto pli_ssrcs = *rc::gen::container<std::vector<uint32_t>>(rc::gen::arbitrary<uint32_t>());
    RC_PRE(pli_ssrcs.size() <= 20);
    std::vector<uint8_t> bytes;
    RC_ASSERT(rtcp::Nack::FromSequenceNumbers(7, media, seqs).AppendTo(bytes).ok());
    for (uint32_t s : pli_ssrcs) RC_ASSERT((rtcp::Pli{7, s}.AppendTo(bytes).ok()));
    rtcp::Remb remb;
    remb.sender_ssrc = 7;
    remb.bitrate_bps = *rc::gen::inRange<uint64_t>(0, 1'000'000'000);
    remb.ssrcs = {media};
    RC_ASSERT(remb.AppendTo(bytes).ok());
    auto fb = clients::ParseRtcpFeedback(bytes);
    RC_ASSERT(fb.ok());
    RC_ASSERT(fb->nacks.size() == 1u);
    RC_ASSERT(fb->nacks[0].media_ssrc == media);
    std::set<uint16_t> got(fb->nacks[0].sequence_numbers.begin(), fb->nacks[0].sequence_numbers.end());
    RC_ASSERT(got == seq_set);
    RC_ASSERT(fb->key_frame_requests == pli_ssrcs);
    RC_ASSERT(fb->rembs.size() == 1u);
    RC_ASSERT(fb->rembs[0].bitrate_bps == rtcp::Remb::Quantize(remb.bitrate_bps));
    RC_ASSERT(fb->skipped == 0u);
  });
}
