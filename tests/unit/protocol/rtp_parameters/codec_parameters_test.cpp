// fmtp parameter lookups.
#include <catch2/catch.hpp>

#include "sfusim/protocol/rtp_parameters/codec_parameters.h"

using namespace sfusim::protocol;

TEST_CASE("integer and string views of fmtp values", "[fmtp]") {
  const CodecParameters p = {{"a", std::int64_t{5}},  {"b", std::string("12")}, {"c", std::string("-3")},
                             {"d", std::string("1x")}, {"e", std::string("")},  {"f", std::string("42e01f")}};
  CHECK(GetIntParameter(p, "a") == 5);
  CHECK(GetIntParameter(p, "b") == 12);
  CHECK(GetIntParameter(p, "c") == -3);
  CHECK_FALSE(GetIntParameter(p, "d").has_value());
  CHECK_FALSE(GetIntParameter(p, "e").has_value());
  CHECK_FALSE(GetIntParameter(p, "f").has_value());
  CHECK_FALSE(GetIntParameter(p, "zz").has_value());
  CHECK(GetStringParameter(p, "a") == "5");
  CHECK(GetStringParameter(p, "f") == "42e01f");
  CHECK_FALSE(GetStringParameter(p, "zz").has_value());
}

TEST_CASE("parameters iterate in key order", "[fmtp]") {
  CodecParameters p;
  p["zeta"] = std::int64_t{1};
  p["alpha"] = std::int64_t{2};
  p["mid"] = std::string("x");
  std::string order;
  for (const auto& [key, value] : p) order += key + ",";
  CHECK(order == "alpha,mid,zeta,");
}
