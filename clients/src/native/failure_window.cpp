#include "sfusim/clients/native/failure_window.h"

#include <algorithm>

namespace sfusim::clients {

FailureWindow::FailureWindow(sim::TimeDelta window, std::size_t max_events)
    : window_(window), max_events_(std::max<std::size_t>(max_events, 1)) {}

void FailureWindow::Evict(sim::Timestamp now) {
  if (now > latest_) latest_ = now;
  // An event at time e is inside while e > latest - window.
  while (!times_.empty() && times_.front() <= latest_ - window_) times_.pop_front();
}

std::size_t FailureWindow::Add(sim::Timestamp now) {
  Evict(now);
  if (times_.size() >= max_events_) times_.pop_front();
  times_.push_back(latest_);
  return times_.size();
}

std::size_t FailureWindow::Count(sim::Timestamp now) {
  Evict(now);
  return times_.size();
}

void FailureWindow::Clear() { times_.clear(); }

}  // namespace sfusim::clients
