// Runs command lines as child processes, at most `parallel` at a time, each bounded by a wall-time
// limit: the worker pool of `sfusim sweep`.
//
// Contract:
// - Each job is spawned with posix_spawn (argv[0] is the program path, not searched in PATH), in a
//   process group of its own, stdin from /dev/null, stdout and stderr into job.log_file (truncated;
//   "" = /dev/null). Jobs start in list order; on_done is called once per job, in the order they
//   finish, from the calling thread (no threads are used).
// - A job that runs longer than timeout_s is killed (SIGKILL to its process group) and ends
//   kTimedOut; one that dies on a signal ends kSignaled with the signal; one that cannot be spawned
//   (no such program, not executable, log file not writable) ends kSpawnFailed with the reason.
//   None of these stops the other jobs. A SIGINT or SIGTERM to this process while it waits kills
//   the running jobs and ends every unfinished job kSpawnFailed ("interrupted" / "not run"); the
//   previous handlers are restored on return.
// - This is the one place of the project that reads a wall clock for control, and only here:
//   process supervision. Nothing simulated runs in this process while it waits.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace sfusim::scenario {

constexpr double kDefaultRunTimeoutS = 600;
constexpr int kProcessPollIntervalMs = 5;

struct ProcessJob {
  std::vector<std::string> argv;
  std::string log_file;
};

enum class ProcessEnd { kExited, kSignaled, kTimedOut, kSpawnFailed };

struct ProcessOutcome {
  ProcessEnd end = ProcessEnd::kSpawnFailed;
  int exit_code = -1;  // kExited
  int signal = 0;      // kSignaled
  double wall_s = 0;
  std::string error;   // kSpawnFailed
};

struct ProcessPoolOptions {
  int parallel = 1;
  double timeout_s = kDefaultRunTimeoutS;
};

std::vector<ProcessOutcome> RunProcesses(const std::vector<ProcessJob>& jobs, const ProcessPoolOptions& options,
                                         const std::function<void(std::size_t, const ProcessOutcome&)>& on_done);

// "SIGSEGV" for 11, "signal 63" for one without a name.
std::string SignalName(int signal);

// The number of cores this process may use (at least 1).
int DefaultParallelism();

}  // namespace sfusim::scenario
