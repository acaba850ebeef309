#include "sfusim/scenario/vocabulary.h"

namespace sfusim::scenario {

const MetricInfo* FindMetric(std::string_view name) {
  for (const MetricInfo& m : kMetrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

const EventInfo* FindEvent(std::string_view name) {
  for (const EventInfo& e : kEvents) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const ActionInfo* FindAction(std::string_view name) {
  for (const ActionInfo& a : kActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace sfusim::scenario
