#include "sfusim/sim/link_config.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sfusim/sim/gilbert_elliott.h"

namespace sfusim::sim {
namespace {

std::string Num(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Shortest form that reads back the same value, for messages people read ("0.1", not 0.1000..01).
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[48];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v || std::isnan(v)) return shorter;
  }
  return buf;
}

std::string Duration(TimeDelta d) {
  if (d.us() % 1000 == 0) return std::to_string(d.ms()) + " ms";
  return std::to_string(d.us()) + " us";
}

std::string Rate(DataRate r) { return std::to_string(r.bps()) + " bit/s"; }

void CheckDuration(std::vector<LinkConfigError>& errors, const char* field, TimeDelta d, TimeDelta max) {
  if (d < TimeDelta::Zero()) {
    errors.push_back({field, "must be >= 0, got " + Duration(d)});
  } else if (d > max) {
    errors.push_back({field, "must be <= " + Duration(max) + ", got " + Duration(d)});
  }
}

void CheckProbability(std::vector<LinkConfigError>& errors, const char* field, double p) {
  if (!(p >= 0 && p <= 1)) errors.push_back({field, "must be in [0, 1], got " + Num(p)});
}

void CheckRate(std::vector<LinkConfigError>& errors, const std::string& field, DataRate r) {
  if (r < kMinCapacity) {
    errors.push_back({field, "must be >= " + Rate(kMinCapacity) + " (a link that sends nothing is a partition: "
                                                                  "set up = false), got " + Rate(r)});
  }
}

}  // namespace

const char* ToString(JitterDistribution distribution) {
  switch (distribution) {
    case JitterDistribution::kExponential: return "exponential";
    case JitterDistribution::kUniform: return "uniform";
  }
  return "unknown";
}

std::optional<JitterDistribution> ParseJitterDistribution(std::string_view name) {
  if (name == "exponential") return JitterDistribution::kExponential;
  if (name == "uniform") return JitterDistribution::kUniform;
  return std::nullopt;
}

std::vector<LinkConfigError> ValidateLinkConfig(const LinkConfig& c) {
  std::vector<LinkConfigError> errors;
  CheckDuration(errors, "delay", c.delay, kMaxLinkDelay);
  CheckDuration(errors, "jitter", c.jitter, kMaxLinkJitter);
  if (c.jitter_distribution != JitterDistribution::kExponential &&
      c.jitter_distribution != JitterDistribution::kUniform) {
    errors.push_back({"jitter_distribution", "unknown value " +
                                                 std::to_string(static_cast<int>(c.jitter_distribution))});
  }
  CheckProbability(errors, "loss", c.loss);
  CheckProbability(errors, "duplicate", c.duplicate);

  bool burst_ok = std::isfinite(c.burst_len) && c.burst_len >= 1;
  if (!burst_ok) {
    errors.push_back({"burst_len", "must be a finite number >= 1 (1 = independent losses), got " + Num(c.burst_len)});
  } else if (c.burst_len > 1 && c.loss >= 0 && c.loss <= 1 &&
             !GilbertElliott::SimpleGilbert(c.loss, c.burst_len)) {
    // The simple Gilbert model: P(Bad->Good) = 1/L, P(Good->Bad) = p / (L (1 - p)) must be <= 1.
    double max_loss = GilbertElliott::MaxLossForBurst(c.burst_len);
    errors.push_back({"burst_len", "loss " + Num(c.loss) + " with mean burst length " + Num(c.burst_len) +
                                       " is impossible in the Gilbert model: P(Good->Bad) = loss / (burst_len * "
                                       "(1 - loss)) must be <= 1, i.e. loss <= burst_len / (burst_len + 1) = " +
                                       Num(max_loss)});
  }

  if (c.capacity) CheckRate(errors, "capacity", *c.capacity);
  if (c.queue_bytes && *c.queue_bytes < 0) {
    errors.push_back({"queue_bytes", "must be >= 0, got " + std::to_string(*c.queue_bytes)});
  }
  if (c.queue_time && *c.queue_time < TimeDelta::Zero()) {
    errors.push_back({"queue_time", "must be >= 0, got " + Duration(*c.queue_time)});
  }
  if (c.mtu < 0) errors.push_back({"mtu", "must be >= 0 (0 = unlimited), got " + std::to_string(c.mtu)});

  if (c.capacity_trace.size() > kMaxCapacitySteps) {
    errors.push_back({"capacity_trace", "at most " + std::to_string(kMaxCapacitySteps) + " steps, got " +
                                            std::to_string(c.capacity_trace.size())});
  } else {
    for (std::size_t i = 0; i < c.capacity_trace.size(); ++i) {
      const CapacityStep& s = c.capacity_trace[i];
      std::string at_field = "capacity_trace[" + std::to_string(i) + "].at";
      if (s.at < Timestamp::Zero() || s.at > kMaxLinkTime) {
        errors.push_back({at_field, "must be in [0, " + std::to_string(kMaxLinkTime.us() / 1000000) + " s], got " +
                                        std::to_string(s.at.us()) + " us"});
      } else if (i > 0 && s.at <= c.capacity_trace[i - 1].at) {
        errors.push_back({at_field, "must be after capacity_trace[" + std::to_string(i - 1) + "].at (" +
                                        std::to_string(c.capacity_trace[i - 1].at.us()) + " us): steps are sorted "
                                        "by time, one per instant, got " + std::to_string(s.at.us()) + " us"});
      }
      CheckRate(errors, "capacity_trace[" + std::to_string(i) + "].rate", s.rate);
    }
  }
  return errors;
}

std::string JoinLinkConfigErrors(const std::vector<LinkConfigError>& errors) {
  std::string out;
  for (const LinkConfigError& e : errors) {
    if (!out.empty()) out += "; ";
    out += e.field;
    out += ": ";
    out += e.message;
  }
  return out;
}

}  // namespace sfusim::sim
