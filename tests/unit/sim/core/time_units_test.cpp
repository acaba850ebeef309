#include <catch2/catch.hpp>

#include "sfusim/sim/data_rate.h"
#include "sfusim/sim/socket_address.h"
#include "sfusim/sim/timestamp.h"

using namespace sfusim::sim;

TEST_CASE("time units convert exactly", "[units]") {
  CHECK(TimeDelta::Millis(1500).us() == 1500000);
  CHECK(TimeDelta::Seconds(2).ms() == 2000);
  CHECK(TimeDelta::SecondsF(0.0000015).us() == 2);
  CHECK((Timestamp::Seconds(3) - Timestamp::Millis(500)).ms() == 2500);
  CHECK(Timestamp::Millis(10) + TimeDelta::Micros(5) == Timestamp::Micros(10005));
  CHECK(TimeDelta::Millis(30) / TimeDelta::Millis(10) == 3.0);
}

TEST_CASE("data rate gives transmission times rounded up", "[units]") {
  DataRate r = DataRate::KilobitsPerSec(1000);
  CHECK(r.TransmissionTime(1250).us() == 10000);
  CHECK(r.TransmissionTime(1).us() == 8);
  CHECK(DataRate::BitsPerSec(3).TransmissionTime(1).us() == 2666667);
  CHECK(r.BytesIn(TimeDelta::Seconds(1)) == 125000);
}

TEST_CASE("socket addresses print and parse", "[units]") {
  SocketAddress a{MakeIpv4(10, 0, 0, 7), 5004};
  CHECK(a.ToString() == "10.0.0.7:5004");
  CHECK(SocketAddress::Parse("10.0.0.7:5004") == a);
  CHECK_FALSE(SocketAddress::Parse("10.0.0:5004"));
  CHECK_FALSE(SocketAddress::Parse("10.0.0.256:1"));
  CHECK_FALSE(SocketAddress::Parse("10.0.0.1:70000"));
  CHECK_FALSE(SocketAddress::Parse("10.0.0.1:12x"));
}
