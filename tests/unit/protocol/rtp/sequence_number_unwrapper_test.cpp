// SequenceNumberUnwrapper: forward and backward steps across the 16-bit wrap.
#include <catch2/catch.hpp>

#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"

using sfusim::protocol::SequenceNumberUnwrapper;

TEST_CASE("unwrapping across 65535 -> 0 and back", "[rtp][seq]") {
  SequenceNumberUnwrapper u;
  CHECK(u.Unwrap(65534) == 65534);
  CHECK(u.Unwrap(65535) == 65535);
  CHECK(u.Unwrap(0) == 65536);
  CHECK(u.Unwrap(5) == 65541);
  CHECK(u.Unwrap(65530) == 65530);  // 11 back
  CHECK(u.Unwrap(2) == 65538);
  CHECK(u.Unwrap(2 + 32767) == 65538 + 32767);  // largest forward step
  CHECK(u.Unwrap(2) == 65538);                  // and back
}

TEST_CASE("a first step back goes negative", "[rtp][seq]") {
  SequenceNumberUnwrapper u;
  CHECK(u.Unwrap(1) == 1);
  CHECK(u.Unwrap(65535) == -1);
  u.Reset();
  CHECK(u.Unwrap(7) == 7);
}

TEST_CASE("IsNewer uses the half-range rule", "[rtp][seq]") {
  CHECK(SequenceNumberUnwrapper::IsNewer(1, 0));
  CHECK(SequenceNumberUnwrapper::IsNewer(0, 65535));
  CHECK_FALSE(SequenceNumberUnwrapper::IsNewer(65535, 0));
  CHECK_FALSE(SequenceNumberUnwrapper::IsNewer(5, 5));
  CHECK(SequenceNumberUnwrapper::IsNewer(32767, 0));
  CHECK_FALSE(SequenceNumberUnwrapper::IsNewer(32768, 0));
}
