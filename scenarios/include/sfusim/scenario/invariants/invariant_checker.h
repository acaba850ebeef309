// InvariantChecker: the base of every invariant checker (DESIGN.md "Invariants").
//
// Contract: a checker is fed observations while the run goes on (each subclass says which), may
// be told the run ended (Finish), and records the first violation (time + a detail that names
// the ids involved) and how many it saw in all. It never stops the run. Its name is the stable
// name from vocabulary.h's kInvariantNames.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "sfusim/scenario/run_result.h"

namespace sfusim::scenario {

// At most this many violations are counted per checker (then the count saturates): a broken
// invariant that fires on every packet must not cost more than counting.
inline constexpr uint64_t kMaxCountedViolations = UINT64_MAX;
inline constexpr std::size_t kMaxDistinctKeys = 100'000;

class InvariantChecker {
 public:
  explicit InvariantChecker(std::string_view name) : name_(name) {}
  virtual ~InvariantChecker() = default;
  InvariantChecker(const InvariantChecker&) = delete;
  InvariantChecker& operator=(const InvariantChecker&) = delete;

  const std::string& name() const { return name_; }
  // The run ended at end_s: checks that need the whole run (requests never answered, ...).
  virtual void Finish(double end_s) { (void)end_s; }

  bool passed() const { return violations_ == 0; }
  const std::optional<Violation>& first_violation() const { return first_; }
  uint64_t violations() const { return violations_; }
  InvariantVerdict Verdict() const { return InvariantVerdict{name_, passed(), first_, violations_}; }

 protected:
  // For checks of a state that persists (a leaked consumer seen at every later change): the same
  // key counts once. At most kMaxDistinctKeys keys are remembered, then every call counts.
  void ViolateOnce(double at_s, const std::string& key, std::string detail) {
    if (reported_.count(key)) return;
    if (reported_.size() < kMaxDistinctKeys) reported_.insert(key);
    Violate(at_s, std::move(detail));
  }
  void Violate(double at_s, std::string detail) {
    if (violations_ < kMaxCountedViolations) ++violations_;
    if (!first_) first_ = Violation{at_s, std::move(detail)};
  }

 private:
  std::string name_;
  std::optional<Violation> first_;
  uint64_t violations_ = 0;
  std::set<std::string> reported_;
};

}  // namespace sfusim::scenario
