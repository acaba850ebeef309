// RealTimeLoop::Io: the io_context behind a RealTimeLoop (private to sim/src/asio). A work guard
// keeps run_one_until() blocking until its deadline even when no socket is open.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "sfusim/sim/real_time_loop.h"

namespace sfusim::sim {

class RealTimeLoop::Io {
 public:
  Io() : guard_(boost::asio::make_work_guard(context_)) {}
  boost::asio::io_context& context() { return context_; }

 private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
};

}  // namespace sfusim::sim
