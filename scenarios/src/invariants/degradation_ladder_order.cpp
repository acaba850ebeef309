#include "sfusim/scenario/invariants/degradation_ladder_order.h"

#include <array>
#include <optional>

namespace sfusim::scenario {
namespace {

// PROTOCOL.md §3's order of the ladder's dimensions, top (lowered first) to bottom.
constexpr std::array<std::string_view, 3> kLadderDimensions = {"fps", "tier", "bitrate"};
constexpr std::string_view kDown = " (down): ";
constexpr std::string_view kUp = " (up): ";

struct Step {
  bool down = false;
  int rank = 0;
};

// "level 2 (down): tier 1080p->720p" -> {down, rank of "tier"}.
std::optional<Step> ParseStep(std::string_view reason) {
  Step s;
  std::size_t at = reason.find(kDown);
  std::size_t len = kDown.size();
  if (at == std::string_view::npos) {
    at = reason.find(kUp);
    len = kUp.size();
    if (at == std::string_view::npos) return std::nullopt;
  } else {
    s.down = true;
  }
  std::string_view rest = reason.substr(at + len);
  for (std::size_t i = 0; i < kLadderDimensions.size(); ++i) {
    const std::string_view d = kLadderDimensions[i];
    if (rest.substr(0, d.size()) == d && (rest.size() == d.size() || rest[d.size()] == ' ')) {
      s.rank = static_cast<int>(i);
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace

void DegradationLadderOrder::OnSenderStarted(const std::string& participant) { lowered_[participant].clear(); }

void DegradationLadderOrder::OnDegradationChanged(double at_s, const std::string& participant,
                                                  std::string_view reason) {
  ++steps_;
  const std::string quoted = "\"" + std::string(reason) + "\"";
  auto step = ParseStep(reason);
  if (!step) {
    Violate(at_s, participant + ": unreadable degradation_changed reason " + quoted);
    return;
  }
  std::vector<int>& lowered = lowered_[participant];
  const std::string_view what = kLadderDimensions[static_cast<std::size_t>(step->rank)];
  if (step->down) {
    if (!lowered.empty() && step->rank < lowered.back()) {
      Violate(at_s, participant + " lowered " + std::string(what) + " after " +
                        std::string(kLadderDimensions[static_cast<std::size_t>(lowered.back())]) + " (" + quoted +
                        "; the order is fps, tier, bitrate)");
    }
    if (lowered.size() < kMaxDistinctKeys) lowered.push_back(step->rank);
    return;
  }
  if (lowered.empty()) {
    Violate(at_s, participant + " climbed in " + std::string(what) + " with nothing lowered (" + quoted + ")");
    return;
  }
  if (step->rank != lowered.back()) {
    Violate(at_s, participant + " restored " + std::string(what) + " before " +
                      std::string(kLadderDimensions[static_cast<std::size_t>(lowered.back())]) + ", the last lowered (" +
                      quoted + ")");
  }
  lowered.pop_back();
}

}  // namespace sfusim::scenario
